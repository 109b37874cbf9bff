// The authorization endpoint (RFC 6749 §4.1.1) with PKCE (RFC 7636). It never
// shows a login page: it approves the configured test user at once and
// redirects to redirect_uri with code and state, so that clients such as the
// MCP TypeScript SDK can log in unattended.
import type { UserConfig } from './config.mts';
import { OAuthError } from './oauth-error.mts';
import { clientPolicy, grantedScopes, targetAudience, type EffectivePolicy } from './policy.mts';
import { redirectUriAllowed } from './redirect-uris.mts';
import { randomToken, type AuthServer, type MockIdpState } from './state.mts';

const CODE_LIFETIME_MS = 60_000;

export type AuthorizeResult =
  | { kind: 'redirect'; location: string; clientId: string; user?: UserConfig }
  | { kind: 'error'; error: OAuthError };

export function authorize(
  state: MockIdpState,
  server: AuthServer,
  query: URLSearchParams,
): AuthorizeResult {
  const clientId = query.get('client_id');
  const redirectUri = query.get('redirect_uri');
  const client = clientId ? server.tenant.clients.get(clientId) : undefined;
  // RFC 6749 §4.1.2.1: without a valid client and redirect URI, do not redirect.
  if (!client)
    return {
      kind: 'error',
      error: new OAuthError(
        400,
        'invalid_request',
        'unknown_client',
        `unknown client_id "${clientId ?? ''}"`,
      ),
    };
  if (!redirectUri || !redirectUriAllowed(client.redirectUris ?? [], redirectUri))
    return {
      kind: 'error',
      error: new OAuthError(
        400,
        'invalid_request',
        'redirect_uri_mismatch',
        `redirect_uri "${redirectUri ?? ''}" is not registered for client "${client.clientId}"`,
      ),
    };

  const back = (params: Record<string, string>): AuthorizeResult => {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const stateParam = query.get('state');
    if (stateParam !== null) url.searchParams.set('state', stateParam);
    return { kind: 'redirect', location: url.toString(), clientId: client.clientId };
  };
  const fail = (error: string, description: string) =>
    back({ error, error_description: description });

  if (query.get('response_type') !== 'code')
    return fail('unsupported_response_type', 'only response_type=code is supported');
  if (!client.grantTypes.includes('authorization_code'))
    return fail('unauthorized_client', 'the client is not allowed the authorization_code grant');
  const challenge = query.get('code_challenge');
  // PKCE S256 is required (OAuth 2.1, MCP authorization spec); "plain" is refused.
  if (!challenge) return fail('invalid_request', 'code_challenge is required (PKCE, RFC 7636)');
  if ((query.get('code_challenge_method') ?? 'plain') !== 'S256')
    return fail('invalid_request', 'code_challenge_method must be S256');

  let policy: EffectivePolicy;
  let scopes: string[];
  let audience: string;
  try {
    policy = clientPolicy(client, server);
    scopes = grantedScopes(query.get('scope') ?? undefined, server, policy);
    // Auth0's `audience`, or RFC 8707 `resource` where enabled; missing → the policy's first audience.
    // Optional here, unlike at Auth0's token endpoint.
    audience = targetAudience(
      { params: { all: (name: string) => query.getAll(name) }, server },
      policy,
      false,
    );
  } catch (error) {
    const e = error as OAuthError;
    return fail(e.error, e.description);
  }
  const loginHint = query.get('login_hint');
  const user = server.tenant.users.find((u) => u.login === loginHint) ?? server.tenant.users[0];
  if (!user) return fail('access_denied', `tenant ${server.tenant.domain} has no configured user`);

  const code = randomToken(24);
  state.codes.set(code, {
    server,
    clientId: client.clientId,
    redirectUri,
    codeChallenge: challenge,
    scopes,
    audience,
    user,
    nonce: query.get('nonce') ?? undefined,
    expiresAt: Date.now() + CODE_LIFETIME_MS,
  });
  const result = back({ code });
  return result.kind === 'redirect' ? { ...result, user } : result;
}
