// `kubectl` on a page's PATH: a manifest store for the verbs the guides use
// (apply -f, get, describe, logs, wait, delete, port-forward). Flags and
// their values are parsed as kubectl parses them (kubectl-flags.mts); apply
// validates strictly against the real schemas (CRDs: scripts/lib/crds, core
// kinds: scripts/lib/k8s-core-validate.mts); a reconciler acts as the
// ToolHive operator (kubectl-reconcile.mts); get prints the real printer
// columns; logs selects pods by the operator's real labels, so a selector
// that would match nothing in a cluster matches nothing here — and, stricter
// than kubectl, fails.
import type { PageSpec as PageContext } from '../world.mts';
import { apply, del, err } from './kubectl-apply.mts';
import { FlagError, parseArgs, type ParsedArgs } from './kubectl-flags.mts';
import { describe, get, wait } from './kubectl-get.mts';
import { logs } from './kubectl-logs.mts';
import { portForward } from './kubectl-port-forward.mts';
import { state } from './kubectl-store.mts';
import type { ShimRequest, ShimResult } from './server.mts';

const VERBS = ['apply', 'create', 'get', 'describe', 'wait', 'logs', 'delete', 'port-forward'];

export function kubectlShim(ctx: PageContext) {
  return async (req: ShimRequest): Promise<ShimResult> => {
    const [verb = '', ...rest] = req.args;
    if (!VERBS.includes(verb))
      return err(
        `the doctest kubectl shim does not implement "kubectl ${verb}" (it has ${VERBS.join(', ')})`,
      );
    let p: ParsedArgs;
    try {
      p = parseArgs(verb, rest);
    } catch (e) {
      if (e instanceof FlagError)
        return {
          code: 1,
          stderr: `error: ${e.message}\nSee 'kubectl ${verb} --help' for usage.\n`,
        };
      throw e;
    }
    const ns = p.flags.get('namespace')?.[0] ?? 'default';
    const s = state(ctx);
    switch (verb) {
      case 'apply':
      case 'create':
        return apply(ctx, s, p, ns, req);
      case 'get':
        await s.reconciling;
        return get(s, p, ns);
      case 'describe':
        await s.reconciling;
        return describe(s, p, ns);
      case 'wait':
        return wait(s, p, ns);
      case 'logs':
        await s.reconciling;
        return logs(s, p, ns);
      case 'delete':
        return del(s, p, ns, req);
      default:
        return portForward(ctx, s, p, ns);
    }
  };
}
