// Validation of the core Kubernetes kinds a page applies or shows (Service,
// Ingress, Deployment, Pod, ConfigMap, Secret, Namespace) and of Gateway
// API's HTTPRoute, against the real schemas:
//
// - field sets (kubectl's default strict field validation: an unknown field
//   is an error): the structured-merge-diff schema k8s.io/client-go generates
//   from the API types, pinned in k8s-schemas/core-fields.json;
// - values (types, enums such as Ingress `pathType`, required fields,
//   formats): the validators `kubernetes-models` compiles from Kubernetes'
//   OpenAPI spec (npm kubernetes-models, pinned in package.json);
// - HTTPRoute: the v1 openAPIV3Schema of Gateway API's CRD, pinned in
//   k8s-schemas/httproute.v1.json (structural, so strict like the CRDs);
//   its CEL rules are not evaluated.
//
// Everything loads on first use and stays cached for the process.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  compileSchema,
  lineOf,
  validateManifest,
  type ManifestDoc,
  type ManifestProblem,
} from './k8s-validate.mts';

interface CoreKind {
  apiVersion: string;
  /** kubernetes-models' compiled validator module. */
  validator?: string;
  /** Root type in core-fields.json. */
  fieldsRoot?: string;
}

export const CORE_KINDS: Record<string, CoreKind> = {
  Service: { apiVersion: 'v1', validator: 'IoK8sApiCoreV1Service' },
  Pod: { apiVersion: 'v1', validator: 'IoK8sApiCoreV1Pod' },
  ConfigMap: { apiVersion: 'v1', validator: 'IoK8sApiCoreV1ConfigMap' },
  Secret: { apiVersion: 'v1', validator: 'IoK8sApiCoreV1Secret' },
  Namespace: { apiVersion: 'v1', validator: 'IoK8sApiCoreV1Namespace' },
  Deployment: { apiVersion: 'apps/v1', validator: 'IoK8sApiAppsV1Deployment' },
  Ingress: { apiVersion: 'networking.k8s.io/v1', validator: 'IoK8sApiNetworkingV1Ingress' },
  HTTPRoute: { apiVersion: 'gateway.networking.k8s.io/v1' },
};

export const isCoreKind = (kind: string) => Object.hasOwn(CORE_KINDS, kind);

interface SmdType {
  scalar?: 'string' | 'numeric' | 'boolean' | 'untyped';
  map?: { fields?: { name: string; type: SmdRef }[]; elementType?: SmdRef };
  list?: { elementType: SmdRef };
}
type SmdRef = SmdType & { namedType?: string };

const here = import.meta.dirname;
let fields: { roots: Record<string, string>; types: Record<string, SmdType> } | undefined;
const coreFields = () =>
  (fields ??= JSON.parse(readFileSync(path.join(here, 'k8s-schemas/core-fields.json'), 'utf8')));
let httpRoute: Record<string, unknown> | undefined;
const httpRouteSchema = () =>
  (httpRoute ??= (
    JSON.parse(readFileSync(path.join(here, 'k8s-schemas/httproute.v1.json'), 'utf8')) as {
      openAPIV3Schema: Record<string, unknown>;
    }
  ).openAPIV3Schema);

type Validate = ((data: unknown) => boolean) & {
  errors?:
    | { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }[]
    | null;
};
const validators = new Map<string, Promise<Validate>>();
function validatorFor(name: string): Promise<Validate> {
  let v = validators.get(name);
  if (!v) {
    v = import(`kubernetes-models/_schemas/${name}`).then(
      (m: { validate: Validate }) => m.validate,
    );
    validators.set(name, v);
  }
  return v;
}

type Path = (string | number)[];
const dotted = (p: Path) =>
  p.map((x, i) => (typeof x === 'number' ? `[${x}]` : i === 0 ? x : `.${x}`)).join('');

/** Strict field check against the structured-merge-diff schema: unknown fields and scalar types. */
function checkFields(
  value: unknown,
  ref: SmdRef,
  at: Path,
  out: { path: Path; message: string }[],
) {
  const t: SmdType = ref.namedType ? (coreFields().types[ref.namedType] ?? {}) : ref;
  if (value === null || value === undefined) return;
  if (t.scalar === 'untyped' && !t.map && !t.list) return;
  if (t.map && typeof value === 'object' && !Array.isArray(value)) {
    const known = new Map((t.map.fields ?? []).map((f) => [f.name, f.type]));
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const ft = known.get(k) ?? (t.map.fields ? undefined : t.map.elementType);
      if (!ft) {
        if (t.scalar === 'untyped') continue;
        out.push({ path: [...at, k], message: `unknown field "${dotted([...at, k])}"` });
        continue;
      }
      checkFields(v, ft, [...at, k], out);
    }
    return;
  }
  const list = t.list;
  if (list && Array.isArray(value)) {
    value.forEach((v, i) => checkFields(v, list.elementType, [...at, i], out));
    return;
  }
  if (t.scalar === 'untyped') return;
  const want = t.scalar ?? (t.map ? 'object' : t.list ? 'array' : undefined);
  const got = Array.isArray(value) ? 'array' : typeof value;
  const ok =
    want === undefined ||
    (want === 'string' && got === 'string') ||
    (want === 'numeric' && got === 'number') ||
    (want === 'boolean' && got === 'boolean') ||
    (want === 'object' && got === 'object') ||
    (want === 'array' && got === 'array');
  if (!ok)
    out.push({
      path: at,
      message: `Invalid value: ${JSON.stringify(value)}: expected ${want === 'numeric' ? 'a number' : want === 'object' ? 'an object' : want === 'array' ? 'a list' : `a ${want}`}`,
    });
}

function describe(e: NonNullable<Validate['errors']>[number]): { path: Path; message: string } {
  const path: Path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  switch (e.keyword) {
    case 'required':
      return {
        path: [...path, String(e.params['missingProperty'])],
        message: 'Required value: this field is required',
      };
    case 'enum':
      return {
        path,
        message: `Unsupported value: supported values: ${(e.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'additionalProperties': {
      const f = String(e.params['additionalProperty']);
      return { path: [...path, f], message: `unknown field "${dotted([...path, f])}"` };
    }
    case 'type':
      return { path, message: `Invalid value: expected ${String(e.params['type'])}` };
    default:
      return { path, message: `Invalid value: ${e.message ?? e.keyword}` };
  }
}

/** Validates a core-kind document; `undefined` when `doc.kind` is not one of CORE_KINDS. */
export async function validateCoreManifest(
  doc: ManifestDoc,
): Promise<ManifestProblem[] | undefined> {
  const spec = CORE_KINDS[doc.kind];
  if (!spec) return undefined;
  const base = { file: doc.file, index: doc.index, kind: doc.kind, name: doc.name };
  const problem = (p: Path, message: string): ManifestProblem => ({
    ...base,
    line: lineOf(doc, p) ?? doc.line,
    path: dotted(p),
    message,
  });
  if (doc.apiVersion !== spec.apiVersion)
    return [
      problem(
        ['apiVersion'],
        `no ${doc.kind} in ${doc.apiVersion}; use apiVersion: ${spec.apiVersion}`,
      ),
    ];
  const found: { path: Path; message: string }[] = [];
  if (spec.validator) {
    const root = coreFields().roots[doc.kind] as string;
    checkFields(doc.object, { namedType: root }, [], found);
    const validate = await validatorFor(spec.validator);
    if (!validate(doc.object)) for (const e of validate.errors ?? []) found.push(describe(e));
    const meta = doc.object['metadata'] as Record<string, unknown> | undefined;
    if (!meta || typeof meta['name'] !== 'string' || meta['name'] === '')
      found.push({
        path: ['metadata', 'name'],
        message: 'Required value: name or generateName is required',
      });
  } else {
    const validate = compileSchema(httpRouteSchema());
    if (!validate(doc.object))
      for (const e of validate.errors ?? [])
        found.push(describe(e as NonNullable<Validate['errors']>[number]));
  }
  const seen = new Set<string>();
  const problems: ManifestProblem[] = [];
  // an unknown field first: it is the cause, a missing required field its consequence
  found.sort((a, b) => Number(/^unknown/.test(b.message)) - Number(/^unknown/.test(a.message)));
  // one problem per field: the field check and the value check may both see a wrong type
  for (const f of found) {
    const key = dotted(f.path);
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem(f.path, f.message));
  }
  return problems;
}

/** Any manifest: a core kind against the real schemas above, a ToolHive CRD with validateManifest. */
export async function validateDocument(doc: ManifestDoc): Promise<ManifestProblem[]> {
  return (await validateCoreManifest(doc)) ?? validateManifest(doc);
}
