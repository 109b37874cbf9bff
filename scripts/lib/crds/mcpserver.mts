// MCPServer (cmd/thv-operator/api/v1beta1/mcpserver_types.go@v0.44.0), v1beta1: the fields the guides and the
// proxy use, typed; the rest of the real spec's fields are accepted as
// opaque objects so that real manifests still validate.
import {
  age,
  bool,
  conditions,
  observedGeneration,
  obj,
  opaque,
  port,
  str,
  stringList,
  toolhiveCrd,
} from './common.mts';
import type { CrdDefinition, CrdRule } from './types.mts';

const has = (o: Record<string, unknown>, k: string) => o[k] !== undefined;

const rules: CrdRule[] = [
  {
    at: ['spec'],
    rule: '!(has(self.authzConfig) && has(self.authzConfigRef))',
    message:
      'authzConfig and authzConfigRef are mutually exclusive; use authzConfigRef to reference a shared MCPAuthzConfig',
    check: (s) => !(has(s, 'authzConfig') && has(s, 'authzConfigRef')),
  },
  {
    at: ['spec'],
    rule: "!has(self.rateLimiting) || (has(self.sessionStorage) && self.sessionStorage.provider == 'redis')",
    message: "rateLimiting requires sessionStorage with provider 'redis'",
    check: (s) =>
      !has(s, 'rateLimiting') ||
      (s.sessionStorage as { provider?: unknown } | undefined)?.provider === 'redis',
  },
  {
    at: ['spec'],
    rule: '!(has(self.rateLimiting) && has(self.rateLimiting.perUser)) || has(self.oidcConfigRef) || has(self.externalAuthConfigRef)',
    message:
      'rateLimiting.perUser requires authentication (oidcConfigRef or externalAuthConfigRef)',
    check: (s) =>
      !(s.rateLimiting as { perUser?: unknown } | undefined)?.perUser ||
      has(s, 'oidcConfigRef') ||
      has(s, 'externalAuthConfigRef'),
  },
];

const ref = (what: string) =>
  obj(`Reference to a ${what} in the same namespace`, { name: str('Name') }, ['name']);

export const mcpServerCrd: CrdDefinition = toolhiveCrd({
  kind: 'MCPServer',
  plural: 'mcpservers',
  singular: 'mcpserver',
  shortNames: ['mcpserver', 'mcpservers'],
  printerColumns: [
    { name: 'Status', type: 'string', jsonPath: '.status.phase' },
    { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
    { name: 'Replicas', type: 'integer', jsonPath: '.status.readyReplicas' },
    { name: 'URL', type: 'string', jsonPath: '.status.url' },
    age,
  ],
  description: 'MCPServer runs an MCP server behind the ToolHive proxy',
  spec: {
    image: str('Container image of the MCP server'),
    transport: str('How the proxy talks to the MCP server', {
      enum: ['stdio', 'streamable-http', 'sse'],
      default: 'stdio',
    }),
    proxyMode: str('Transport the proxy offers clients (stdio servers only)', {
      enum: ['sse', 'streamable-http'],
      default: 'streamable-http',
    }),
    proxyPort: port('Port the proxy listens on', 8080),
    mcpPort: port('Port the MCP server listens on'),
    args: stringList('Arguments for the MCP server'),
    env: {
      type: 'array',
      description: 'Environment variables of the MCP server',
      'x-kubernetes-list-type': 'atomic',
      items: obj('EnvVar', { name: str('Name'), value: str('Value') }, ['name', 'value']),
    },
    oidcConfigRef: obj(
      "Shared MCPOIDCConfig plus this server's audience and scopes",
      {
        name: str('MCPOIDCConfig name', { minLength: 1 }),
        audience: str('Audience the incoming tokens must carry; unique per server', {
          minLength: 1,
        }),
        scopes: stringList('Scopes advertised in RFC 9728 metadata and WWW-Authenticate'),
        resourceUrl: str(
          'RFC 9728 resource URL (default http://<name>.<namespace>.svc.cluster.local:<proxyPort>)',
        ),
      },
      ['name', 'audience'],
    ),
    externalAuthConfigRef: ref('MCPExternalAuthConfig'),
    authServerRef: obj(
      'Embedded authorization server',
      {
        kind: str('Kind', {
          enum: ['MCPExternalAuthConfig'],
          default: 'MCPExternalAuthConfig',
        }),
        name: str('Name', { minLength: 1 }),
      },
      ['kind', 'name'],
    ),
    replicas: { type: 'integer', format: 'int32', minimum: 0, description: 'Proxy replicas' },
    backendReplicas: {
      type: 'integer',
      format: 'int32',
      minimum: 0,
      description: 'MCP server replicas',
    },
    serviceAccount: str('Service account of the MCP server'),
    sessionAffinity: str('Service session affinity', {
      enum: ['ClientIP', 'None'],
      default: 'ClientIP',
    }),
    trustProxyHeaders: bool('Trust X-Forwarded-* headers', false),
    endpointPrefix: str('Path prefix of the endpoint'),
    resources: obj('Compute resources', {
      limits: obj('Limits', { cpu: str('CPU'), memory: str('Memory') }),
      requests: obj('Requests', { cpu: str('CPU'), memory: str('Memory') }),
    }),
    secrets: {
      type: 'array',
      description: 'Secrets exposed to the MCP server as env vars',
      'x-kubernetes-list-type': 'atomic',
      items: obj(
        'SecretRef',
        { name: str('Secret'), key: str('Key'), targetEnvName: str('Env var') },
        ['name', 'key'],
      ),
    },
    podTemplateSpec: opaque('Pod template overrides'),
    resourceOverrides: opaque('Overrides of generated resources'),
    permissionProfile: opaque('Permission profile'),
    volumes: { type: 'array', items: opaque('Volume'), 'x-kubernetes-list-type': 'atomic' },
    audit: opaque('Audit logging'),
    authzConfig: opaque('Inline authorization config'),
    authzConfigRef: opaque('Reference to an MCPAuthzConfig'),
    telemetryConfigRef: opaque('Reference to an MCPTelemetryConfig'),
    toolConfigRef: opaque('Reference to an MCPToolConfig'),
    webhookConfigRef: opaque('Reference to a webhook config'),
    groupRef: opaque('Reference to an MCPGroup'),
    rateLimiting: opaque('Rate limits'),
    sessionStorage: opaque('Session storage'),
  },
  specRequired: ['image'],
  status: {
    phase: str('Phase', { enum: ['Pending', 'Ready', 'Failed', 'Terminating', 'Stopped'] }),
    url: str('URL of the proxy Service'),
    readyReplicas: { type: 'integer', format: 'int32' },
    message: str('Message'),
    conditions,
    observedGeneration,
  },
  rules,
});
