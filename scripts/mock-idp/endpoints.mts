// Introspection (RFC 7662), revocation (RFC 7009), userinfo (OIDC Core §5.3)
// and dynamic client registration (RFC 7591).
import type { IncomingMessage } from 'node:http';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { authenticateClient } from './client-auth.mts';
import type { ClientAuthMethod, ClientConfig } from './config.mts';
import type { Form } from './http-util.mts';
import { OAuthError } from './oauth-error.mts';
import { redirectUriProblem } from './redirect-uris.mts';
import { randomToken, type AuthServer, type MockIdpState, type Tenant } from './state.mts';

/** Verifies an access token of this server (signature with a published key, exp); undefined if not valid. */
async function activeClaims(
  state: MockIdpState,
  server: AuthServer,
  token: string,
): Promise<JWTPayload | undefined> {
  try {
    const iss = decodeJwt(token).iss;
    if (typeof iss !== 'string' || state.serverForIssuer(iss) !== server) return undefined;
    const key = server.keys.find(decodeProtectedHeader(token).kid);
    if (!key) return undefined;
    const { payload } = await jwtVerify(token, key.publicKey, { algorithms: [key.alg] });
    if (typeof payload.jti === 'string' && state.revoked.has(payload.jti)) return undefined;
    return payload;
  } catch {
    return undefined;
  }
}

// RFC 7662 §2.1 request (client authentication required), §2.2 response.
export async function introspect(
  state: MockIdpState,
  server: AuthServer,
  req: IncomingMessage,
  params: Form,
): Promise<{ body: Record<string, unknown>; clientId?: string }> {
  const client = server.tenant.profile.requiresClientAuthentication
    ? authenticateClient(req, params, server.tenant).client
    : undefined;
  const token = params.get('token');
  if (!token)
    throw new OAuthError(400, 'invalid_request', 'missing_parameter', 'token is required');
  const refresh = state.refreshTokens.get(token);
  if (refresh && refresh.server === server && !refresh.rotated && !state.revoked.has(token))
    return {
      body: {
        active: true,
        token_type: 'refresh_token',
        client_id: refresh.clientId,
        scope: refresh.scopes.join(' '),
      },
      clientId: client?.clientId,
    };
  const claims = await activeClaims(state, server, token);
  if (!claims) return { body: { active: false }, clientId: client?.clientId };
  const scope = Array.isArray(claims.scp) ? (claims.scp as string[]).join(' ') : claims.scope;
  return {
    body: {
      active: true,
      token_type: 'Bearer',
      scope,
      client_id: claims.cid ?? claims.azp ?? claims.client_id,
      username: claims.preferred_username ?? claims.sub,
      ...claims,
    },
    clientId: client?.clientId,
  };
}

// RFC 7009 §2.2: the server answers 200 whether or not the token was valid.
export async function revoke(
  state: MockIdpState,
  server: AuthServer,
  req: IncomingMessage,
  params: Form,
) {
  const client = authenticateClient(req, params, server.tenant).client;
  const token = params.get('token');
  if (!token)
    throw new OAuthError(400, 'invalid_request', 'missing_parameter', 'token is required');
  // RFC 7009 §2.1: revoking a refresh token ends its grant (every rotated copy).
  const refresh = state.refreshTokens.get(token);
  if (refresh) state.revokeRefreshFamily(refresh.family);
  const claims = await activeClaims(state, server, token);
  if (claims && typeof claims.jti === 'string') state.revoked.add(claims.jti);
  return { clientId: client.clientId };
}

// OIDC Core §5.3; errors per RFC 6750 §3.1.
export async function userinfo(state: MockIdpState, server: AuthServer, req: IncomingMessage) {
  const header = req.headers.authorization ?? '';
  const token = /^bearer /i.test(header) ? header.slice(7).trim() : '';
  const claims = token ? await activeClaims(state, server, token) : undefined;
  if (!claims)
    throw new OAuthError(
      401,
      'invalid_token',
      'bearer_token_invalid',
      'the access token is missing, invalid or expired',
      {
        'www-authenticate': `Bearer error="invalid_token", error_description="The access token is invalid"`,
      },
    );
  const profile = server.tenant.profile;
  const user = server.tenant.users.find((u) => profile.userSubject(u) === claims.sub);
  return {
    // OIDC Core §5.3.2: userinfo's sub MUST equal the ID token's sub, which is
    // the user id (Okta: the 00u… id, while Okta access tokens carry the login).
    sub: user ? user.id : claims.sub,
    ...(user
      ? {
          name: user.name,
          preferred_username: user.login,
          ...(user.email ? { email: user.email, email_verified: true } : {}),
          ...(user.givenName ? { given_name: user.givenName } : {}),
          ...(user.familyName ? { family_name: user.familyName } : {}),
        }
      : {}),
  };
}

// RFC 7591 §3.1 request, §3.2.1 response, §3.2.2 errors. Open registration
// (no initial access token), as MCP clients expect.
export function registerClient(tenant: Tenant, metadata: unknown): Record<string, unknown> {
  const invalid = (code: 'invalid_redirect_uri' | 'invalid_client_metadata', why: string) =>
    new OAuthError(400, code, 'registration_metadata', why);
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw invalid('invalid_client_metadata', 'the body must be a JSON object of client metadata');
  const m = metadata as Record<string, unknown>;
  const redirectUris = m.redirect_uris ?? [];
  if (!Array.isArray(redirectUris) || redirectUris.some((u) => typeof u !== 'string'))
    throw invalid('invalid_redirect_uri', 'redirect_uris must be an array of absolute URIs');
  for (const uri of redirectUris as string[]) {
    const problem = redirectUriProblem(uri);
    // RFC 7591 §3.2.2: invalid_redirect_uri names the offending value.
    if (problem) throw invalid('invalid_redirect_uri', `redirect_uris: "${uri}" ${problem}`);
  }
  // RFC 7591 §2: the default is client_secret_basic.
  const method = (m.token_endpoint_auth_method ?? 'client_secret_basic') as ClientAuthMethod;
  if (!['client_secret_basic', 'client_secret_post', 'none'].includes(method))
    throw invalid(
      'invalid_client_metadata',
      `token_endpoint_auth_method "${String(method)}" is not supported`,
    );
  const grantTypes = (m.grant_types ?? ['authorization_code']) as string[];
  if (!Array.isArray(grantTypes) || grantTypes.some((g) => typeof g !== 'string'))
    throw invalid('invalid_client_metadata', 'grant_types must be an array of strings');
  // RFC 6749 §4.4: the client credentials grant MUST only be used by
  // confidential clients; a public client has nothing to prove who it is.
  if (grantTypes.includes('client_credentials') && method === 'none')
    throw invalid(
      'invalid_client_metadata',
      'grant_types "client_credentials" needs a confidential client: token_endpoint_auth_method "none" registers a public client (RFC 6749 §4.4)',
    );
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0)
    throw invalid(
      'invalid_redirect_uri',
      'redirect_uris is required for the authorization_code grant',
    );

  const clientId = `mock-dcr-${randomToken(9)}`;
  const secret = method === 'none' ? undefined : `mock-only-${randomToken(24)}`;
  const client: ClientConfig = {
    clientId,
    clientSecret: secret,
    name: typeof m.client_name === 'string' ? m.client_name : undefined,
    tokenEndpointAuthMethods: [method],
    grantTypes: [...new Set([...grantTypes, 'refresh_token'])],
    redirectUris: redirectUris as string[],
    // A registered client may use every authorization server of the tenant.
    access: [...tenant.servers.keys()].map((server) => ({ server })),
  };
  tenant.clients.set(clientId, client);
  return {
    ...m,
    client_id: clientId,
    ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
    client_id_issued_at: Math.floor(Date.now() / 1000),
    token_endpoint_auth_method: method,
    grant_types: client.grantTypes,
    redirect_uris: redirectUris,
    response_types: ['code'],
  };
}
