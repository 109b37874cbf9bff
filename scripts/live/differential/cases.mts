// The differential cases: what is sent, to which configuration, and — for a
// case where the reference proxy's `--compat toolhive` knowingly differs from
// the real `thv proxy` — the row of the differences table in
// scripts/token-exchange-proxy/README.md that explains why.
//
// A configuration is the flag list after `thv proxy NAME` (both sides get the
// same list, plus their own --port). A token is described, not written: the
// run mints it from the mock IdP, forges it, or registers it as opaque.
import type { FaultSpec } from '../../mock-idp/faults.mts';
import type { World } from './world.mts';

export const OKTA_ISSUER = 'https://dev-123456.okta.com/oauth2/aus1234567890';
export const OKTA_BACKEND_TOKEN_URL = 'https://dev-123456.okta.com/oauth2/aus9876543210/v1/token';
export const EXCHANGE_CLIENT_ID = '0oa0987654321fedcba';
/** The mock IdP's published TEST-ONLY secret (scripts/mock-idp/default-config.mts). */
export const EXCHANGE_CLIENT_SECRET = 'mock-only-exchange-secret';
export const RESOURCE_URL = 'https://mcp.example.com/mcp';
export const GOOGLE_STS_TOKEN_URL = 'https://sts.googleapis.com/v1/token';
export const GOOGLE_PROVIDER =
  '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/mcp-pool/providers/okta';
export const CUSTOM_HEADER = 'X-Backend-Authorization';

export type ConfigName =
  | 'exchange'
  | 'exchange-secret-file'
  | 'exchange-secret-env'
  | 'exchange-custom-header'
  | 'exchange-public-client'
  | 'exchange-unreachable'
  | 'jwks'
  | 'jwks-unreachable'
  | 'introspection';

export interface ProxyConfig {
  flags: string[];
  env?: Record<string, string>;
  /** Files the flags name, written into the run folder first. */
  files?: Record<string, string>;
}

const exchangeFlags = (scopes = 'api:read') => [
  '--token-exchange-url',
  OKTA_BACKEND_TOKEN_URL,
  '--token-exchange-client-id',
  EXCHANGE_CLIENT_ID,
  '--token-exchange-audience',
  'backend-api',
  '--token-exchange-scopes',
  scopes,
];

export function configFor(name: ConfigName, w: World): ProxyConfig {
  const target = ['--target-uri', w.upstreamUrl];
  const secret = ['--token-exchange-client-secret', EXCHANGE_CLIENT_SECRET];
  switch (name) {
    case 'exchange':
      return { flags: [...target, ...exchangeFlags(), ...secret] };
    case 'exchange-secret-file':
      return {
        flags: [
          ...target,
          ...exchangeFlags('api:read,api:write'),
          '--token-exchange-client-secret-file',
          `${w.dir}/exchange-secret`,
        ],
        files: { 'exchange-secret': `${EXCHANGE_CLIENT_SECRET}\n` },
      };
    case 'exchange-secret-env':
      return {
        flags: [...target, ...exchangeFlags()],
        env: { TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET: EXCHANGE_CLIENT_SECRET },
      };
    case 'exchange-custom-header':
      return {
        flags: [
          ...target,
          ...exchangeFlags(),
          ...secret,
          '--token-exchange-header-name',
          CUSTOM_HEADER,
        ],
      };
    case 'exchange-public-client':
      return {
        flags: [
          ...target,
          '--token-exchange-url',
          GOOGLE_STS_TOKEN_URL,
          '--token-exchange-audience',
          GOOGLE_PROVIDER,
          '--token-exchange-scopes',
          'https://www.googleapis.com/auth/cloud-platform',
          '--token-exchange-subject-token-type',
          'jwt',
        ],
      };
    case 'exchange-unreachable':
      return {
        flags: [
          ...target,
          '--token-exchange-url',
          `http://127.0.0.1:${w.closedPort}/token`,
          '--token-exchange-client-id',
          EXCHANGE_CLIENT_ID,
          ...secret,
        ],
      };
    case 'jwks':
      return {
        flags: [
          ...target,
          '--oidc-issuer',
          OKTA_ISSUER,
          '--oidc-audience',
          'mcp-server',
          '--resource-url',
          RESOURCE_URL,
          ...exchangeFlags(),
          ...secret,
        ],
      };
    case 'jwks-unreachable':
      return {
        flags: [
          ...target,
          '--oidc-issuer',
          OKTA_ISSUER,
          '--oidc-jwks-url',
          `http://127.0.0.1:${w.closedPort}/keys`,
          '--oidc-audience',
          'mcp-server',
        ],
      };
    case 'introspection':
      return {
        flags: [
          ...target,
          '--oidc-issuer',
          OKTA_ISSUER,
          '--oidc-introspection-url',
          w.introspectionUrl,
          '--oidc-audience',
          'mcp-server',
          '--oidc-scopes',
          'openid,mcp:tools:call',
          '--resource-url',
          RESOURCE_URL,
        ],
      };
  }
}

/** Seconds relative to now, for exp/nbf/iat. */
export type Relative = { in: number };

export type TokenSpec =
  /** Minted by the mock's Okta server aus1234567890 (vendor issuer). */
  | {
      mint: {
        audience?: string;
        expiresInSeconds?: number;
        claims?: Record<string, unknown>;
        unknownKey?: boolean;
      };
    }
  /** Signed here with a throw-away key (header and claims as given). */
  | {
      forge: {
        alg: 'RS256' | 'HS256';
        header?: Record<string, unknown>;
        claims: Record<string, unknown | Relative>;
      };
    }
  /** An opaque token the introspection endpoint answers for. */
  | { opaque: Record<string, unknown | Relative> & { active: boolean } };

export interface ProxyCase {
  id: string;
  title: string;
  config: ConfigName;
  method?: string;
  path?: string;
  token?: TokenSpec;
  /** The Authorization header; `{token}` is replaced. Default: `Bearer {token}` when a token is set. */
  authorization?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Injected on the mock IdP's token endpoint for this case only. */
  fault?: Omit<FaultSpec, 'endpoint'>;
}

const MCP_BODY = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';
const valid = { mint: {} } satisfies TokenSpec;
const iss = OKTA_ISSUER;
const opaque = (claims: Record<string, unknown | Relative>, active = true): TokenSpec => ({
  opaque: { active, ...claims },
});
const fault = (kind: FaultSpec['kind'], extra: Partial<FaultSpec> = {}): ProxyCase['fault'] => ({
  kind,
  times: 1,
  ...extra,
});

export const PROXY_CASES: ProxyCase[] = [
  // Exchange without incoming validation (thv's local-user mode)
  { id: 'exchange/valid', title: 'valid token, replace mode', config: 'exchange', token: valid },
  { id: 'exchange/no-token', title: 'no Authorization header', config: 'exchange' },
  {
    id: 'exchange/basic',
    title: 'Basic credentials instead of a bearer token',
    config: 'exchange',
    authorization: 'Basic YWxpY2U6c2VjcmV0',
  },
  {
    id: 'exchange/lower-case-scheme',
    title: 'lower-case "bearer" scheme',
    config: 'exchange',
    token: valid,
    authorization: 'bearer {token}',
  },
  {
    id: 'exchange/empty-bearer',
    title: '"Bearer " with nothing after it',
    config: 'exchange',
    authorization: 'Bearer ',
  },
  {
    id: 'exchange/subject-expired',
    title: 'expired subject token (the IdP refuses it: invalid_grant)',
    config: 'exchange',
    token: { mint: { expiresInSeconds: -120 } },
  },
  {
    id: 'exchange/subject-wrong-audience',
    title: 'subject token for another audience (the IdP refuses it)',
    config: 'exchange',
    token: { mint: { audience: 'backend-api' } },
  },
  {
    id: 'exchange/fault-delay',
    title: 'token endpoint slow (300 ms)',
    config: 'exchange',
    token: valid,
    fault: fault('delay', { delayMs: 300 }),
  },
  {
    id: 'exchange/fault-status-503',
    title: 'token endpoint answers 503',
    config: 'exchange',
    token: valid,
    fault: fault('status', { status: 503 }),
  },
  {
    id: 'exchange/fault-status-500',
    title: 'token endpoint answers 500',
    config: 'exchange',
    token: valid,
    fault: fault('status', { status: 500 }),
  },
  {
    id: 'exchange/fault-status-400',
    title: 'token endpoint answers 400',
    config: 'exchange',
    token: valid,
    fault: fault('status', { status: 400 }),
  },
  {
    id: 'exchange/fault-reset',
    title: 'token endpoint resets the connection',
    config: 'exchange',
    token: valid,
    fault: fault('reset'),
  },
  {
    id: 'exchange/fault-non-json',
    title: 'token endpoint answers 200 with HTML',
    config: 'exchange',
    token: valid,
    fault: fault('non-json'),
  },
  {
    id: 'exchange/fault-missing-issued-token-type',
    title: 'exchange answer lacks issued_token_type',
    config: 'exchange',
    token: valid,
    fault: fault('missing-issued-token-type'),
  },
  {
    id: 'exchange/fault-wrong-token-type',
    title: 'exchange answer has token_type N_A',
    config: 'exchange',
    token: valid,
    fault: fault('wrong-token-type'),
  },
  {
    id: 'exchange/fault-expired-token',
    title: 'exchange issues an already expired token',
    config: 'exchange',
    token: valid,
    fault: fault('expired-token'),
  },
  {
    id: 'exchange/fault-unknown-key',
    title: 'exchange issues a token signed with an unpublished key',
    config: 'exchange',
    token: valid,
    fault: fault('unknown-key'),
  },
  {
    id: 'exchange/get',
    title: 'GET /mcp (SSE stream request) with a token',
    config: 'exchange',
    method: 'GET',
    token: valid,
    headers: { accept: 'text/event-stream' },
  },
  {
    id: 'exchange/delete-session',
    title: 'DELETE /mcp with a session id',
    config: 'exchange',
    method: 'DELETE',
    token: valid,
    headers: { 'mcp-session-id': 'session-from-upstream' },
  },
  {
    id: 'exchange/health',
    title: 'GET /health',
    config: 'exchange',
    method: 'GET',
    path: '/health',
  },
  {
    id: 'exchange/metadata-without-oidc',
    title: 'protected-resource metadata when OIDC is off',
    config: 'exchange',
    method: 'GET',
    path: '/.well-known/oauth-protected-resource',
  },
  {
    id: 'exchange/other-well-known',
    title: 'another /.well-known/ path',
    config: 'exchange',
    method: 'GET',
    path: '/.well-known/openid-configuration',
  },
  {
    id: 'exchange/secret-file-two-scopes',
    title: 'client secret from a file, two scopes',
    config: 'exchange-secret-file',
    token: valid,
  },
  {
    id: 'exchange/secret-env',
    title: 'client secret from TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET',
    config: 'exchange-secret-env',
    token: valid,
  },
  {
    id: 'custom-header/valid',
    title: 'custom-header mode: exchanged token in X-Backend-Authorization',
    config: 'exchange-custom-header',
    token: valid,
  },
  {
    id: 'custom-header/no-token',
    title: 'custom-header mode, no token',
    config: 'exchange-custom-header',
  },
  {
    id: 'public-client/google-sts',
    title: 'public client (Google STS): no client authentication, jwt subject token type',
    config: 'exchange-public-client',
    token: valid,
  },
  {
    id: 'exchange/idp-unreachable',
    title: 'token endpoint unreachable (nothing listens)',
    config: 'exchange-unreachable',
    token: valid,
  },

  // Incoming validation against a JWKS on a loopback address
  { id: 'jwks/valid', title: 'valid token', config: 'jwks', token: valid },
  {
    id: 'jwks/expired',
    title: 'expired token',
    config: 'jwks',
    token: { mint: { expiresInSeconds: -120 } },
  },
  {
    id: 'jwks/not-yet-valid',
    title: 'nbf 10 minutes ahead',
    config: 'jwks',
    token: { mint: { claims: { nbf: Math.floor(Date.now() / 1000) + 600 } } },
  },
  {
    id: 'jwks/wrong-audience',
    title: 'wrong aud',
    config: 'jwks',
    token: { mint: { audience: 'backend-api' } },
  },
  {
    id: 'jwks/wrong-issuer',
    title: 'wrong iss',
    config: 'jwks',
    token: {
      forge: {
        alg: 'RS256',
        header: { kid: 'forged-1' },
        claims: { iss: 'https://evil.example.com', aud: 'mcp-server', sub: 'a', exp: { in: 600 } },
      },
    },
  },
  {
    id: 'jwks/missing-kid',
    title: 'no kid in the header',
    config: 'jwks',
    token: {
      forge: { alg: 'RS256', claims: { iss, aud: 'mcp-server', sub: 'a', exp: { in: 600 } } },
    },
  },
  {
    id: 'jwks/unknown-kid',
    title: 'kid not in the JWKS',
    config: 'jwks',
    token: { mint: { unknownKey: true } },
  },
  {
    id: 'jwks/hs256',
    title: 'HS256 token',
    config: 'jwks',
    token: {
      forge: {
        alg: 'HS256',
        header: { kid: 'forged-1' },
        claims: { iss, aud: 'mcp-server', sub: 'a', exp: { in: 600 } },
      },
    },
  },
  { id: 'jwks/no-token', title: 'no Authorization header', config: 'jwks' },
  {
    id: 'jwks/basic',
    title: 'Basic scheme',
    config: 'jwks',
    authorization: 'Basic YWxpY2U6c2VjcmV0',
  },
  {
    id: 'jwks/lower-case-scheme',
    title: 'lower-case "bearer" scheme',
    config: 'jwks',
    token: valid,
    authorization: 'bearer {token}',
  },
  { id: 'jwks/scheme-only', title: '"Bearer" alone', config: 'jwks', authorization: 'Bearer' },
  {
    id: 'jwks/two-spaces',
    title: 'two spaces after "Bearer"',
    config: 'jwks',
    token: valid,
    authorization: 'Bearer  {token}',
  },
  {
    id: 'metadata/path',
    title: 'GET /.well-known/oauth-protected-resource/mcp',
    config: 'jwks',
    method: 'GET',
    path: '/.well-known/oauth-protected-resource/mcp',
  },
  {
    id: 'metadata/root',
    title: 'GET /.well-known/oauth-protected-resource',
    config: 'jwks',
    method: 'GET',
    path: '/.well-known/oauth-protected-resource',
  },
  {
    id: 'metadata/options',
    title: 'CORS preflight on the metadata',
    config: 'jwks',
    method: 'OPTIONS',
    path: '/.well-known/oauth-protected-resource/mcp',
    headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'GET' },
  },
  {
    id: 'metadata/origin',
    title: 'metadata GET with an Origin',
    config: 'jwks',
    method: 'GET',
    path: '/.well-known/oauth-protected-resource',
    headers: { origin: 'http://localhost:6274' },
  },
  {
    id: 'jwks/unreachable',
    title: 'JWKS unreachable (nothing listens)',
    config: 'jwks-unreachable',
    token: valid,
  },
  {
    id: 'metadata/no-resource-url',
    title: 'metadata without --resource-url',
    config: 'jwks-unreachable',
    method: 'GET',
    path: '/.well-known/oauth-protected-resource',
  },
  {
    id: 'jwks-unreachable/no-token',
    title: 'no token, no --resource-url: the challenge',
    config: 'jwks-unreachable',
  },

  // Opaque tokens through RFC 7662 introspection
  {
    id: 'introspection/active',
    title: 'active opaque token',
    config: 'introspection',
    token: opaque({ iss, aud: 'mcp-server', sub: 'alice@example.com', exp: { in: 600 } }),
  },
  {
    id: 'introspection/inactive',
    title: 'inactive opaque token',
    config: 'introspection',
    token: opaque({}, false),
  },
  {
    id: 'introspection/expired',
    title: 'active, but exp in the past',
    config: 'introspection',
    token: opaque({ iss, aud: 'mcp-server', sub: 'a', exp: { in: -60 } }),
  },
  {
    id: 'introspection/no-exp',
    title: 'active, no exp',
    config: 'introspection',
    token: opaque({ iss, aud: 'mcp-server', sub: 'a' }),
  },
  {
    id: 'introspection/wrong-audience',
    title: 'active, wrong aud',
    config: 'introspection',
    token: opaque({ iss, aud: 'other', sub: 'a', exp: { in: 600 } }),
  },
  {
    id: 'introspection/wrong-issuer',
    title: 'active, wrong iss',
    config: 'introspection',
    token: opaque({
      iss: 'https://evil.example.com',
      aud: 'mcp-server',
      sub: 'a',
      exp: { in: 600 },
    }),
  },
  {
    id: 'introspection/audience-array',
    title: 'active, aud array containing ours',
    config: 'introspection',
    token: opaque({ iss, aud: ['x', 'mcp-server'], sub: 'a', exp: { in: 600 } }),
  },
  {
    id: 'scopes/metadata',
    title: '--oidc-scopes in the metadata document',
    config: 'introspection',
    method: 'GET',
    path: '/.well-known/oauth-protected-resource/mcp',
  },
  {
    id: 'scopes/challenge',
    title: '--oidc-scopes in the challenge (no token)',
    config: 'introspection',
  },
];

export function requestOf(c: ProxyCase): { method: string; path: string; body?: string } {
  const method = c.method ?? 'POST';
  return {
    method,
    path: c.path ?? '/mcp',
    body: method === 'POST' ? (c.body ?? MCP_BODY) : undefined,
  };
}

/**
 * Cases that differ today, and the rows of the README's "Measured
 * differences" table (their first cell) that say why. A case not named here
 * must agree; a case named here must differ (test/live/fidelity.test.mts).
 */
export const MEASURED_DIFFERENCES: Record<string, string[]> = {
  'introspection/inactive': ['--oidc-scopes'],
  'introspection/expired': ['--oidc-scopes'],
  'introspection/no-exp': ['--oidc-scopes'],
  'introspection/wrong-audience': ['--oidc-scopes'],
  'introspection/wrong-issuer': ['--oidc-scopes'],
  'scopes/metadata': ['--oidc-scopes'],
  'scopes/challenge': ['--oidc-scopes'],
  // CLI cases (npm run fidelity -- --cli): the real thv on the live runtime vs the thv shim
  'cli/run-unknown-flag': ['CLI: unknown flag'],
};
