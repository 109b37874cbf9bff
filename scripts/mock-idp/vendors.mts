// What differs between vendors: URL layout, discovery metadata, access-token
// claim names and error wording. Sources are public and named next to each rule.
import type { JWTPayload } from 'jose';
import type { Vendor } from './config.mts';
import type { ErrorReason, VendorAnswer } from './oauth-error.mts';

export type EndpointName =
  | 'authorize'
  | 'token'
  | 'jwks'
  | 'introspect'
  | 'revoke'
  | 'userinfo'
  | 'registration'
  | 'openid-configuration'
  | 'oauth-authorization-server';

export const ENDPOINT_NAMES: readonly EndpointName[] = [
  'authorize',
  'token',
  'jwks',
  'introspect',
  'revoke',
  'userinfo',
  'registration',
  'openid-configuration',
  'oauth-authorization-server',
];

export interface RouteMatch {
  /** Authorization server id; undefined for tenant-wide endpoints (Okta's /oauth2/v1/clients). */
  serverId: string | undefined;
  endpoint: EndpointName;
}

/** Inputs for a vendor's access-token claims. */
export interface AccessTokenInput {
  issuer: string;
  audience: string | string[];
  scopes: string[];
  clientId: string;
  lifetimeSeconds: number;
  jti: string;
  /** The end user, when the token is for one (authorization code, refresh, exchange). */
  user?: { sub: string; uid?: string; login?: string; name?: string; email?: string };
  /** Subject kept from the subject token of an exchange (RFC 8693 §2.1: the token represents it). */
  subject?: string;
  now: number;
}

export interface VendorProfile {
  vendor: Vendor;
  /** Issuer path below the tenant base URL. */
  issuerPath(serverId: string): string;
  /** URL path of each endpoint below the tenant base URL. */
  endpointPaths(serverId: string): Partial<Record<EndpointName, string>>;
  /** Matches a path below the tenant base URL. */
  match(path: string): RouteMatch | undefined;
  accessTokenClaims(input: AccessTokenInput): JWTPayload;
  /** Token types accepted as RFC 8693 subject_token_type. */
  subjectTokenTypes: readonly string[];
  /** RFC 8707 resource parameter accepted as the target of a token request. */
  supportsResourceIndicator: boolean;
  /** Whether the token request selects the target audience with the `audience` parameter. */
  requiresAudience: boolean;
  /** A client must authenticate at the token endpoint (Google STS takes none). */
  requiresClientAuthentication: boolean;
  /** Vendor wording of error_description, where a public source shows it. */
  describe(reason: ErrorReason): string | undefined;
  /** Vendor status, code and wording where they differ from the RFC's (measured against the real server). */
  answer?(reason: ErrorReason, detail: string | undefined): VendorAnswer | undefined;
  /** The user's `sub` in this vendor's access tokens (ID tokens carry the user id). */
  userSubject(user: { login: string; id: string }): string;
  /** JOSE `typ` header of access tokens; undefined for none. */
  accessTokenTyp: string | undefined;
}

export const TOKEN_TYPE = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  refreshToken: 'urn:ietf:params:oauth:token-type:refresh_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;

function user(input: AccessTokenInput) {
  return input.user;
}

// ---------------------------------------------------------------------------
// Okta custom authorization servers.
// Layout: https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/
//   (/oauth2/{authServerId}/v1/{authorize,token,keys,introspect,revoke,userinfo},
//   /oauth2/{authServerId}/.well-known/{openid-configuration,oauth-authorization-server}).
// Token exchange: https://developer.okta.com/docs/guides/set-up-token-exchange/main/
//   ("trusted servers", https://help.okta.com/en-us/content/topics/security/api-add-trusted-servers.htm).
// Access-token claims ver, jti ("AT.…"), iss, aud, iat, exp, cid, uid, scp, sub
//   (the login) and a header without typ, as in a decoded Okta access token:
//   https://groups.google.com/g/rabbitmq-users/c/O3GdCKf8soM/m/ZsjMcizrAgAJ
// ---------------------------------------------------------------------------
const OKTA_V1 =
  /^\/oauth2\/([A-Za-z0-9._-]+)\/v1\/(authorize|token|keys|introspect|revoke|userinfo)$/;
const OKTA_WELL_KNOWN =
  /^\/oauth2\/([A-Za-z0-9._-]+)\/\.well-known\/(openid-configuration|oauth-authorization-server)$/;
// RFC 8414 §3.1: the well-known segment goes between host and the issuer's path.
const HOST_ROOT_WELL_KNOWN =
  /^\/\.well-known\/(openid-configuration|oauth-authorization-server)(\/.*)?$/;

const oktaEndpoint: Record<string, EndpointName> = {
  authorize: 'authorize',
  token: 'token',
  keys: 'jwks',
  introspect: 'introspect',
  revoke: 'revoke',
  userinfo: 'userinfo',
};

export const okta: VendorProfile = {
  vendor: 'okta',
  issuerPath: (id) => `/oauth2/${id}`,
  endpointPaths: (id) => ({
    authorize: `/oauth2/${id}/v1/authorize`,
    token: `/oauth2/${id}/v1/token`,
    jwks: `/oauth2/${id}/v1/keys`,
    introspect: `/oauth2/${id}/v1/introspect`,
    revoke: `/oauth2/${id}/v1/revoke`,
    userinfo: `/oauth2/${id}/v1/userinfo`,
    // Okta's metadata of a custom authorization server names the org-level
    // dynamic client registration endpoint.
    registration: `/oauth2/v1/clients`,
    'openid-configuration': `/oauth2/${id}/.well-known/openid-configuration`,
    'oauth-authorization-server': `/oauth2/${id}/.well-known/oauth-authorization-server`,
  }),
  match(path) {
    let m = OKTA_V1.exec(path);
    if (m) return { serverId: m[1], endpoint: oktaEndpoint[m[2] as string] as EndpointName };
    m = OKTA_WELL_KNOWN.exec(path);
    if (m) return { serverId: m[1], endpoint: m[2] as EndpointName };
    // RFC 8414 §3.1 path-insertion form, which Okta serves for the OAuth 2.0
    // metadata only (https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/customas ,
    // "Okta supports two URL formats for this endpoint"); the OpenID Connect
    // metadata is only under the issuer.
    m = HOST_ROOT_WELL_KNOWN.exec(path);
    if (m && m[1] === 'oauth-authorization-server') {
      const server = /^\/oauth2\/([A-Za-z0-9._-]+)$/.exec(m[2] ?? '');
      if (server) return { serverId: server[1], endpoint: 'oauth-authorization-server' };
    }
    if (path === '/oauth2/v1/clients') return { serverId: undefined, endpoint: 'registration' };
    return undefined;
  },
  accessTokenClaims(input) {
    const u = user(input);
    return {
      ver: 1,
      jti: `AT.${input.jti}`,
      iss: input.issuer,
      aud: input.audience,
      iat: input.now,
      exp: input.now + input.lifetimeSeconds,
      cid: input.clientId,
      ...(u?.uid ? { uid: u.uid } : {}),
      scp: input.scopes,
      // Okta: sub is the user's login; for client_credentials it is the client id.
      sub: input.subject ?? u?.sub ?? input.clientId,
    };
  },
  subjectTokenTypes: [TOKEN_TYPE.accessToken],
  supportsResourceIndicator: false,
  requiresAudience: false,
  requiresClientAuthentication: true,
  describe(reason) {
    switch (reason) {
      // okta/okta-auth-js#455, okta/okta-oidc-ios#29 (responses quoted by users)
      case 'client_authentication_failed':
      case 'unknown_client':
        return 'Client authentication failed. Either the client or the client credentials are invalid.';
      // boylesoftware/tomcat-oidcauth#6 (Okta's response quoted in the issue)
      case 'multiple_client_credentials':
        return 'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.';
      default:
        return undefined;
    }
  },
  userSubject: (u) => u.login,
  // A decoded Okta access token has the header {kid, alg} and no typ.
  accessTokenTyp: undefined,
};

// ---------------------------------------------------------------------------
// Keycloak (17+, no /auth prefix).
// Token exchange and layout: https://www.keycloak.org/securing-apps/token-exchange
//   (standard token exchange at /realms/{realm}/protocol/openid-connect/token; the
//   requesting client must be in the subject token's aud; `audience` names the
//   target client and defaults to the audiences the client reaches; the issued token's azp is
//   the requesting client; scope is a string).
// Error codes in exchange follow RFC 8693 since keycloak/keycloak#31788.
// ---------------------------------------------------------------------------
const KEYCLOAK =
  /^\/realms\/([A-Za-z0-9._-]+)(\/protocol\/openid-connect\/(auth|token|certs|token\/introspect|userinfo|revoke)|\/\.well-known\/(openid-configuration|oauth-authorization-server)|\/clients-registrations\/openid-connect)$/;
const keycloakEndpoint: Record<string, EndpointName> = {
  auth: 'authorize',
  token: 'token',
  certs: 'jwks',
  'token/introspect': 'introspect',
  userinfo: 'userinfo',
  revoke: 'revoke',
};

export const keycloak: VendorProfile = {
  vendor: 'keycloak',
  issuerPath: (realm) => `/realms/${realm}`,
  endpointPaths: (realm) => {
    const oidc = `/realms/${realm}/protocol/openid-connect`;
    return {
      authorize: `${oidc}/auth`,
      token: `${oidc}/token`,
      jwks: `${oidc}/certs`,
      introspect: `${oidc}/token/introspect`,
      userinfo: `${oidc}/userinfo`,
      revoke: `${oidc}/revoke`,
      registration: `/realms/${realm}/clients-registrations/openid-connect`,
      'openid-configuration': `/realms/${realm}/.well-known/openid-configuration`,
      'oauth-authorization-server': `/realms/${realm}/.well-known/oauth-authorization-server`,
    };
  },
  match(path) {
    const m = KEYCLOAK.exec(path);
    if (m) {
      if (m[3]) return { serverId: m[1], endpoint: keycloakEndpoint[m[3]] as EndpointName };
      if (m[4]) return { serverId: m[1], endpoint: m[4] as EndpointName };
      return { serverId: m[1], endpoint: 'registration' };
    }
    // RFC 8414 §3.1 path-insertion: Keycloak 26.5 serves it for the OAuth 2.0
    // metadata and answers 404 for openid-configuration (measured,
    // test/integration/keycloak-live.test.mts).
    const root = HOST_ROOT_WELL_KNOWN.exec(path);
    const realm = root && /^\/realms\/([A-Za-z0-9._-]+)$/.exec(root[2] ?? '');
    if (root && realm && root[1] === 'oauth-authorization-server')
      return { serverId: realm[1], endpoint: 'oauth-authorization-server' };
    return undefined;
  },
  accessTokenClaims(input) {
    const u = user(input);
    return {
      exp: input.now + input.lifetimeSeconds,
      iat: input.now,
      jti: input.jti,
      iss: input.issuer,
      aud: input.audience,
      sub: input.subject ?? u?.sub ?? `service-account-${input.clientId}`,
      typ: 'Bearer',
      azp: input.clientId,
      scope: input.scopes.join(' '),
      ...(u?.login ? { preferred_username: u.login } : {}),
      ...(u?.email ? { email: u.email, email_verified: true } : {}),
      ...(u?.name ? { name: u.name } : {}),
    };
  },
  // "Parameter 'subject_token' supports access tokens only" (Keycloak 26.5, measured).
  subjectTokenTypes: [TOKEN_TYPE.accessToken],
  supportsResourceIndicator: false,
  requiresAudience: false,
  requiresClientAuthentication: true,
  describe(reason) {
    switch (reason) {
      // Keycloak's wording, quoted in Stirling-Tools/Stirling-PDF#6567.
      case 'client_authentication_failed':
      case 'unknown_client':
        return 'Invalid client or Invalid client credentials';
      default:
        return undefined;
    }
  },
  // Status, code and wording of Keycloak 26.5's standard token exchange and
  // client authentication, measured against the real server by
  // test/integration/keycloak-live.test.mts (setup: scripts/live/keycloak/).
  answer(reason, detail) {
    switch (reason) {
      // A wrong secret is unauthorized_client; an unknown client stays invalid_client.
      case 'client_authentication_failed':
        return {
          status: 401,
          error: 'unauthorized_client',
          description: 'Invalid client or Invalid client credentials',
        };
      case 'subject_token_audience':
        return {
          status: 403,
          error: 'access_denied',
          description: 'Client is not within the token audience',
        };
      case 'audience_unknown':
        return { status: 400, error: 'invalid_client', description: 'Audience not found' };
      case 'audience_not_allowed':
        return {
          status: 400,
          error: 'invalid_request',
          description: `Requested audience not available: ${detail ?? ''}`,
        };
      case 'scope_not_allowed':
        return {
          status: 400,
          error: 'invalid_scope',
          description: `Invalid scopes: ${detail ?? ''}`,
        };
      case 'subject_token_type_unsupported':
        return {
          status: 400,
          error: 'invalid_request',
          description: "Parameter 'subject_token' supports access tokens only",
        };
      case 'missing_parameter':
        return detail === 'subject_token_type'
          ? {
              status: 400,
              error: 'invalid_request',
              description: "Parameter 'subject_token_type' required for standard token exchange",
            }
          : undefined;
      case 'subject_token_invalid':
      case 'subject_token_revoked':
        return { status: 400, error: 'invalid_request', description: 'Invalid token' };
      case 'public_client_exchange':
        return {
          status: 400,
          error: 'invalid_client',
          description: 'Public client is not allowed to exchange token',
        };
      default:
        return undefined;
    }
  },
  userSubject: (u) => u.id,
  accessTokenTyp: 'JWT',
};

// ---------------------------------------------------------------------------
// Auth0.
// Layout: https://auth0.com/docs/api/authentication (/authorize, /oauth/token,
//   /userinfo, /oauth/revoke, /oidc/register, /.well-known/jwks.json,
//   /.well-known/openid-configuration; issuer https://{tenant}/ with a slash).
// Token exchange: https://auth0.com/docs/api/authentication/on-behalf-of-token-exchange/get-token
//   (POST /oauth/token; audience = API identifier; scope string in the token).
// ---------------------------------------------------------------------------
const auth0Paths: Record<string, EndpointName> = {
  '/authorize': 'authorize',
  '/oauth/token': 'token',
  '/.well-known/jwks.json': 'jwks',
  '/userinfo': 'userinfo',
  '/oauth/revoke': 'revoke',
  '/oidc/register': 'registration',
  '/.well-known/openid-configuration': 'openid-configuration',
  '/.well-known/oauth-authorization-server': 'oauth-authorization-server',
};

export const auth0: VendorProfile = {
  vendor: 'auth0',
  issuerPath: () => '/',
  endpointPaths: () =>
    Object.fromEntries(Object.entries(auth0Paths).map(([path, name]) => [name, path])),
  match(path) {
    const endpoint = auth0Paths[path];
    return endpoint ? { serverId: 'default', endpoint } : undefined;
  },
  accessTokenClaims(input) {
    const u = user(input);
    return {
      iss: input.issuer,
      sub: input.subject ?? u?.sub ?? `${input.clientId}@clients`,
      aud: input.audience,
      iat: input.now,
      exp: input.now + input.lifetimeSeconds,
      jti: input.jti,
      scope: input.scopes.join(' '),
      azp: input.clientId,
      ...(u || input.subject ? {} : { gty: 'client-credentials' }),
    };
  },
  subjectTokenTypes: [TOKEN_TYPE.accessToken],
  supportsResourceIndicator: false,
  requiresAudience: true,
  requiresClientAuthentication: true,
  describe() {
    return undefined;
  },
  userSubject: (u) => u.id,
  accessTokenTyp: 'JWT',
};

// ---------------------------------------------------------------------------
// Google Security Token Service (workload identity federation).
// https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token :
//   POST https://sts.googleapis.com/v1/token, no Authorization header, audience =
//   the provider's full resource name (//iam.googleapis.com/projects/…/providers/…),
//   subject_token_type id_token or jwt (OIDC providers), requested_token_type access_token.
// Real STS access tokens are opaque; the mock issues a JWT (aud = the provider)
// so that tests can inspect it. /v1/jwks is mock-only.
// ---------------------------------------------------------------------------
export const googleSts: VendorProfile = {
  vendor: 'google-sts',
  issuerPath: () => '',
  endpointPaths: () => ({ token: '/v1/token', introspect: '/v1/introspect', jwks: '/v1/jwks' }),
  match(path) {
    if (path === '/v1/token') return { serverId: 'default', endpoint: 'token' };
    if (path === '/v1/introspect') return { serverId: 'default', endpoint: 'introspect' };
    if (path === '/v1/jwks') return { serverId: 'default', endpoint: 'jwks' };
    return undefined;
  },
  accessTokenClaims(input) {
    return {
      iss: input.issuer,
      sub: input.subject ?? input.user?.sub ?? input.clientId,
      aud: input.audience,
      iat: input.now,
      exp: input.now + input.lifetimeSeconds,
      jti: input.jti,
      scope: input.scopes.join(' '),
    };
  },
  subjectTokenTypes: [TOKEN_TYPE.idToken, TOKEN_TYPE.jwt, TOKEN_TYPE.accessToken],
  supportsResourceIndicator: false,
  requiresAudience: true,
  requiresClientAuthentication: false,
  describe(reason) {
    switch (reason) {
      // google-github-actions/auth#60, #211 (STS responses quoted in the issues)
      case 'audience_malformed':
        return 'Invalid value for "audience". This value should be the full resource name of the Identity Provider. See https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token for the list of possible formats.';
      // google-github-actions/auth#334
      case 'audience_not_allowed':
      case 'audience_unknown':
        return 'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.';
      default:
        return undefined;
    }
  },
  userSubject: (u) => u.login,
  accessTokenTyp: 'JWT',
};

export const VENDOR_PROFILES: Record<Vendor, VendorProfile> = {
  okta,
  keycloak,
  auth0,
  'google-sts': googleSts,
};
