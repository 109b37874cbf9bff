// The shape of the project's CRD definitions: the parts of an
// apiextensions.k8s.io/v1 CustomResourceDefinition that the proxy's
// --manifests mode and the doctest runner's kubectl shim use.

/** An OpenAPI v3 schema as Kubernetes structural schemas write it. */
export interface OpenApiSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  enum?: (string | number | boolean)[];
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: OpenApiSchema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-int-or-string'?: boolean;
  /** CEL rules as the real CRD has them; `check` is their JavaScript equivalent. */
  'x-kubernetes-validations'?: { rule: string; message: string }[];
}

/** A CEL rule of the real CRD with the same logic in JavaScript. */
export interface CrdRule {
  /** Path of the object the rule is attached to, e.g. ['spec']. */
  at: string[];
  rule: string;
  message: string;
  check(self: Record<string, unknown>): boolean;
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
}

export interface CrdDefinition {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  scope: 'Namespaced' | 'Cluster';
  /** Served versions; `storage` is the one the schema below describes. */
  versions: { name: string; served: boolean; storage: boolean; deprecated?: boolean }[];
  additionalPrinterColumns: PrinterColumn[];
  schema: OpenApiSchema;
  rules: CrdRule[];
}
