// Strict validation of Kubernetes manifests against the project's CRD
// definitions (scripts/lib/crds/), the way `kubectl apply` with server-side
// strict field validation behaves: unknown fields are errors, required fields,
// enums, patterns and ranges are checked, the CEL rules run (as JavaScript),
// and defaults are filled in. Every problem names the file and line, the
// document (index, kind/name), the field path and what is wrong.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { DEFINITIONS, type CrdDefinition, type OpenApiSchema } from './crds/index.mts';

// ajv-formats is CommonJS with a default export.
const addFormats =
  (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule;

export interface ManifestDoc {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  line: number;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  object: Record<string, unknown>;
  /** The parsed YAML document (for line lookups). */
  yaml?: Document;
  lineCounter?: LineCounter;
}

export interface ManifestProblem {
  file: string;
  line?: number;
  index: number;
  kind?: string;
  name?: string;
  /** Dotted field path, e.g. spec.tokenExchange.tokenUrl ('' for the whole document). */
  path: string;
  message: string;
}

export function formatProblem(p: ManifestProblem): string {
  const where = `${p.file}${p.line ? `:${p.line}` : ''}`;
  const what = p.kind ? `${p.kind}/${p.name || '<no name>'}` : 'document';
  return `${where}: ${what} (document ${p.index + 1}): ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export class ManifestError extends Error {
  constructor(readonly problems: ManifestProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ManifestError';
  }
}

// ── OpenAPI v3 (structural schema) → JSON Schema for ajv ──────────────────

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'definitions'];
const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf'];
const SUBSCHEMA_SINGLE = ['items', 'not', 'additionalProperties'];

// Kubernetes patterns are Go RE2, which has POSIX classes JavaScript lacks.
const POSIX_CLASSES: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\s',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  punct: '!-/:-@[-`{-~',
};
function re2ToJs(pattern: string): string {
  return pattern.replace(/\[:(\w+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m);
}

/**
 * Converts a CRD schema to JSON Schema with Kubernetes' strictness: an object
 * with `properties` admits no other field unless it says
 * x-kubernetes-preserve-unknown-fields.
 */
export function openApiToJsonSchema(
  schema: OpenApiSchema | Record<string, unknown>,
): Record<string, unknown> {
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(s)) {
    if (
      key.startsWith('x-') ||
      key === 'description' ||
      key === 'example' ||
      key === 'externalDocs'
    )
      continue;
    if (key === 'nullable') continue;
    if (SUBSCHEMA_MAPS.includes(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, OpenApiSchema>).map(([k, v]) => [
          k,
          openApiToJsonSchema(v),
        ]),
      );
    } else if (SUBSCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      out[key] = value.map((v) => openApiToJsonSchema(v as OpenApiSchema));
    } else if (SUBSCHEMA_SINGLE.includes(key) && value && typeof value === 'object') {
      out[key] = openApiToJsonSchema(value as OpenApiSchema);
    } else if (key === 'pattern' && typeof value === 'string') {
      out[key] = re2ToJs(value);
    } else {
      out[key] = value;
    }
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s.type === 'object' && s.properties && s.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  if (s.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

// metav1.ObjectMeta: the fields a manifest may carry.
const DNS1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const objectMetaSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 253, pattern: DNS1123_SUBDOMAIN },
    generateName: { type: 'string' },
    namespace: { type: 'string', maxLength: 63, pattern: DNS1123_LABEL },
    labels: stringMap,
    annotations: stringMap,
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer' },
    creationTimestamp: { type: ['string', 'null'] },
    deletionTimestamp: { type: 'string' },
    deletionGracePeriodSeconds: { type: 'integer' },
    ownerReferences: { type: 'array' },
    finalizers: { type: 'array', items: { type: 'string' } },
    managedFields: { type: 'array' },
    selfLink: { type: 'string' },
  },
};

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new Ajv({ allErrors: true, strict: false, useDefaults: true });
    addFormats(ajvInstance);
    ajvInstance.addFormat('int32', {
      type: 'number',
      validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
    });
    ajvInstance.addFormat('int64', {
      type: 'number',
      validate: (n: number) => Number.isInteger(n),
    });
    ajvInstance.addFormat(
      'byte',
      /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
    );
  }
  return ajvInstance;
}

const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles a CRD's openAPIV3Schema (ours or the real one) with ObjectMeta checks. */
export function compileSchema(
  openApiV3Schema: OpenApiSchema | Record<string, unknown>,
): ValidateFunction {
  let fn = compiled.get(openApiV3Schema);
  if (!fn) {
    const json = openApiToJsonSchema(openApiV3Schema);
    const props = { ...(json.properties as Record<string, unknown>), metadata: objectMetaSchema };
    fn = ajv().compile({
      ...json,
      properties: props,
      required: ['apiVersion', 'kind', 'metadata'],
    });
    compiled.set(openApiV3Schema, fn);
  }
  return fn;
}

// ── YAML → documents, with line numbers ───────────────────────────────────

/** The line of the node at `path` (or of the key, for a field that should not be there). */
export function lineOf(doc: ManifestDoc, path: (string | number)[]): number | undefined {
  if (!doc.yaml || !doc.lineCounter) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const parentPath = path.slice(0, Math.max(0, n - 1));
    const parent = parentPath.length ? doc.yaml.getIn(parentPath, true) : doc.yaml.contents;
    if (n > 0 && isMap(parent)) {
      const key = path[n - 1];
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return doc.lineCounter.linePos(range[0]).line;
    }
    const node = doc.yaml.getIn(path.slice(0, n), true) as
      { range?: [number, number, number] } | undefined;
    if (node?.range) return doc.lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

export function parseManifestText(
  text: string,
  file: string,
): { docs: ManifestDoc[]; problems: ManifestProblem[] } {
  const lineCounter = new LineCounter();
  const yamlDocs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const docs: ManifestDoc[] = [];
  const problems: ManifestProblem[] = [];
  if (!Array.isArray(yamlDocs)) return { docs, problems };
  yamlDocs.forEach((yd, index) => {
    const line = yd.contents?.range ? lineCounter.linePos(yd.contents.range[0]).line : 1;
    if (yd.errors.length) {
      for (const e of yd.errors) {
        // the error's own position (the second of two equal keys, the bad token), not the document's
        const at = e.pos?.[0] !== undefined ? lineCounter.linePos(e.pos[0]).line : line;
        const key =
          e.code === 'DUPLICATE_KEY' ? /^[^\s:]+/.exec(text.slice(e.pos[0]))?.[0] : undefined;
        problems.push({
          file,
          index,
          line: at,
          path: '',
          message: key
            ? `YAML: duplicate key "${key}": kubectl apply fails with the API server's strict decoding error (key "${key}" already set in map); keep one`
            : `YAML: ${e.message.split('\n')[0]}`,
        });
      }
      return;
    }
    const object = yd.toJS() as unknown;
    if (object === null || object === undefined) return; // an empty document (e.g. a trailing ---)
    if (typeof object !== 'object' || Array.isArray(object)) {
      problems.push({ file, index, line, path: '', message: 'a manifest must be a YAML mapping' });
      return;
    }
    const o = object as Record<string, unknown>;
    const meta = (o.metadata ?? {}) as Record<string, unknown>;
    docs.push({
      file,
      index,
      line,
      apiVersion: String(o.apiVersion ?? ''),
      kind: String(o.kind ?? ''),
      name: typeof meta.name === 'string' ? meta.name : '',
      namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
      object: o,
      yaml: yd,
      lineCounter,
    });
  });
  return { docs, problems };
}

export function findDefinitionFor(apiVersion: string, kind: string): CrdDefinition | undefined {
  return DEFINITIONS.find(
    (d) =>
      d.kind === kind &&
      (d.group ? apiVersion.startsWith(`${d.group}/`) : !apiVersion.includes('/')),
  );
}

function describeAjvError(e: ErrorObject): { path: (string | number)[]; message: string } {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      return { path: [...path, field], message: `unknown field "${[...path, field].join('.')}"` };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return { path: [...path, field], message: 'Required value: this field is required' };
    }
    case 'enum':
      return {
        path,
        message: `Unsupported value: supported values: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'pattern':
      return { path, message: `Invalid value: should match '${String(params.pattern)}'` };
    default:
      return { path, message: `Invalid value: ${e.message ?? e.keyword}` };
  }
}

const dotted = (path: (string | number)[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/**
 * Validates one document. Fills in schema defaults on `doc.object`.
 * `schemaOverride` validates against another openAPIV3Schema (the real CRD).
 */
export function validateManifest(
  doc: ManifestDoc,
  schemaOverride?: OpenApiSchema | Record<string, unknown>,
): ManifestProblem[] {
  const base = { file: doc.file, index: doc.index, kind: doc.kind || undefined, name: doc.name };
  const problem = (path: (string | number)[], message: string): ManifestProblem => ({
    ...base,
    line: lineOf(doc, path) ?? doc.line,
    path: dotted(path),
    message,
  });
  if (!doc.apiVersion) return [problem(['apiVersion'], 'Required value: apiVersion is missing')];
  if (!doc.kind) return [problem(['kind'], 'Required value: kind is missing')];
  const def = findDefinitionFor(doc.apiVersion, doc.kind);
  if (!def) {
    return [
      problem(
        ['kind'],
        `no schema for ${doc.apiVersion} ${doc.kind} (known: ${DEFINITIONS.map((d) => d.kind).join(', ')})`,
      ),
    ];
  }
  const version = def.group ? doc.apiVersion.slice(def.group.length + 1) : doc.apiVersion;
  const served = def.versions.find((v) => v.name === version);
  const storage = def.versions.find((v) => v.storage)?.name;
  if (!served) {
    return [
      problem(
        ['apiVersion'],
        `no version "${version}" of ${def.kind}; use ${def.group ? `${def.group}/` : ''}${storage}`,
      ),
    ];
  }
  if (version !== storage) {
    return [
      problem(
        ['apiVersion'],
        `${doc.apiVersion} is deprecated and not modelled here; use ${def.group}/${storage}`,
      ),
    ];
  }
  const validate = compileSchema(schemaOverride ?? def.schema);
  const problems: ManifestProblem[] = [];
  if (!validate(doc.object)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const { path, message } = describeAjvError(e);
      const key = `${path.join('.')}|${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push(problem(path, message));
    }
  }
  // The CRD's CEL rules (x-kubernetes-validations), as JavaScript.
  for (const rule of def.rules) {
    let self: unknown = doc.object;
    for (const p of rule.at) self = (self as Record<string, unknown> | undefined)?.[p];
    if (self && typeof self === 'object' && !rule.check(self as Record<string, unknown>)) {
      problems.push(problem(rule.at, `Invalid value: ${rule.message}`));
    }
  }
  return problems;
}

/** Reads, parses and validates files; problems of every file together. */
export function loadManifestFiles(files: string[]): {
  docs: ManifestDoc[];
  problems: ManifestProblem[];
} {
  const docs: ManifestDoc[] = [];
  const problems: ManifestProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push({
        file,
        index: 0,
        path: '',
        message: `cannot read the file (${(e as NodeJS.ErrnoException).code})`,
      });
      continue;
    }
    const parsed = parseManifestText(text, file);
    problems.push(...parsed.problems);
    for (const doc of parsed.docs) {
      problems.push(...validateManifest(doc));
      docs.push(doc);
    }
  }
  return { docs, problems };
}
