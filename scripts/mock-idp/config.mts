// The mock IdP's configuration: tenants, authorization servers, clients, users,
// trust relationships and policies. One file (YAML or JSON), validated on load;
// every error names the field path that is wrong and the file it came from.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

export type Vendor = 'okta' | 'keycloak' | 'auth0' | 'google-sts';
export const VENDORS: readonly Vendor[] = ['okta', 'keycloak', 'auth0', 'google-sts'];

export type SigningAlg = 'RS256' | 'ES256';

/** A subject-token issuer an authorization server accepts in a token exchange. */
export interface TrustConfig {
  /** Tenant domain of the trusted server; defaults to the same tenant. */
  domain?: string;
  /** Id of the trusted authorization server (Okta auth server id, Keycloak realm, "default"). */
  server: string;
  /** `aud` values accepted in the subject token; defaults to the trusted server's audiences. */
  audiences?: string[];
}

export interface AuthorizationServerConfig {
  /** Okta authorization server id, Keycloak realm name, or "default" (Auth0, Google STS). */
  id: string;
  name?: string;
  /** Audiences this server issues tokens for (Okta: one; Keycloak: client ids; Auth0: API identifiers). */
  audiences: string[];
  scopes: string[];
  signingAlg?: SigningAlg;
  accessTokenLifetimeSeconds?: number;
  /** Token exchange: which servers' tokens are accepted as subject tokens. */
  trust?: TrustConfig[];
  /**
   * RFC 8707: accept `resource` as the target audience (authorization and token
   * requests). Off by default: none of the reproduced vendors documents it for
   * these grants (Auth0 and Google STS use `audience`, Okta and Keycloak ignore it).
   */
  resourceIndicators?: boolean;
}

/** What a client may obtain from one authorization server. */
export interface ClientAccessPolicy {
  server: string;
  /** Audiences the client may request; defaults to all of the server's audiences. */
  audiences?: string[];
  /** Scopes the client may request; defaults to all of the server's scopes. */
  scopes?: string[];
}

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface ClientConfig {
  clientId: string;
  /** Absent for a public client. A fixture of the mock, never a real secret. */
  clientSecret?: string;
  name?: string;
  tokenEndpointAuthMethods?: ClientAuthMethod[];
  grantTypes: string[];
  redirectUris?: string[];
  access?: ClientAccessPolicy[];
}

export interface UserConfig {
  /** Login (Okta `sub` of access tokens, Keycloak `preferred_username`). */
  login: string;
  /** Vendor user id (Okta `uid`, Keycloak/Auth0 `sub`). */
  id: string;
  name: string;
  email?: string;
  givenName?: string;
  familyName?: string;
}

export interface TenantConfig {
  vendor: Vendor;
  /** Host name of the tenant (dev-123456.okta.com, keycloak.example.com, sts.googleapis.com). */
  domain: string;
  authorizationServers: AuthorizationServerConfig[];
  clients?: ClientConfig[];
  users?: UserConfig[];
}

export interface MockIdpConfig {
  tenants: TenantConfig[];
}

const GRANT_TYPES = [
  'authorization_code',
  'client_credentials',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:token-exchange',
];

const stringList = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

export const configSchema = {
  $id: 'https://toolhive.dev/schemas/mock-idp-config.json',
  type: 'object',
  additionalProperties: false,
  required: ['tenants'],
  properties: {
    $schema: { type: 'string' },
    tenants: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['vendor', 'domain', 'authorizationServers'],
        properties: {
          vendor: { enum: VENDORS },
          domain: { type: 'string', format: 'hostname' },
          authorizationServers: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'audiences', 'scopes'],
              properties: {
                id: { type: 'string', pattern: '^[A-Za-z0-9._-]+$' },
                name: { type: 'string' },
                audiences: { ...stringList, minItems: 1 },
                scopes: stringList,
                signingAlg: { enum: ['RS256', 'ES256'] },
                accessTokenLifetimeSeconds: { type: 'integer', minimum: 1 },
                resourceIndicators: { type: 'boolean' },
                trust: {
                  type: 'array',
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['server'],
                    properties: {
                      domain: { type: 'string', format: 'hostname' },
                      server: { type: 'string', minLength: 1 },
                      audiences: stringList,
                    },
                  },
                },
              },
            },
          },
          clients: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['clientId', 'grantTypes'],
              properties: {
                clientId: { type: 'string', minLength: 1 },
                clientSecret: { type: 'string', minLength: 1 },
                name: { type: 'string' },
                tokenEndpointAuthMethods: {
                  type: 'array',
                  items: { enum: ['client_secret_basic', 'client_secret_post', 'none'] },
                },
                grantTypes: { type: 'array', minItems: 1, items: { enum: GRANT_TYPES } },
                redirectUris: { type: 'array', items: { type: 'string', format: 'uri' } },
                access: {
                  type: 'array',
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['server'],
                    properties: {
                      server: { type: 'string', minLength: 1 },
                      audiences: stringList,
                      scopes: stringList,
                    },
                  },
                },
              },
            },
          },
          users: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['login', 'id', 'name'],
              properties: {
                login: { type: 'string', minLength: 1 },
                id: { type: 'string', minLength: 1 },
                name: { type: 'string' },
                email: { type: 'string', format: 'email' },
                givenName: { type: 'string' },
                familyName: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
} as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      `invalid mock IdP configuration in ${source}:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nFix the fields named above (see scripts/mock-idp/README.md, "Configuration").',
    );
  }
}

// ajv-formats is CommonJS; under ESM its default export may be wrapped once more.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

let validator: ReturnType<Ajv['compile']> | undefined;
function getValidator() {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    validator = ajv.compile(configSchema);
  }
  return validator;
}

/** `/tenants/0/clients/1/grantTypes/0` → `tenants[0].clients[1].grantTypes[0]` */
function fieldPath(pointer: string): string {
  if (!pointer) return '(top level)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
      '',
    );
}

function describe(error: ErrorObject): string {
  const at = fieldPath(error.instancePath);
  switch (error.keyword) {
    case 'required':
      return `${at === '(top level)' ? '' : at + '.'}${String(error.params.missingProperty)}: is required`;
    case 'additionalProperty':
    case 'additionalProperties':
      return `${at === '(top level)' ? '' : at + '.'}${String(error.params.additionalProperty)}: unknown field`;
    case 'enum':
      return `${at}: must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at}: ${error.message ?? 'is invalid'}`;
  }
}

/** Checks the cross references that a JSON schema cannot express. */
function checkReferences(config: MockIdpConfig): string[] {
  const problems: string[] = [];
  const domains = new Map<string, TenantConfig>();
  config.tenants.forEach((tenant, t) => {
    if (domains.has(tenant.domain))
      problems.push(`tenants[${t}].domain: "${tenant.domain}" is used twice`);
    domains.set(tenant.domain, tenant);
  });
  config.tenants.forEach((tenant, t) => {
    const ids = new Set<string>();
    tenant.authorizationServers.forEach((server, s) => {
      if (ids.has(server.id))
        problems.push(`tenants[${t}].authorizationServers[${s}].id: "${server.id}" is used twice`);
      ids.add(server.id);
    });
    if (
      tenant.vendor !== 'okta' &&
      tenant.vendor !== 'keycloak' &&
      tenant.authorizationServers.length !== 1
    )
      problems.push(
        `tenants[${t}].authorizationServers: a ${tenant.vendor} tenant has exactly one authorization server (id "default")`,
      );
    tenant.authorizationServers.forEach((server, s) => {
      server.trust?.forEach((trust, r) => {
        const where = `tenants[${t}].authorizationServers[${s}].trust[${r}]`;
        const other = domains.get(trust.domain ?? tenant.domain);
        if (!other)
          problems.push(`${where}.domain: no tenant "${trust.domain}" in this configuration`);
        else if (!other.authorizationServers.some((x) => x.id === trust.server))
          problems.push(
            `${where}.server: no authorization server "${trust.server}" in tenant ${other.domain}`,
          );
      });
    });
    const clientIds = new Set<string>();
    tenant.clients?.forEach((client, c) => {
      const where = `tenants[${t}].clients[${c}]`;
      if (clientIds.has(client.clientId))
        problems.push(`${where}.clientId: "${client.clientId}" is used twice`);
      clientIds.add(client.clientId);
      const methods = client.tokenEndpointAuthMethods ?? [];
      if (!client.clientSecret && methods.some((m) => m !== 'none'))
        problems.push(
          `${where}.clientSecret: is required for ${methods.filter((m) => m !== 'none').join(', ')}`,
        );
      client.access?.forEach((policy, p) => {
        const server = tenant.authorizationServers.find((x) => x.id === policy.server);
        if (!server) {
          problems.push(
            `${where}.access[${p}].server: no authorization server "${policy.server}" in ${tenant.domain}`,
          );
          return;
        }
        policy.scopes?.forEach((scope, i) => {
          if (!server.scopes.includes(scope))
            problems.push(
              `${where}.access[${p}].scopes[${i}]: "${scope}" is not a scope of ${server.id}`,
            );
        });
      });
    });
  });
  return problems;
}

/** Validates a parsed configuration; throws ConfigError naming every bad field. */
export function validateConfig(value: unknown, source = 'configuration'): MockIdpConfig {
  const validate = getValidator();
  if (!validate(value)) {
    throw new ConfigError(source, (validate.errors ?? []).map(describe));
  }
  const config = value as MockIdpConfig;
  const problems = checkReferences(config);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return config;
}

/** Reads a YAML or JSON configuration file (JSON is YAML) and validates it. */
export function loadConfigFile(file: string): MockIdpConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read the file: ${(error as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(file, [`not valid YAML/JSON: ${(error as Error).message}`]);
  }
  return validateConfig(parsed, file);
}
