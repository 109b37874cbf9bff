// Regenerates the pinned schema data in this folder from their upstream sources:
//
// - core-fields.json: the field sets of the core kinds (Service, Ingress,
//   Deployment, Pod, ConfigMap, Secret, Namespace) and of every type they
//   reach, from the structured-merge-diff schema that k8s.io/client-go
//   generates from the Kubernetes API types (applyconfigurations/internal/
//   internal.go at CLIENT_GO below). Unknown-field checks read it, as the API
//   server's strict field validation does.
// - httproute.v1.json: the `v1` openAPIV3Schema of Gateway API's HTTPRoute CRD
//   (config/crd/standard/gateway.networking.k8s.io_httproutes.yaml at
//   GATEWAY_API below), descriptions removed.
//
//   npx tsx scripts/lib/k8s-schemas/generate.mts <go-mod-cache> <gateway-api-checkout>
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const CLIENT_GO = 'v0.35.3';
export const GATEWAY_API = 'v1.6.1';
export const ROOT_TYPES: Record<string, string> = {
  Service: 'io.k8s.api.core.v1.Service',
  Pod: 'io.k8s.api.core.v1.Pod',
  ConfigMap: 'io.k8s.api.core.v1.ConfigMap',
  Secret: 'io.k8s.api.core.v1.Secret',
  Namespace: 'io.k8s.api.core.v1.Namespace',
  Deployment: 'io.k8s.api.apps.v1.Deployment',
  Ingress: 'io.k8s.api.networking.v1.Ingress',
};

interface SmdType {
  name: string;
  scalar?: string;
  map?: { fields?: { name: string; type: unknown }[]; elementType?: unknown };
  list?: { elementType: unknown };
}

function coreFields(modCache: string) {
  const file = path.join(
    modCache,
    `k8s.io/client-go@${CLIENT_GO}/applyconfigurations/internal/internal.go`,
  );
  const go = readFileSync(file, 'utf8');
  const start = go.indexOf('typed.YAMLObject(`') + 'typed.YAMLObject(`'.length;
  const doc = parse(go.slice(start, go.indexOf('`)', start))) as { types: SmdType[] };
  const byName = new Map(doc.types.map((t) => [t.name, t]));
  const out: Record<string, SmdType> = {};
  const visit = (t: unknown) => {
    if (!t || typeof t !== 'object') return;
    const o = t as Record<string, unknown>;
    const named = o['namedType'];
    if (typeof named === 'string' && !out[named]) {
      const def = byName.get(named);
      if (!def) throw new Error(`type ${named} not in ${file}`);
      out[named] = def;
      visit(def);
    }
    for (const v of Object.values(o)) if (v && typeof v === 'object') visit(v);
  };
  for (const root of Object.values(ROOT_TYPES)) visit({ namedType: root });
  return {
    source: `k8s.io/client-go@${CLIENT_GO} applyconfigurations/internal/internal.go`,
    roots: ROOT_TYPES,
    types: Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b))),
  };
}

function stripDescriptions(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripDescriptions);
  if (x && typeof x === 'object')
    return Object.fromEntries(
      Object.entries(x)
        .filter(([k]) => k !== 'description')
        .map(([k, v]) => [k, stripDescriptions(v)]),
    );
  return x;
}

function httpRoute(checkout: string) {
  const text = execFileSync(
    'git',
    ['show', `${GATEWAY_API}:config/crd/standard/gateway.networking.k8s.io_httproutes.yaml`],
    { cwd: checkout, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const crd = parse(text) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: unknown } }[] };
  };
  const v1 = crd.spec.versions.find((v) => v.name === 'v1');
  if (!v1) throw new Error('no v1 in the HTTPRoute CRD');
  return {
    source: `kubernetes-sigs/gateway-api@${GATEWAY_API} config/crd/standard/gateway.networking.k8s.io_httproutes.yaml`,
    openAPIV3Schema: stripDescriptions(v1.schema.openAPIV3Schema),
  };
}

if (process.argv[1]?.endsWith('generate.mts')) {
  const [modCache, gatewayCheckout] = process.argv.slice(2);
  if (!modCache || !gatewayCheckout) {
    console.error('usage: generate.mts <go-mod-cache> <gateway-api-git-dir>');
    process.exit(2);
  }
  const here = import.meta.dirname;
  writeFileSync(path.join(here, 'core-fields.json'), `${JSON.stringify(coreFields(modCache))}\n`);
  writeFileSync(
    path.join(here, 'httproute.v1.json'),
    `${JSON.stringify(httpRoute(gatewayCheckout))}\n`,
  );
}
