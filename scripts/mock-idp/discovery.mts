// Discovery documents: OpenID Connect Discovery 1.0 and RFC 8414, with the
// endpoints in the vendor's layout.
import { TOKEN_EXCHANGE_GRANT } from './default-config.mts';
import { OAuthError } from './oauth-error.mts';
import { endpointUrls, issuerOf, type AuthServer } from './state.mts';

/**
 * Grant types the metadata lists. Okta leaves the token-exchange grant out of a
 * custom authorization server's metadata unless the request names, with the
 * `client_id` query parameter, a client that has the grant enabled; an unknown
 * `client_id` is a 400 (https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/customas ,
 * https://support.okta.com/help/s/article/token-exchange-grant-type-missing-from-oauth2-0-metadata-url ).
 */
function grantTypes(server: AuthServer, clientId: string | null): string[] {
  const grants = ['authorization_code', 'client_credentials', 'refresh_token'];
  if (server.tenant.vendor !== 'okta') return [...grants, TOKEN_EXCHANGE_GRANT];
  if (clientId === null) return grants;
  const client = server.tenant.clients.get(clientId);
  if (!client)
    throw new OAuthError(
      400,
      'invalid_client',
      'unknown_client',
      `Invalid value for 'client_id' parameter: no client "${clientId}" in this org`,
    );
  return client.grantTypes.includes(TOKEN_EXCHANGE_GRANT)
    ? [...grants, TOKEN_EXCHANGE_GRANT]
    : grants;
}

export function discoveryDocument(
  server: AuthServer,
  base: string,
  clientId: string | null = null,
): Record<string, unknown> {
  const urls = endpointUrls(server, base);
  const vendor = server.tenant.vendor;
  const doc: Record<string, unknown> = {
    issuer: issuerOf(server, base),
    authorization_endpoint: urls.authorize,
    token_endpoint: urls.token,
    jwks_uri: urls.jwks,
    userinfo_endpoint: urls.userinfo,
    registration_endpoint: urls.registration,
    introspection_endpoint: urls.introspect,
    revocation_endpoint: urls.revoke,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: grantTypes(server, clientId),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [server.config.signingAlg ?? 'RS256'],
    scopes_supported: server.config.scopes,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: [
      'client_secret_basic',
      'client_secret_post',
      'none',
    ],
    code_challenge_methods_supported: ['S256'],
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'name', 'email', 'preferred_username'],
  };
  if (vendor === 'auth0') {
    // Auth0 has no introspection endpoint.
    delete doc.introspection_endpoint;
    delete doc.introspection_endpoint_auth_methods_supported;
  }
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
}
