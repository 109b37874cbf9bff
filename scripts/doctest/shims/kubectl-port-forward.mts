// `kubectl port-forward service/NAME LOCAL:REMOTE`: the Service must exist
// (the operator's `mcp-<name>-proxy`, or one the page applied), REMOTE must be
// one of its ports (by number or name), and a pod must be running behind it.
// localhost:LOCAL then reaches the proxy; the command stays in the
// foreground, as kubectl does.
import { pageServices } from '../worlds/shared/network.mts';
import type { PageSpec as PageContext } from '../world.mts';
import type { ParsedArgs } from './kubectl-flags.mts';
import { err } from './kubectl-apply.mts';
import { keyOf, type K8sState } from './kubectl-store.mts';
import type { ShimResult } from './server.mts';

export async function portForward(
  ctx: PageContext,
  s: K8sState,
  p: ParsedArgs,
  ns: string,
): Promise<ShimResult> {
  await s.reconciling;
  const [target = '', ...portArgs] = p.positionals;
  if (!target || portArgs.length === 0)
    return err('TYPE/NAME and list of ports are required for port-forward');
  const m = /^(?:service|services|svc)\/(.+)$/.exec(target);
  if (!m)
    return err(`the doctest's kubectl port-forwards to a Service (service/NAME); got ${target}`);
  const svcName = m[1] as string;
  const svc = s.objects.get(keyOf('Service', ns, svcName));
  if (!svc)
    return { code: 1, stderr: `Error from server (NotFound): services "${svcName}" not found\n` };
  const ports = ((svc.obj['spec'] as Record<string, unknown>)['ports'] ?? []) as {
    name?: string;
    port: number;
    targetPort?: number | string;
  }[];
  const server = svc.ownedBy;
  const w = server ? s.workloads.get(server) : undefined;
  const forwards: [string, number][] = [];
  for (const pa of portArgs) {
    const [local = '', remote = local] = pa.split(':');
    if (!/^\d*$/.test(local) || !(Number(local) > 0 || local === ''))
      return err(
        `error parsing local port '${local}': strconv.ParseUint: parsing "${local}": invalid syntax`,
      );
    const port = ports.find((x) => String(x.port) === remote || x.name === remote);
    if (!port) return err(`Service ${svcName} does not have a service port ${remote}`);
    forwards.push([local || remote, port.port]);
  }
  if (!w) {
    const owner = server ? s.objects.get(keyOf('MCPServer', ns, server)) : undefined;
    return err(
      `unable to forward port because pod is not running. Current status=${String(owner?.obj.status?.['phase'] ?? 'Pending')}`,
    );
  }
  const services = await pageServices(ctx);
  for (const [local] of forwards) {
    services.hostProxy.mapLocal(`localhost:${local}`, w.realPort, 'proxy');
    services.hostProxy.mapLocal(`127.0.0.1:${local}`, w.realPort, 'proxy');
  }
  // like kubectl: stays in the foreground until stopped
  await new Promise<void>((resolve) => s.forwards.push(resolve));
  return {
    code: 0,
    stdout: forwards
      .map(
        ([l, r]) => `Forwarding from 127.0.0.1:${l} -> ${r}\nForwarding from [::1]:${l} -> ${r}\n`,
      )
      .join(''),
  };
}
