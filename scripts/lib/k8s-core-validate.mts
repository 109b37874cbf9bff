// Validation of the core Kubernetes kinds a page applies or shows (Service,
// Ingress, Deployment, Pod, ConfigMap, Secret, Namespace) and of Gateway
// API's HTTPRoute, against the real schemas:
//
// - field sets (kubectl's default strict field validation: an unknown field
//   is an error): the structured-merge-diff schema k8s.io/client-go generates
//   from the API types, pinned in k8s-schemas/core-fields.json;
// - values (types, enums such as Ingress `pathType`, required fields,
//   formats): the model classes of `kubernetes-models` (npm, pinned in
//   package.json), whose `validate()` runs the ajv validators compiled from
//   Kubernetes' OpenAPI spec and throws their errors; 4.5.1 is the release that
//   runs on every Node the project supports (5.x declares node >= 22);
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
  /** The kubernetes-models module of the kind's model class (`kubernetes-models/<model>`). */
  model?: string;
  /** Root type in core-fields.json. */
  fieldsRoot?: string;
}

export const CORE_KINDS: Record<string, CoreKind> = {
  Service: { apiVersion: 'v1', model: 'v1/Service' },
  Pod: { apiVersion: 'v1', model: 'v1/Pod' },
  ConfigMap: { apiVersion: 'v1', model: 'v1/ConfigMap' },
  Secret: { apiVersion: 'v1', model: 'v1/Secret' },
  Namespace: { apiVersion: 'v1', model: 'v1/Namespace' },
  Deployment: { apiVersion: 'apps/v1', model: 'apps/v1/Deployment' },
  Ingress: { apiVersion: 'networking.k8s.io/v1', model: 'networking.k8s.io/v1/Ingress' },
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

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

/** A kubernetes-models model class: `validate()` throws a ValidationError carrying ajv's errors. */
type ModelClass = new (data: unknown) => { validate(): void };

const models = new Map<string, Promise<(data: unknown) => AjvError[]>>();
/** The kind's value check: ajv's errors for `data` (none when it is valid). */
function valueCheck(kind: string, model: string): Promise<(data: unknown) => AjvError[]> {
  let v = models.get(model);
  if (!v) {
    v = (import(`kubernetes-models/${model}`) as Promise<Record<string, ModelClass>>).then((m) => {
      const Model = m[kind];
      if (!Model) throw new Error(`kubernetes-models/${model} has no model class ${kind}`);
      return (data: unknown) => {
        try {
          new Model(data).validate();
          return [];
        } catch (e) {
          const errors = (e as { errors?: AjvError[] }).errors;
          if (Array.isArray(errors)) return errors;
          throw e;
        }
      };
    });
    models.set(model, v);
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

function describe(e: AjvError): { path: Path; message: string } {
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
  if (spec.model) {
    const root = coreFields().roots[doc.kind] as string;
    checkFields(doc.object, { namedType: root }, [], found);
    const check = await valueCheck(doc.kind, spec.model);
    for (const e of check(doc.object)) found.push(describe(e));
    const meta = doc.object['metadata'] as Record<string, unknown> | undefined;
    if (!meta || typeof meta['name'] !== 'string' || meta['name'] === '')
      found.push({
        path: ['metadata', 'name'],
        message: 'Required value: name or generateName is required',
      });
  } else {
    const validate = compileSchema(httpRouteSchema()) as Validate;
    if (!validate(doc.object)) for (const e of validate.errors ?? []) found.push(describe(e));
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
