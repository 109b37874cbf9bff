// Policy: which audiences and scopes a client may obtain from a server.
import type { ClientConfig } from './config.mts';
import type { Form } from './http-util.mts';
import { OAuthError } from './oauth-error.mts';
import type { AuthServer } from './state.mts';

const GOOGLE_PROVIDER_NAME =
  /^\/\/iam\.googleapis\.com\/(projects\/[^/]+\/locations\/global\/workloadIdentityPools|locations\/global\/workforcePools)\/[^/]+\/providers\/[^/]+$/;

export function resourceIndicators(server: AuthServer): boolean {
  return server.config.resourceIndicators ?? server.tenant.profile.supportsResourceIndicator;
}

export interface EffectivePolicy {
  audiences: string[];
  scopes: string[];
}

/** The client's access policy on this server; a client without one is not allowed there. */
export function clientPolicy(client: ClientConfig, server: AuthServer): EffectivePolicy {
  const entry = client.access?.find((a) => a.server === server.id);
  if (!entry)
    throw new OAuthError(
      400,
      'unauthorized_client',
      'grant_not_allowed',
      `client "${client.clientId}" has no access policy on authorization server ${server.id}`,
    );
  return {
    audiences: entry.audiences ?? server.config.audiences,
    scopes: entry.scopes ?? server.config.scopes,
  };
}

/**
 * The audience of the token to issue: the `audience` parameter (RFC 8693 §2.1,
 * Auth0, Google STS), or `resource` (RFC 8707 §2) where the server accepts
 * resource indicators, else the policy's first audience. Vendors without
 * resource indicators ignore `resource`, as they do.
 */
export function targetAudience(
  request: { params: Pick<Form, 'all'>; server: AuthServer },
  policy: EffectivePolicy,
  required = request.server.tenant.profile.requiresAudience,
): string {
  const { params, server } = request;
  let requested = params.all('audience');
  if (requested.length === 0 && resourceIndicators(server)) requested = params.all('resource');
  if (requested.length > 1)
    throw new OAuthError(
      400,
      'invalid_target',
      'audience_not_allowed',
      'only one audience per request is supported',
    );
  const audience = requested[0];
  if (audience === undefined) {
    if (required)
      throw new OAuthError(400, 'invalid_request', 'missing_parameter', 'audience is required');
    return policy.audiences[0] ?? (server.config.audiences[0] as string);
  }
  // Google STS: the audience is the provider's full resource name.
  if (server.tenant.vendor === 'google-sts' && !GOOGLE_PROVIDER_NAME.test(audience))
    throw new OAuthError(
      400,
      'invalid_request',
      'audience_malformed',
      `audience "${audience}" is not the full resource name of a workload identity pool provider`,
    );
  // RFC 8693 §2.2.2: invalid_target when the target is unknown or not allowed for the client.
  // Keycloak: every client of the realm is a known audience.
  const known =
    server.config.audiences.includes(audience) ||
    (server.tenant.vendor === 'keycloak' && server.tenant.clients.has(audience));
  if (!known)
    throw new OAuthError(
      400,
      'invalid_target',
      'audience_unknown',
      `unknown audience "${audience}" (this server issues for ${server.config.audiences.join(', ')})`,
      {},
      audience,
    );
  if (!policy.audiences.includes(audience) || !server.config.audiences.includes(audience))
    throw new OAuthError(
      400,
      'invalid_target',
      'audience_not_allowed',
      `the client may not request audience "${audience}"`,
      {},
      audience,
    );
  return audience;
}

/** RFC 6749 §3.3: the requested scopes, each known to the server and allowed to the client. */
export function grantedScopes(
  requested: string | undefined,
  server: AuthServer,
  policy: EffectivePolicy,
): string[] {
  if (requested === undefined || requested.trim() === '') return [...policy.scopes];
  const scopes = [...new Set(requested.split(' ').filter(Boolean))];
  const unknown = scopes.filter((s) => !server.config.scopes.includes(s));
  if (unknown.length)
    throw new OAuthError(
      400,
      'invalid_scope',
      'scope_not_allowed',
      `unknown scope(s): ${unknown.join(' ')}`,
      {},
      requested,
    );
  const denied = scopes.filter((s) => !policy.scopes.includes(s));
  if (denied.length)
    throw new OAuthError(
      400,
      'invalid_scope',
      'scope_not_allowed',
      `the client may not request scope(s): ${denied.join(' ')}`,
      {},
      requested,
    );
  return scopes;
}
