// Pieces shared by the CRD schemas.
import type { CrdDefinition, CrdRule, OpenApiSchema, PrinterColumn } from './types.mts';

export const str = (description: string, extra: Partial<OpenApiSchema> = {}): OpenApiSchema => ({
  type: 'string',
  description,
  ...extra,
});
export const bool = (description: string, def?: boolean): OpenApiSchema => ({
  type: 'boolean',
  description,
  ...(def === undefined ? {} : { default: def }),
});
export const port = (description: string, def?: number): OpenApiSchema => ({
  type: 'integer',
  format: 'int32',
  minimum: 1,
  maximum: 65535,
  description,
  ...(def === undefined ? {} : { default: def }),
});
export const obj = (
  description: string,
  properties: Record<string, OpenApiSchema>,
  required: string[] = [],
): OpenApiSchema => ({
  type: 'object',
  description,
  properties,
  ...(required.length ? { required } : {}),
});
export const stringList = (description: string): OpenApiSchema => ({
  type: 'array',
  description,
  items: { type: 'string' },
  'x-kubernetes-list-type': 'atomic',
});
/** A sub-object the reference proxy does not interpret: kept as written. */
export const opaque = (description: string): OpenApiSchema => ({
  type: 'object',
  description,
  'x-kubernetes-preserve-unknown-fields': true,
});
export const secretKeyRef = (description: string): OpenApiSchema =>
  obj(description, { name: str('Name of the Secret'), key: str('Key in the Secret') }, [
    'name',
    'key',
  ]);

export const conditions: OpenApiSchema = {
  type: 'array',
  description: 'Standard conditions (metav1.Condition)',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  items: obj(
    'A condition',
    {
      type: str('Condition type'),
      status: str('True, False or Unknown', { enum: ['True', 'False', 'Unknown'] }),
      reason: str('Machine-readable reason'),
      message: str('Human-readable message'),
      lastTransitionTime: str('When the status last changed', { format: 'date-time' }),
      observedGeneration: { type: 'integer', description: 'Generation the condition is about' },
    },
    ['type', 'status'],
  ),
};

export const metadataSchema: OpenApiSchema = { type: 'object' };

export const age: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};
export const validColumn: PrinterColumn = {
  name: 'Valid',
  type: 'string',
  jsonPath: ".status.conditions[?(@.type=='Valid')].status",
};

export const TOOLHIVE_GROUP = 'toolhive.stacklok.dev';
export const TOOLHIVE_VERSIONS = [
  { name: 'v1alpha1', served: true, storage: false, deprecated: true },
  { name: 'v1beta1', served: true, storage: true },
];

export const observedGeneration: OpenApiSchema = { type: 'integer', format: 'int64' };

/** Status of the config CRDs (MCPOIDCConfig, MCPExternalAuthConfig). */
export const configStatus: Record<string, OpenApiSchema> = {
  conditions,
  observedGeneration,
  configHash: str('Hash of the spec last applied'),
};

/**
 * A namespaced toolhive.stacklok.dev CRD: the served versions, the usual
 * top-level schema (apiVersion, kind, metadata, spec, status) and the spec's
 * CEL rules written into `x-kubernetes-validations`.
 */
export function toolhiveCrd(d: {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  printerColumns: PrinterColumn[];
  description: string;
  spec: Record<string, OpenApiSchema>;
  specRequired: string[];
  status: Record<string, OpenApiSchema>;
  rules: CrdRule[];
}): CrdDefinition {
  return {
    group: TOOLHIVE_GROUP,
    kind: d.kind,
    plural: d.plural,
    singular: d.singular,
    shortNames: d.shortNames,
    categories: ['toolhive'],
    scope: 'Namespaced',
    versions: TOOLHIVE_VERSIONS,
    additionalPrinterColumns: d.printerColumns,
    schema: obj(d.description, {
      apiVersion: str('API version'),
      kind: str('Kind'),
      metadata: metadataSchema,
      spec: {
        ...obj('Desired state', d.spec, d.specRequired),
        'x-kubernetes-validations': d.rules.map(({ rule, message }) => ({ rule, message })),
      },
      status: obj('Observed state', d.status),
    }),
    rules: d.rules,
  };
}
