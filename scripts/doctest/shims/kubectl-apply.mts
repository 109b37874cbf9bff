// `kubectl apply -f` / `create -f` and `delete`: manifests are validated as
// the API server validates them with kubectl's default strict field
// validation (scripts/lib/k8s-validate.mts), stored, and handed to the
// reconciler.
import { validateDocument } from '../../lib/k8s-core-validate.mts';
import { parseManifestText, type ManifestDoc } from '../../lib/k8s-validate.mts';
import type { PageSpec as PageContext } from '../world.mts';
import type { ParsedArgs } from './kubectl-flags.mts';
import { reconcile, stopServer } from './kubectl-reconcile.mts';
import {
  findType,
  keyOf,
  resourceName,
  typeOfKind,
  type K8sState,
  type ResourceType,
  type Stored,
} from './kubectl-store.mts';
import { readInput, type ShimRequest, type ShimResult } from './server.mts';

export const err = (msg: string, code = 1): ShimResult => ({ code, stderr: `error: ${msg}\n` });

async function docsOf(
  p: ParsedArgs,
  req: ShimRequest,
): Promise<
  { error: string } | { docs: ManifestDoc[]; rejected: Set<ManifestDoc>; problems: string[] }
> {
  const files = p.flags.get('filename') ?? [];
  if (files.length === 0) return { error: 'must specify one of -f and -k' };
  const docs: ManifestDoc[] = [];
  const rejected = new Set<ManifestDoc>();
  const problems: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await readInput(f, req);
    } catch {
      return { error: `the path "${f}" does not exist` };
    }
    const r = parseManifestText(text, f);
    for (const pr of r.problems)
      problems.push(`error: error parsing ${f}: line ${pr.line ?? '?'}: ${pr.message}`);
    for (const d of r.docs) {
      const issues = await validateDocument(d);
      if (issues.length > 0) {
        rejected.add(d);
        problems.push(
          `Error from server (BadRequest): error when creating "${f}": ${d.kind} "${d.name}" is invalid: ${issues
            .map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`)
            .join(', ')}`,
        );
      }
      docs.push(d);
    }
  }
  return { docs, rejected, problems };
}

export async function apply(
  ctx: PageContext,
  s: K8sState,
  p: ParsedArgs,
  ns: string,
  req: ShimRequest,
): Promise<ShimResult> {
  const r = await docsOf(p, req);
  if ('error' in r) return err(r.error);
  const out: string[] = [];
  for (const d of r.docs) {
    const type = typeOfKind(d.kind);
    if (!type || r.rejected.has(d)) continue;
    const namespace = d.namespace ?? ns;
    const key = keyOf(d.kind, namespace, d.name);
    const prev = s.objects.get(key);
    const obj = structuredClone(d.object) as Stored['obj'];
    obj.metadata = { ...obj.metadata, namespace };
    const same =
      prev &&
      JSON.stringify(prev.obj['spec'] ?? prev.obj['stringData'] ?? prev.obj['data']) ===
        JSON.stringify(obj['spec'] ?? obj['stringData'] ?? obj['data']);
    if (prev) obj.status = prev.obj.status;
    s.objects.set(key, { type, obj, created: prev?.created ?? new Date() });
    out.push(
      `${resourceName(type)}/${d.name} ${prev ? (same ? 'unchanged' : 'configured') : 'created'}`,
    );
    if (prev && !same && d.kind === 'MCPServer') await stopServer(s, d.name);
  }
  s.reconciling = s.reconciling.then(() => reconcile(ctx, s));
  return {
    code: r.problems.length ? 1 : 0,
    stdout: out.map((l) => `${l}\n`).join(''),
    stderr: r.problems.map((l) => `${l}\n`).join(''),
  };
}

export async function del(
  s: K8sState,
  p: ParsedArgs,
  ns: string,
  req: ShimRequest,
): Promise<ShimResult> {
  const out: string[] = [];
  const errors: string[] = [];
  const ignore = p.flags.get('ignore-not-found')?.[0] === 'true';
  const remove = async (type: ResourceType, name: string) => {
    if (!s.objects.delete(keyOf(type.kind, ns, name))) {
      if (!ignore) errors.push(`Error from server (NotFound): ${type.plural} "${name}" not found`);
      return;
    }
    if (type.kind === 'MCPServer') {
      await stopServer(s, name);
      // the operator's objects go with their owner (owner references)
      for (const [k, o] of s.objects) if (o.ownedBy === name) s.objects.delete(k);
    }
    out.push(`${resourceName(type)} "${name}" deleted`);
  };
  if (p.flags.has('filename')) {
    const r = await docsOf(p, req);
    if ('error' in r) return err(r.error);
    for (const d of r.docs) {
      const type = typeOfKind(d.kind);
      if (type) await remove(type, d.name);
    }
  } else {
    const [t = '', ...names] = p.positionals;
    const type = findType(t.split('/')[0] as string);
    if (!type) return err(`the server doesn't have a resource type "${t}"`);
    for (const n of t.includes('/') ? [t.split('/')[1] as string] : names) await remove(type, n);
  }
  return {
    code: errors.length ? 1 : 0,
    stdout: out.map((l) => `${l}\n`).join(''),
    stderr: errors.map((l) => `${l}\n`).join(''),
  };
}
