// The kubectl shim's cluster: the resource types it knows (the ToolHive CRDs
// and the core kinds a page applies or shows), the objects applied so far,
// the workloads the reconciler started, and the port-forwards open.
import { DEFINITIONS, type CrdDefinition } from '../../lib/crds/index.mts';
import type { PageSpec as PageContext } from '../world.mts';
import { pageLocal } from '../page-local.mts';
import type { Workload } from './workloads.mts';

type Obj = Record<string, unknown> & {
  metadata: Record<string, unknown>;
  status?: Record<string, unknown>;
};

export interface ResourceType {
  kind: string;
  group: string;
  plural: string;
  singular: string;
  shortNames: string[];
  /** `kubectl get` columns between NAME and AGE. */
  columns: { name: string; value: (o: Obj) => unknown }[];
  crd?: CrdDefinition;
}

export interface Stored {
  type: ResourceType;
  obj: Obj;
  created: Date;
  /** Created by the operator for an MCPServer, not applied by the page. */
  ownedBy?: string;
}

export interface K8sState {
  objects: Map<string, Stored>;
  workloads: Map<string, Workload>;
  reconciling: Promise<void>;
  forwards: (() => void)[];
}

function jsonPath(obj: unknown, p: string): unknown {
  // .a.b, .a[?(@.type=="Ready")].status; the CRDs' printer columns quote with ' (kubectl's JSONPath takes both)
  let cur: unknown = obj;
  for (const part of p
    .replace(/^\./, '')
    .match(/[^.[\]]+|\[\?\(@\.\w+==(?:"[^"]*"|'[^']*')\)\]/g) ?? []) {
    const filter = /^\[\?\(@\.(\w+)==(?:"([^"]*)"|'([^']*)')\)\]$/.exec(part);
    if (filter)
      cur = (cur as Record<string, unknown>[] | undefined)?.find(
        (x) => x[filter[1] as string] === (filter[2] ?? filter[3]),
      );
    else cur = (cur as Record<string, unknown> | undefined)?.[part];
  }
  return cur;
}

const fromCrd = (d: CrdDefinition): ResourceType => ({
  kind: d.kind,
  group: d.group,
  plural: d.plural,
  singular: d.singular,
  shortNames: d.shortNames,
  columns: d.additionalPrinterColumns
    .filter((c) => c.name !== 'Age' && d.kind !== 'Secret')
    .map((c) => ({ name: c.name.toUpperCase(), value: (o) => jsonPath(o, c.jsonPath) })),
  crd: d,
});

const count = (x: unknown) => (x && typeof x === 'object' ? Object.keys(x).length : 0);
const spec = (o: Obj) => (o['spec'] ?? {}) as Record<string, unknown>;

// Columns as kubectl's table printers print them (pkg/printers/internalversion/printers.go).
const CORE: ResourceType[] = [
  {
    kind: 'Secret',
    group: '',
    plural: 'secrets',
    singular: 'secret',
    shortNames: [],
    columns: [
      { name: 'TYPE', value: (o) => o['type'] ?? 'Opaque' },
      { name: 'DATA', value: (o) => count(o['data']) + count(o['stringData']) },
    ],
  },
  {
    kind: 'ConfigMap',
    group: '',
    plural: 'configmaps',
    singular: 'configmap',
    shortNames: ['cm'],
    columns: [{ name: 'DATA', value: (o) => count(o['data']) + count(o['binaryData']) }],
  },
  {
    kind: 'Namespace',
    group: '',
    plural: 'namespaces',
    singular: 'namespace',
    shortNames: ['ns'],
    columns: [{ name: 'STATUS', value: () => 'Active' }],
  },
  {
    kind: 'Service',
    group: '',
    plural: 'services',
    singular: 'service',
    shortNames: ['svc'],
    columns: [
      { name: 'TYPE', value: (o) => spec(o)['type'] ?? 'ClusterIP' },
      { name: 'CLUSTER-IP', value: () => '10.96.0.10' },
      { name: 'EXTERNAL-IP', value: () => '<none>' },
      {
        name: 'PORT(S)',
        value: (o) =>
          ((spec(o)['ports'] ?? []) as { port: number; protocol?: string }[])
            .map((p) => `${p.port}/${p.protocol ?? 'TCP'}`)
            .join(','),
      },
    ],
  },
  {
    kind: 'Pod',
    group: '',
    plural: 'pods',
    singular: 'pod',
    shortNames: ['po'],
    columns: [
      { name: 'READY', value: () => '1/1' },
      { name: 'STATUS', value: () => 'Running' },
      { name: 'RESTARTS', value: () => 0 },
    ],
  },
  {
    kind: 'Deployment',
    group: 'apps',
    plural: 'deployments',
    singular: 'deployment',
    shortNames: ['deploy'],
    columns: [
      {
        name: 'READY',
        value: (o) => `${Number(spec(o)['replicas'] ?? 1)}/${Number(spec(o)['replicas'] ?? 1)}`,
      },
      { name: 'UP-TO-DATE', value: (o) => spec(o)['replicas'] ?? 1 },
      { name: 'AVAILABLE', value: (o) => spec(o)['replicas'] ?? 1 },
    ],
  },
  {
    kind: 'Ingress',
    group: 'networking.k8s.io',
    plural: 'ingresses',
    singular: 'ingress',
    shortNames: ['ing'],
    columns: [
      { name: 'CLASS', value: (o) => spec(o)['ingressClassName'] ?? '<none>' },
      {
        name: 'HOSTS',
        value: (o) =>
          ((spec(o)['rules'] ?? []) as { host?: string }[]).map((r) => r.host ?? '*').join(','),
      },
      { name: 'ADDRESS', value: () => '' },
      { name: 'PORTS', value: (o) => (spec(o)['tls'] ? '80, 443' : '80') },
    ],
  },
  {
    kind: 'HTTPRoute',
    group: 'gateway.networking.k8s.io',
    plural: 'httproutes',
    singular: 'httproute',
    shortNames: [],
    columns: [{ name: 'HOSTNAMES', value: (o) => JSON.stringify(spec(o)['hostnames'] ?? []) }],
  },
];

export const TYPES: ResourceType[] = [
  ...DEFINITIONS.filter((d) => d.kind !== 'Secret').map(fromCrd),
  ...CORE,
];

/** A type by kind, plural, singular or short name, optionally `.group`-qualified (as `kubectl get X`). */
export function findType(word: string): ResourceType | undefined {
  const [w = '', ...g] = word.toLowerCase().split('.');
  const group = g.join('.');
  return TYPES.find(
    (t) =>
      [t.plural, t.singular, t.kind.toLowerCase(), ...t.shortNames].includes(w) &&
      (!group || t.group === group || t.group.startsWith(`${group}.`)),
  );
}

export const typeOfKind = (kind: string) => TYPES.find((t) => t.kind === kind);

/** `mcpserver.toolhive.stacklok.dev`, `service`, `ingress.networking.k8s.io`: kubectl's resource/name prefix. */
export const resourceName = (t: ResourceType) =>
  t.group ? `${t.singular}.${t.group}` : t.singular;

export const keyOf = (kind: string, ns: string, name: string) => `${kind}/${ns}/${name}`;

const k8sState = pageLocal((): { s?: K8sState } => ({}));

export function state(ctx: PageContext): K8sState {
  const slot = k8sState(ctx);
  let s = slot.s;
  if (!s) {
    s = { objects: new Map(), workloads: new Map(), reconciling: Promise.resolve(), forwards: [] };
    slot.s = s;
    const st = s;
    ctx.cleanups.push(async () => {
      for (const f of st.forwards) f();
      for (const w of st.workloads.values()) await w.stop();
    });
  }
  return s;
}

/** The page's cluster if a kubectl command has made one, without making it. */
export const existingState = (ctx: PageContext): K8sState | undefined => k8sState(ctx).s;

export function objectsOf(s: K8sState, type: ResourceType, ns: string | undefined): Stored[] {
  return [...s.objects.values()].filter(
    (o) => o.type === type && (ns === undefined || o.obj.metadata['namespace'] === ns),
  );
}

export function age(d: Date): string {
  const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
  return s < 120 ? `${s}s` : `${Math.round(s / 60)}m`;
}
