// References between the resources of one page: an Ingress or HTTPRoute
// backend must name a Service the page's resources create — one the page
// applies, or the proxy Service `mcp-<name>-proxy` the ToolHive operator
// creates for each MCPServer (port `http` = spec.proxyPort, default 8080:
// cmd/thv-operator/controllers/mcpserver_controller.go@v0.44.0,
// cmd/thv-operator/pkg/controllerutil/resources.go@v0.44.0) — in the same
// namespace, on a port that Service has.
import { lineOf, type ManifestDoc, type ManifestProblem } from './k8s-validate.mts';

export interface ServicePortRef {
  name?: string;
  port: number;
}
export interface PageService {
  name: string;
  namespace: string;
  ports: ServicePortRef[];
  /** How the page creates it, for messages. */
  origin: string;
}

const nsOf = (d: ManifestDoc, fallback = 'default') => d.namespace ?? fallback;
const rec = (x: unknown) => (x && typeof x === 'object' ? (x as Record<string, unknown>) : {});

/** The Services that exist once the page's documents are applied. */
export function servicesOf(docs: ManifestDoc[]): PageService[] {
  const out: PageService[] = [];
  for (const d of docs) {
    const spec = rec(d.object['spec']);
    if (d.kind === 'Service' && d.apiVersion === 'v1') {
      out.push({
        name: d.name,
        namespace: nsOf(d),
        ports: ((spec['ports'] ?? []) as Record<string, unknown>[]).map((p) => ({
          ...(typeof p['name'] === 'string' ? { name: p['name'] } : {}),
          port: Number(p['port']),
        })),
        origin: `the Service ${d.name}`,
      });
    }
    if (d.kind === 'MCPServer') {
      out.push({
        name: `mcp-${d.name}-proxy`,
        namespace: nsOf(d),
        ports: [{ name: 'http', port: Number(spec['proxyPort'] ?? 8080) }],
        origin: `the operator's proxy Service for the MCPServer ${d.name}`,
      });
    }
  }
  return out;
}

function describeServices(services: PageService[]): string {
  if (services.length === 0) return "the page's resources create no Service";
  return `the page's resources create ${services
    .map(
      (s) =>
        `${s.name} (${s.origin}; ports ${s.ports.map((p) => `${p.name ? `${p.name}=` : ''}${p.port}`).join(', ')})`,
    )
    .join('; ')}`;
}

/** Problems of `doc`'s backend references, given every document of the page. */
export function checkReferences(doc: ManifestDoc, pageDocs: ManifestDoc[]): ManifestProblem[] {
  const services = servicesOf(pageDocs).filter((s) => s.namespace === nsOf(doc));
  const problems: ManifestProblem[] = [];
  const problem = (path: (string | number)[], message: string) =>
    problems.push({
      file: doc.file,
      index: doc.index,
      kind: doc.kind,
      name: doc.name,
      line: lineOf(doc, path) ?? doc.line,
      path: path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join(''),
      message,
    });
  const checkService = (
    at: (string | number)[],
    name: unknown,
    port: { name?: unknown; number?: unknown },
  ) => {
    if (typeof name !== 'string') return;
    const svc = services.find((s) => s.name === name);
    if (!svc) {
      problem(
        [...at, 'name'],
        `no Service "${name}" in namespace ${nsOf(doc)}: ${describeServices(services)}`,
      );
      return;
    }
    if (typeof port.name === 'string' && !svc.ports.some((p) => p.name === port.name))
      problem(
        [...at, 'port', 'name'],
        `Service ${name} has no port named "${port.name}" (its ports: ${svc.ports.map((p) => p.name ?? p.port).join(', ')})`,
      );
    if (port.number !== undefined && !svc.ports.some((p) => p.port === Number(port.number)))
      problem(
        [...at, 'port', 'number'],
        `Service ${name} has no port ${String(port.number)} (its ports: ${svc.ports.map((p) => p.port).join(', ')})`,
      );
  };
  const spec = rec(doc.object['spec']);
  if (doc.kind === 'Ingress') {
    const ingressBackend = (at: (string | number)[], b: unknown) => {
      const service = rec(rec(b)['service']);
      if (Object.keys(service).length === 0) return;
      const port = rec(service['port']);
      checkService([...at, 'service'], service['name'], {
        name: port['name'],
        number: port['number'],
      });
    };
    if (spec['defaultBackend']) ingressBackend(['spec', 'defaultBackend'], spec['defaultBackend']);
    ((spec['rules'] ?? []) as unknown[]).forEach((r, i) =>
      ((rec(rec(r)['http'])['paths'] ?? []) as unknown[]).forEach((p, j) =>
        ingressBackend(['spec', 'rules', i, 'http', 'paths', j, 'backend'], rec(p)['backend']),
      ),
    );
  }
  if (doc.kind === 'HTTPRoute') {
    ((spec['rules'] ?? []) as unknown[]).forEach((r, i) =>
      ((rec(r)['backendRefs'] ?? []) as unknown[]).forEach((b, j) => {
        const ref = rec(b);
        // BackendObjectReference: group "" and kind Service are the defaults
        if ((ref['group'] ?? '') !== '' || (ref['kind'] ?? 'Service') !== 'Service') return;
        const at = ['spec', 'rules', i, 'backendRefs', j];
        const svc = services.find((s) => s.name === ref['name']);
        if (!svc) {
          checkService(at, ref['name'], {});
          return;
        }
        if (ref['port'] !== undefined && !svc.ports.some((p) => p.port === Number(ref['port'])))
          problem(
            [...at, 'port'],
            `Service ${svc.name} has no port ${String(ref['port'])} (its ports: ${svc.ports.map((p) => p.port).join(', ')})`,
          );
      }),
    );
  }
  return problems;
}
