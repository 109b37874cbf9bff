// MCPExternalAuthConfig (cmd/thv-operator/api/v1beta1/mcpexternalauthconfig_types.go@v0.44.0), v1beta1.
import {
  age,
  configStatus,
  obj,
  opaque,
  secretKeyRef,
  str,
  stringList,
  toolhiveCrd,
  validColumn,
} from './common.mts';
import type { CrdDefinition, CrdRule } from './types.mts';

export const EXTERNAL_AUTH_TYPES = [
  'tokenExchange',
  'headerInjection',
  'bearerToken',
  'unauthenticated',
  'embeddedAuthServer',
  'awsSts',
  'upstreamInject',
  'obo',
  'xaa',
] as const;

const SUB_OBJECTS = EXTERNAL_AUTH_TYPES.filter((t) => t !== 'unauthenticated');

export const SUBJECT_TOKEN_TYPE_PATTERN =
  '^(access_token|id_token|jwt|urn:ietf:params:oauth:token-type:(access_token|id_token|jwt))?$';

const tokenExchange = obj(
  'RFC 8693 token exchange settings',
  {
    tokenUrl: str('Token endpoint URL'),
    audience: str('Target audience, sent as `audience`'),
    clientId: str('Client ID (optional; e.g. Google Workload Identity Federation needs none)'),
    clientSecretRef: secretKeyRef(
      'Secret holding the client secret; passed to the proxy as TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET',
    ),
    scopes: stringList('Scopes to request, joined with spaces into `scope`'),
    subjectTokenType: str('access_token (default), id_token, jwt, or their URNs', {
      pattern: SUBJECT_TOKEN_TYPE_PATTERN,
    }),
    externalTokenHeaderName: str('Put the exchanged token in this header instead of Authorization'),
    subjectProviderName: str('vMCP only; ignored for MCPServer'),
  },
  ['tokenUrl', 'audience'],
);

// "type selects exactly one sub-object": the CEL rules of the real CRD.
const rules: CrdRule[] = [
  ...SUB_OBJECTS.map((t): CrdRule => ({
    at: ['spec'],
    rule: `self.type == '${t}' ? has(self.${t}) : !has(self.${t})`,
    message: `${t} configuration must be set if and only if type is '${t}'`,
    check: (self) => (self.type === t) === (self[t] !== undefined),
  })),
  {
    at: ['spec'],
    rule: `self.type == 'unauthenticated' ? (${SUB_OBJECTS.map((t) => `!has(self.${t})`).join(' && ')}) : true`,
    message: "no configuration must be set when type is 'unauthenticated'",
    check: (self) =>
      self.type !== 'unauthenticated' || SUB_OBJECTS.every((t) => self[t] === undefined),
  },
];

export const mcpExternalAuthConfigCrd: CrdDefinition = toolhiveCrd({
  kind: 'MCPExternalAuthConfig',
  plural: 'mcpexternalauthconfigs',
  singular: 'mcpexternalauthconfig',
  shortNames: ['extauth', 'mcpextauth'],
  printerColumns: [{ name: 'Type', type: 'string', jsonPath: '.spec.type' }, validColumn, age],
  description: 'MCPExternalAuthConfig configures how an MCP server authenticates to its backend',
  spec: {
    type: str('Which kind of backend auth', { enum: [...EXTERNAL_AUTH_TYPES] }),
    tokenExchange,
    headerInjection: opaque('Static header injection'),
    bearerToken: opaque('Static bearer token for a remote server'),
    embeddedAuthServer: opaque('Embedded OAuth authorization server'),
    awsSts: opaque('AWS STS AssumeRoleWithWebIdentity and SigV4 signing'),
    upstreamInject: opaque('vMCP upstream token injection'),
    obo: opaque('On-behalf-of (enterprise)'),
    xaa: opaque('Cross-app access (vMCP)'),
  },
  specRequired: ['type'],
  status: configStatus,
  rules,
});
