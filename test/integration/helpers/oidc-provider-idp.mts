// panva's oidc-provider as an independent identity provider: JWT and opaque
// access tokens through resource indicators (RFC 8707), an RFC 8693
// token-exchange grant registered with `registerGrantType`, introspection
// (RFC 7662) and revocation (RFC 7009). Binds 127.0.0.1 on a free port.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Resource servers (RFC 8707 resource indicators) and what they accept. */
export const MCP_RESOURCE = 'https://mcp.example.com/mcp';
export const OPAQUE_MCP_RESOURCE = 'https://opaque-mcp.example.com/mcp';
export const BACKEND_RESOURCE = 'https://backend.example.com/api';

/** Test-only client credentials, generated per run. */
export interface OidcProviderIdp {
  issuer: string;
  provider: Provider;
  clients: {
    user: { id: string; secret: string };
    exchange: { id: string; secret: string };
    introspector: { id: string; secret: string };
  };
  /** Token-exchange requests the grant handler saw (parameters without the subject token). */
  exchanges: Record<string, string | undefined>[];
  close(): Promise<void>;
}

const resourceServers: Record<string, { scope: string; format: 'jwt' | 'opaque' }> = {
  [MCP_RESOURCE]: { scope: 'mcp:tools', format: 'jwt' },
  [OPAQUE_MCP_RESOURCE]: { scope: 'mcp:tools', format: 'opaque' },
  [BACKEND_RESOURCE]: { scope: 'api:read api:write', format: 'jwt' },
};

function resourceServerInfo(resource: string) {
  const rs = resourceServers[resource];
  if (!rs) throw new errors.InvalidTarget(`unknown resource ${resource}`);
  return {
    scope: rs.scope,
    audience: resource,
    accessTokenFormat: rs.format,
    accessTokenTTL: 600,
    ...(rs.format === 'jwt' ? { jwt: { sign: { alg: 'RS256' as const } } } : {}),
  };
}

const secret = () => `test-only-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;

export async function startOidcProvider(): Promise<OidcProviderIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...(privateKey.export({ format: 'jwk' }) as JWK),
    kid: 'test-only',
    use: 'sig',
    alg: 'RS256',
  };
  const clients = {
    user: { id: 'mcp-user-app', secret: secret() },
    exchange: { id: 'toolhive-exchange', secret: secret() },
    introspector: { id: 'mcp-introspector', secret: secret() },
  };
  const exchanges: Record<string, string | undefined>[] = [];

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clients.user.id,
        client_secret: clients.user.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: 'mcp:tools',
      },
      {
        client_id: clients.exchange.id,
        client_secret: clients.exchange.secret,
        grant_types: [TOKEN_EXCHANGE],
        redirect_uris: [],
        response_types: [],
        scope: 'api:read api:write',
      },
      {
        client_id: clients.introspector.id,
        client_secret: clients.introspector.secret,
        grant_types: [],
        redirect_uris: [],
        response_types: [],
      },
    ],
    jwks: { keys: [jwk] },
    scopes: ['openid', 'mcp:tools', 'api:read', 'api:write'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true, allowedPolicy: async () => true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => undefined,
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx, resource) => resourceServerInfo(resource),
      },
    },
    // RFC 9068 §2.2: a client-credentials token's sub is the client. oidc-provider
    // puts that in its JWTs but not in the introspection of opaque tokens,
    // which the reference proxy requires; extra claims reach both.
    extraTokenClaims: async (_ctx, token) =>
      token.kind === 'ClientCredentials' ? { sub: token.clientId } : undefined,
    ttl: {
      AccessToken: 600,
      ClientCredentials: 600,
    },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  });

  const publicJwks = createLocalJWKSet({
    keys: [{ kty: jwk.kty, n: jwk.n, e: jwk.e, kid: jwk.kid, alg: 'RS256', use: 'sig' } as JWK],
  });

  /** The subject token's claims: a JWT of this provider for the MCP resource, or an active opaque token. */
  async function subjectClaims(token: string): Promise<JWTPayload> {
    if (token.split('.').length === 3) {
      try {
        return (await jwtVerify(token, publicJwks, { issuer, audience: MCP_RESOURCE })).payload;
      } catch (error) {
        throw new errors.InvalidGrant(`subject_token: ${(error as Error).message}`);
      }
    }
    const stored =
      (await provider.ClientCredentials.find(token)) ?? (await provider.AccessToken.find(token));
    if (!stored || stored.isExpired) throw new errors.InvalidGrant('subject_token is not active');
    if (![stored.aud].flat().includes(OPAQUE_MCP_RESOURCE))
      throw new errors.InvalidGrant('subject_token is not for this MCP server');
    return {
      sub: (stored as { accountId?: string }).accountId ?? stored.clientId,
      aud: stored.aud,
    };
  }

  // RFC 8693 §2.1 request, §2.2.1 response, §2.2.2 errors.
  provider.registerGrantType(
    TOKEN_EXCHANGE,
    async (ctx: KoaContextWithOIDC) => {
      const params = ctx.oidc.params as Record<string, string | undefined>;
      const { subject_token: subjectToken, ...rest } = params;
      exchanges.push(rest);
      if (!subjectToken) throw new errors.InvalidRequest('subject_token is required');
      if (params.subject_token_type !== ACCESS_TOKEN_TYPE)
        throw new errors.InvalidRequest('subject_token_type must be the access_token URN');
      const audience = params.audience;
      const rs = audience ? resourceServers[audience] : undefined;
      if (!audience || !rs) throw new errors.InvalidTarget('audience names no resource server');
      const requested = (params.scope ?? '').split(' ').filter(Boolean);
      const allowed = new Set(rs.scope.split(' '));
      const unknown = requested.filter((s) => !allowed.has(s));
      if (unknown.length) throw new errors.InvalidScope('scope not allowed', unknown.join(' '));
      const subject = await subjectClaims(subjectToken);
      const client = ctx.oidc.client;
      if (!client) throw new errors.InvalidClient();
      const token = new provider.AccessToken({
        client,
        accountId: String(subject.sub),
        scope: requested.join(' ') || undefined,
        grantId: `exchange-${subject.jti ?? 'opaque'}`,
        gty: TOKEN_EXCHANGE,
      });
      token.resourceServer = new provider.ResourceServer(audience, resourceServerInfo(audience));
      const value = await token.save();
      ctx.body = {
        access_token: value,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'Bearer',
        expires_in: token.expiration,
        ...(token.scope ? { scope: token.scope } : {}),
      };
    },
    [
      'subject_token',
      'subject_token_type',
      'audience',
      'scope',
      'requested_token_type',
      'resource',
    ],
  );

  server.on('request', provider.callback());
  return {
    issuer,
    provider,
    clients,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
