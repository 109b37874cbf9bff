// The token endpoint (RFC 6749 §3.2): client_credentials, authorization_code
// with PKCE, refresh_token and token exchange (RFC 8693).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { JWTPayload } from 'jose';
import { authenticateClient, type AuthenticatedClient } from './client-auth.mts';
import type { ClientConfig, UserConfig } from './config.mts';
import { TOKEN_EXCHANGE_GRANT } from './default-config.mts';
import type { Form } from './http-util.mts';
import { OAuthError } from './oauth-error.mts';
import { clientPolicy, grantedScopes, targetAudience } from './policy.mts';
import { randomToken, type AuthServer, type MockIdpState, type RefreshGrant } from './state.mts';
import { signJwt, verifyOwnToken } from './tokens.mts';
import { TOKEN_TYPE } from './vendors.mts';

/** Faults that change a successful token response (control plane, faults.mts). */
export interface TokenFaultFlags {
  omitIssuedTokenType?: boolean;
  wrongTokenType?: boolean;
  expiredToken?: boolean;
  unknownKey?: boolean;
}

export interface TokenRequest {
  state: MockIdpState;
  server: AuthServer;
  issuer: string;
  req: IncomingMessage;
  params: Form;
  faults: TokenFaultFlags;
}

/** What the request log keeps of an outcome (claims, never the token itself). */
export interface TokenOutcome {
  body: Record<string, unknown>;
  clientId?: string;
  issuedClaims?: JWTPayload;
  subjectClaims?: JWTPayload;
}

const SUPPORTED_GRANTS = [
  'authorization_code',
  'client_credentials',
  'refresh_token',
  TOKEN_EXCHANGE_GRANT,
];

export async function handleTokenRequest(request: TokenRequest): Promise<TokenOutcome> {
  const { params, server } = request;
  const profile = server.tenant.profile;
  const grantType = params.get('grant_type');
  let client: AuthenticatedClient | undefined;
  if (
    profile.requiresClientAuthentication ||
    params.has('client_id') ||
    request.req.headers.authorization
  ) {
    client = authenticateClient(request.req, params, server.tenant);
  }
  if (!grantType)
    throw new OAuthError(400, 'invalid_request', 'missing_parameter', 'grant_type is required');
  // Keycloak refuses token exchange to public clients before anything else.
  if (
    grantType === TOKEN_EXCHANGE_GRANT &&
    server.tenant.vendor === 'keycloak' &&
    client?.method === 'none'
  )
    throw new OAuthError(
      400,
      'invalid_client',
      'public_client_exchange',
      `client "${client.client.clientId}" is a public client; token exchange needs a confidential client`,
    );
  if (
    !SUPPORTED_GRANTS.includes(grantType) ||
    (!profile.requiresClientAuthentication && grantType !== TOKEN_EXCHANGE_GRANT)
  )
    throw new OAuthError(
      400,
      'unsupported_grant_type',
      'unsupported_grant_type',
      `the grant type "${grantType}" is not supported by this authorization server`,
    );
  if (client && !client.client.grantTypes.includes(grantType))
    throw new OAuthError(
      400,
      'unauthorized_client',
      'grant_not_allowed',
      `client "${client.client.clientId}" is not allowed the grant type "${grantType}" (allowed: ${client.client.grantTypes.join(', ')})`,
    );

  // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients.
  if (grantType === 'client_credentials' && client?.method === 'none')
    throw new OAuthError(
      400,
      'unauthorized_client',
      'grant_not_allowed',
      `client "${client.client.clientId}" is a public client; client_credentials needs client authentication (RFC 6749 §4.4)`,
    );

  switch (grantType) {
    case 'client_credentials':
      return clientCredentials(request, (client as AuthenticatedClient).client);
    case 'authorization_code':
      return authorizationCode(request, (client as AuthenticatedClient).client);
    case 'refresh_token':
      return refreshToken(request, client as AuthenticatedClient);
    default:
      return tokenExchange(request, client?.client);
  }
}

function required(params: Form, name: string): string {
  const value = params.get(name);
  if (!value)
    throw new OAuthError(
      400,
      'invalid_request',
      'missing_parameter',
      `${name} is required`,
      {},
      name,
    );
  return value;
}

export interface IssueInput {
  audience: string | string[];
  scopes: string[];
  clientId: string;
  user?: UserConfig;
  subject?: string;
  lifetimeSeconds?: number;
  extraClaims?: JWTPayload;
}

export async function issueAccessToken(
  request: Pick<TokenRequest, 'state' | 'server' | 'issuer' | 'faults'>,
  input: IssueInput,
) {
  const { server, faults } = request;
  const profile = server.tenant.profile;
  const now = Math.floor(Date.now() / 1000);
  const lifetime = input.lifetimeSeconds ?? server.lifetimeSeconds;
  const vendorClaims = profile.accessTokenClaims({
    issuer: request.issuer,
    audience: input.audience,
    scopes: input.scopes,
    clientId: input.clientId,
    lifetimeSeconds: lifetime,
    jti: randomToken(16),
    user: input.user && {
      sub: profile.userSubject(input.user),
      uid: input.user.id,
      login: input.user.login,
      name: input.user.name,
      email: input.user.email,
    },
    subject: input.subject,
    // Fault "expired": iat/exp entirely in the past.
    now: faults.expiredToken ? now - 2 * lifetime : now,
  });
  const claims = { ...vendorClaims, ...input.extraClaims };
  const key = faults.unknownKey
    ? await request.state.strayKey(server.keys.active.alg)
    : server.keys.active;
  // RFC 9068 §2.1 names typ "at+jwt"; the mock sends what the vendor sends (Okta: none).
  const token = await signJwt(claims, key, profile.accessTokenTyp);
  return { token, claims, lifetime };
}

function bearerResponse(
  request: TokenRequest,
  issued: { token: string; lifetime: number },
  scopes: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    token_type: request.faults.wrongTokenType ? 'N_A' : 'Bearer',
    expires_in: issued.lifetime,
    access_token: issued.token,
    scope: scopes.join(' '),
    ...extra,
  };
}

async function clientCredentials(
  request: TokenRequest,
  client: ClientConfig,
): Promise<TokenOutcome> {
  const policy = clientPolicy(client, request.server);
  const audience = targetAudience(request, policy);
  const scopes = grantedScopes(request.params.get('scope'), request.server, policy);
  const issued = await issueAccessToken(request, { audience, scopes, clientId: client.clientId });
  return {
    body: bearerResponse(request, issued, scopes),
    clientId: client.clientId,
    issuedClaims: issued.claims,
  };
}

function idTokenFor(request: TokenRequest, client: ClientConfig, user: UserConfig, nonce?: string) {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss: request.issuer,
    // OIDC ID tokens carry the user id as sub (Okta: the 00u… id, not the login).
    sub: user.id,
    aud: client.clientId,
    iat: now,
    exp: now + 3600,
    auth_time: now,
    name: user.name,
    preferred_username: user.login,
    ...(user.email ? { email: user.email, email_verified: true } : {}),
    ...(nonce ? { nonce } : {}),
  };
  return signJwt(payload, request.server.keys.active, 'JWT');
}

function wantsRefreshToken(request: TokenRequest, client: ClientConfig, scopes: string[]): boolean {
  if (!client.grantTypes.includes('refresh_token')) return false;
  // Okta issues a refresh token only when offline_access is granted; Keycloak and Auth0 (with offline_access) likewise.
  return request.server.tenant.vendor === 'keycloak' || scopes.includes('offline_access');
}

async function authorizationCode(
  request: TokenRequest,
  client: ClientConfig,
): Promise<TokenOutcome> {
  const code = required(request.params, 'code');
  const redirectUri = required(request.params, 'redirect_uri');
  const verifier = required(request.params, 'code_verifier');
  const grant = request.state.codes.get(code);
  // RFC 6749 §4.1.2: a code is used once.
  request.state.codes.delete(code);
  const invalid = (reason: 'code_invalid' | 'redirect_uri_mismatch' | 'pkce_failed', why: string) =>
    new OAuthError(400, 'invalid_grant', reason, why);
  if (!grant || grant.server !== request.server || grant.expiresAt < Date.now())
    throw invalid('code_invalid', 'the authorization code is invalid or has expired');
  if (grant.clientId !== client.clientId)
    throw invalid('code_invalid', 'the authorization code was issued to another client');
  if (grant.redirectUri !== redirectUri)
    throw invalid('redirect_uri_mismatch', 'redirect_uri does not match the authorization request');
  // RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) == code_challenge.
  if (createHash('sha256').update(verifier).digest('base64url') !== grant.codeChallenge)
    throw invalid(
      'pkce_failed',
      'PKCE verification failed: code_verifier does not match code_challenge',
    );
  const issued = await issueAccessToken(request, {
    audience: grant.audience,
    scopes: grant.scopes,
    clientId: client.clientId,
    user: grant.user,
  });
  const extra: Record<string, unknown> = {};
  if (grant.scopes.includes('openid'))
    extra.id_token = await idTokenFor(request, client, grant.user, grant.nonce);
  if (wantsRefreshToken(request, client, grant.scopes)) {
    extra.refresh_token = newRefreshToken(request, {
      server: request.server,
      clientId: client.clientId,
      scopes: grant.scopes,
      audience: grant.audience,
      user: grant.user,
      family: randomToken(12),
    });
  }
  return {
    body: bearerResponse(request, issued, grant.scopes, extra),
    clientId: client.clientId,
    issuedClaims: issued.claims,
  };
}

function newRefreshToken(request: TokenRequest, grant: RefreshGrant): string {
  const refresh = randomToken(32);
  request.state.refreshTokens.set(refresh, grant);
  return refresh;
}

async function refreshToken(
  request: TokenRequest,
  authenticated: AuthenticatedClient,
): Promise<TokenOutcome> {
  const { state } = request;
  const client = authenticated.client;
  const refresh = required(request.params, 'refresh_token');
  const grant = state.refreshTokens.get(refresh);
  const invalid = (why: string) =>
    new OAuthError(400, 'invalid_grant', 'refresh_token_invalid', why);
  if (!grant || grant.server !== request.server || grant.clientId !== client.clientId)
    throw invalid('the refresh token is invalid, expired or revoked');
  if (grant.rotated) {
    // RFC 9700 §4.14.2: a rotated refresh token presented again means one of
    // its copies is in the wrong hands; revoke the whole family.
    state.revokeRefreshFamily(grant.family);
    throw invalid(
      'the refresh token was already used; every refresh token of this grant is now revoked (RFC 9700 §4.14.2)',
    );
  }
  if (state.revoked.has(refresh)) throw invalid('the refresh token is invalid, expired or revoked');
  const requested = request.params.get('scope');
  let scopes = grant.scopes;
  if (requested) {
    // RFC 6749 §6: the requested scope must not exceed the original grant.
    scopes = requested.split(' ').filter(Boolean);
    const extra = scopes.filter((s) => !grant.scopes.includes(s));
    if (extra.length)
      throw new OAuthError(
        400,
        'invalid_scope',
        'scope_not_allowed',
        `scope exceeds the original grant: ${extra.join(' ')}`,
      );
  }
  const issued = await issueAccessToken(request, {
    audience: grant.audience,
    scopes,
    clientId: client.clientId,
    user: grant.user,
  });
  // RFC 9700 §4.14.2: refresh tokens of public clients are sender-constrained
  // or rotated; the mock rotates them (a new one per use, the old one spent).
  // Confidential clients keep theirs (RFC 6749 §6: the server MAY issue a new one).
  let next = refresh;
  if (authenticated.method === 'none') {
    grant.rotated = true;
    next = newRefreshToken(request, { ...grant, rotated: false });
  }
  const extra: Record<string, unknown> = { refresh_token: next };
  if (scopes.includes('openid')) extra.id_token = await idTokenFor(request, client, grant.user);
  return {
    body: bearerResponse(request, issued, scopes, extra),
    clientId: client.clientId,
    issuedClaims: issued.claims,
  };
}

// RFC 8693 §2.1 request, §2.2.1 response, §2.2.2 errors.
async function tokenExchange(
  request: TokenRequest,
  client: ClientConfig | undefined,
): Promise<TokenOutcome> {
  const { params, server, state } = request;
  const profile = server.tenant.profile;
  const subjectToken = required(params, 'subject_token');
  const subjectTokenType = required(params, 'subject_token_type');
  if (!profile.subjectTokenTypes.includes(subjectTokenType))
    throw new OAuthError(
      400,
      'invalid_request',
      'subject_token_type_unsupported',
      `subject_token_type "${subjectTokenType}" is not supported here (supported: ${profile.subjectTokenTypes.join(', ')})`,
    );
  // RFC 8693 §2.1: actor_token_type is REQUIRED when actor_token is present, and only then.
  if (params.has('actor_token') !== params.has('actor_token_type'))
    throw new OAuthError(
      400,
      'invalid_request',
      'missing_parameter',
      'actor_token and actor_token_type go together',
    );
  const requestedType = params.get('requested_token_type');
  if (requestedType && requestedType !== TOKEN_TYPE.accessToken && requestedType !== TOKEN_TYPE.jwt)
    throw new OAuthError(
      400,
      'invalid_request',
      'unsupported_token_type',
      `requested_token_type "${requestedType}" cannot be issued (only ${TOKEN_TYPE.accessToken})`,
    );

  const subject = await verifyOwnToken(state, subjectToken);
  const source = subject.server;
  const trust = server.config.trust?.find(
    (t) => (t.domain ?? server.tenant.domain) === source.tenant.domain && t.server === source.id,
  );
  if (!trust)
    throw new OAuthError(
      400,
      'invalid_grant',
      'subject_token_untrusted',
      `authorization server ${server.id} does not trust tokens issued by ${String(subject.payload.iss)}`,
    );
  const accepted = trust.audiences ?? source.config.audiences;
  const tokenAudiences = ([] as unknown[]).concat(subject.payload.aud ?? []);
  if (!tokenAudiences.some((aud) => accepted.includes(aud as string)))
    throw new OAuthError(
      400,
      'invalid_grant',
      'subject_token_audience',
      `the subject token's audience ${JSON.stringify(subject.payload.aud)} is not accepted (expected one of ${accepted.join(', ')})`,
    );

  const policy = client
    ? clientPolicy(client, server)
    : { audiences: server.config.audiences, scopes: server.config.scopes };
  // Keycloak: without `audience`, the token is for every audience the
  // requesting client reaches through its client scopes (measured against
  // Keycloak 26.5; https://www.keycloak.org/securing-apps/token-exchange).
  const keycloakDefault =
    server.tenant.vendor === 'keycloak' && client && params.all('audience').length === 0;
  const audience = keycloakDefault
    ? policy.audiences.length === 1
      ? (policy.audiences[0] as string)
      : policy.audiences
    : targetAudience(request, policy);
  const scopes = grantedScopes(params.get('scope'), server, policy);
  const sub = typeof subject.payload.sub === 'string' ? subject.payload.sub : undefined;
  const user = server.tenant.users.find((u) => profile.userSubject(u) === sub || u.login === sub);
  const issued = await issueAccessToken(request, {
    audience,
    scopes,
    clientId: client?.clientId ?? '',
    user,
    // The issued token keeps the subject of the subject token.
    subject: sub,
  });
  const body: Record<string, unknown> = {
    access_token: issued.token,
    // RFC 8693 §2.2.1: issued_token_type is REQUIRED.
    ...(request.faults.omitIssuedTokenType ? {} : { issued_token_type: TOKEN_TYPE.accessToken }),
    token_type: request.faults.wrongTokenType ? 'N_A' : 'Bearer',
    expires_in: issued.lifetime,
    scope: scopes.join(' '),
  };
  return {
    body,
    clientId: client?.clientId,
    issuedClaims: issued.claims,
    subjectClaims: subject.payload,
  };
}
