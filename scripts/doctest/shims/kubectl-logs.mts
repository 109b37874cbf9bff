// `kubectl logs`: the pods the operator would run for each MCPServer, with
// the operator's real labels and container names, and the proxy's own log.
import type { ParsedArgs } from './kubectl-flags.mts';
import { selectorMatches } from './kubectl-selector.mts';
import { err } from './kubectl-apply.mts';
import type { K8sState } from './kubectl-store.mts';
import type { ShimResult } from './server.mts';

interface Pod {
  name: string;
  labels: Record<string, string>;
  containers: Record<string, () => string>;
}

function pods(s: K8sState, ns: string): Pod[] {
  const out: Pod[] = [];
  for (const o of s.objects.values()) {
    if (o.type.kind !== 'MCPServer' || o.obj.metadata['namespace'] !== ns) continue;
    const name = String(o.obj.metadata['name']);
    const w = s.workloads.get(name);
    if (!w) continue;
    // the proxy Deployment's pods, container "toolhive"
    // (cmd/thv-operator/controllers/mcpserver_controller.go@v0.44.0 labelsForMCPServer)
    out.push({
      name: `${name}-7d9f8b6c5d-x2k4q`,
      labels: {
        app: 'mcpserver',
        'app.kubernetes.io/name': 'mcpserver',
        'app.kubernetes.io/instance': name,
        toolhive: 'true',
        'toolhive-name': name,
      },
      containers: { toolhive: () => w.logs.join('') },
    });
    // the MCP server StatefulSet's pod, container "mcp"
    out.push({
      name: `${name}-0`,
      labels: { app: name, toolhive: 'true', 'toolhive-name': name },
      containers: { mcp: () => '' },
    });
  }
  return out;
}

export function logs(s: K8sState, p: ParsedArgs, ns: string): ShimResult {
  const container = p.flags.get('container')?.[0];
  const tail = Number(p.flags.get('tail')?.[0] ?? -1);
  const all = pods(s, ns);
  let chosen: Pod[];
  const selector = p.selector;
  if (selector) {
    chosen = all.filter((x) => selectorMatches(selector, x.labels));
    if (chosen.length === 0) {
      return {
        code: 1,
        stderr: `No resources found in ${ns} namespace.\n(doctest: the selector ${p.flags.get('selector')?.[0]} matches no pod; real kubectl exits 0 here, the doctest fails. Proxy pods carry app.kubernetes.io/name=mcpserver,app.kubernetes.io/instance=<name>, container toolhive.)\n`,
      };
    }
  } else {
    const target = p.positionals[0] ?? '';
    if (!target)
      return err('expected POD or TYPE/NAME is a required argument for the logs command');
    const dep = /^(?:deployment|deploy|deployments)(?:\.apps)?\/(.+)$/.exec(target);
    const pod = /^(?:pod|pods|po)\/(.+)$/.exec(target);
    chosen = all.filter((x) =>
      dep ? x.labels['app.kubernetes.io/instance'] === dep[1] : x.name === (pod ? pod[1] : target),
    );
    if (chosen.length === 0)
      return {
        code: 1,
        stderr: `Error from server (NotFound): ${dep ? 'deployments.apps' : 'pods'} "${dep?.[1] ?? pod?.[1] ?? target}" not found\n`,
      };
    if (dep) chosen = chosen.slice(0, 1);
  }
  const out: string[] = [];
  for (const pod of chosen) {
    const names = Object.keys(pod.containers);
    const c = container ?? (names.length === 1 ? names[0] : undefined);
    if (!c || !pod.containers[c]) {
      return err(
        `container ${container ?? '(none given)'} is not valid for pod ${pod.name}${names.length ? `; choose one of: [${names.join(' ')}]` : ''}`,
      );
    }
    let lines = (pod.containers[c] as () => string)().replace(/\n$/, '').split('\n');
    if (tail >= 0) lines = lines.slice(-tail);
    out.push(lines.join('\n'));
  }
  return { code: 0, stdout: `${out.join('\n')}\n` };
}
