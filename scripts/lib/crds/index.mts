// The project's own definitions of the ToolHive CRDs (written from
// cmd/thv-operator/api/v1beta1/*_types.go@v0.44.0), plus the core Secret, for --manifests and the
// doctest runner's kubectl shim.
import { mcpExternalAuthConfigCrd } from './mcpexternalauthconfig.mts';
import { mcpOidcConfigCrd } from './mcpoidcconfig.mts';
import { mcpServerCrd } from './mcpserver.mts';
import { obj, str, bool } from './common.mts';
import type { CrdDefinition } from './types.mts';

export type { CrdDefinition, CrdRule, OpenApiSchema, PrinterColumn } from './types.mts';
export { mcpExternalAuthConfigCrd, mcpOidcConfigCrd, mcpServerCrd };
export { SUBJECT_TOKEN_TYPE_PATTERN, EXTERNAL_AUTH_TYPES } from './mcpexternalauthconfig.mts';

/** core/v1 Secret, as the API server validates it (the fields people write). */
export const secretDefinition: CrdDefinition = {
  group: '',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  shortNames: [],
  categories: [],
  scope: 'Namespaced',
  versions: [{ name: 'v1', served: true, storage: true }],
  additionalPrinterColumns: [
    { name: 'Type', type: 'string', jsonPath: '.type' },
    { name: 'Data', type: 'integer', jsonPath: '.data' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
  schema: obj('Secret', {
    apiVersion: str('v1'),
    kind: str('Secret'),
    metadata: { type: 'object' },
    type: str('Secret type (default Opaque)'),
    immutable: bool('Immutable'),
    data: {
      type: 'object',
      additionalProperties: { type: 'string', format: 'byte' },
      description: 'base64 values',
    },
    stringData: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'plain values',
    },
  }),
  rules: [],
};

export const CRDS: readonly CrdDefinition[] = [
  mcpServerCrd,
  mcpOidcConfigCrd,
  mcpExternalAuthConfigCrd,
];
export const DEFINITIONS: readonly CrdDefinition[] = [...CRDS, secretDefinition];

/** apiVersion of a definition's storage version, e.g. toolhive.stacklok.dev/v1beta1 or v1. */
export function storageApiVersion(d: CrdDefinition): string {
  const v = d.versions.find((x) => x.storage)?.name ?? '';
  return d.group ? `${d.group}/${v}` : v;
}

/** Finds a definition by kind, plural, singular or short name (as `kubectl get X` does). */
export function findDefinition(name: string): CrdDefinition | undefined {
  const n = name.toLowerCase().split('.')[0] as string;
  return DEFINITIONS.find(
    (d) =>
      d.kind.toLowerCase() === n || d.plural === n || d.singular === n || d.shortNames.includes(n),
  );
}
