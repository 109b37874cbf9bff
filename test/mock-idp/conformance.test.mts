// Conformance: a real OAuth client library (oauth4webapi) discovers each
// vendor's metadata, runs client_credentials, authorization code + PKCE and
// token exchange against the mock, and jose verifies every issued token
// against the served JWKS.
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import * as oauth from 'oauth4webapi';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../../scripts/lib/test-ca.mts';
import {
  startMockIdp,
  type AuthorizationServerInfo,
  type MockIdp,
} from '../../scripts/mock-idp/index.mts';
import { ACCESS_TOKEN_TYPE, must, TOKEN_EXCHANGE } from './helpers.mts';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ control: true });
});
afterAll(async () => {
  await idp?.close();
});

async function discover(server: AuthorizationServerInfo, algorithm: 'oidc' | 'oauth2') {
  const issuer = new URL(server.issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm, ...insecure });
  return oauth.processDiscoveryResponse(issuer, response);
}

async function verify(
  server: AuthorizationServerInfo,
  token: string,
  audience: string,
): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(server.endpoints.jwks as string));
  const { payload } = await jwtVerify(token, jwks, { issuer: server.issuer, audience });
  return payload;
}

/** RFC 6749 §4.4 client_credentials through oauth4webapi. */
async function clientCredentials(
  as: oauth.AuthorizationServer,
  clientId: string,
  auth: oauth.ClientAuth,
  params: Record<string, string>,
) {
  const client: oauth.Client = { client_id: clientId };
  return oauth.processClientCredentialsResponse(
    as,
    client,
    await oauth.clientCredentialsGrantRequest(
      as,
      client,
      auth,
      new URLSearchParams(params),
      insecure,
    ),
  );
}

/** RFC 8693 §2.1 token exchange through oauth4webapi; `params` carry subject_token etc. */
async function exchange(
  as: oauth.AuthorizationServer,
  clientId: string,
  auth: oauth.ClientAuth,
  params: Record<string, string>,
) {
  const client: oauth.Client = { client_id: clientId };
  return oauth.processGenericTokenEndpointResponse(
    as,
    client,
    await oauth.genericTokenEndpointRequest(
      as,
      client,
      auth,
      TOKEN_EXCHANGE,
      new URLSearchParams(params),
      insecure,
    ),
  );
}

/** Authorization code + PKCE S256 with an unattended login (the mock auto-approves). */
async function login(server: AuthorizationServerInfo, clientId: string, scope: string) {
  const as = await discover(server, 'oauth2');
  const client: oauth.Client = { client_id: clientId };
  const redirectUri = 'http://127.0.0.1:53682/callback';
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint as string);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const redirect = await fetch(url, { redirect: 'manual' });
  expect(redirect.status).toBe(302);
  const location = new URL(redirect.headers.get('location') as string);
  expect(location.origin + location.pathname).toBe(redirectUri);
  const params = oauth.validateAuthResponse(as, client, location, state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    redirectUri,
    verifier,
    insecure,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
  return { as, tokens };
}

describe.each([
  ['okta', 'aus1234567890'],
  ['okta', 'aus9876543210'],
  ['keycloak', 'mcp'],
  ['auth0', 'default'],
])('%s %s discovery', (vendor, id) => {
  it('serves OpenID Connect and RFC 8414 metadata that oauth4webapi accepts, in the vendor layout', async () => {
    const server = idp.server(id);
    for (const algorithm of ['oidc', 'oauth2'] as const) {
      const as = await discover(server, algorithm);
      expect(as.issuer).toBe(server.issuer);
      expect(as.token_endpoint).toBe(server.endpoints.token);
      expect(as.jwks_uri).toBe(server.endpoints.jwks);
      expect(as.code_challenge_methods_supported).toContain('S256');
      // Okta lists the token-exchange grant only for a client_id that has it (see vendor-rules.test.mts).
      if (vendor === 'okta') expect(as.grant_types_supported).not.toContain(TOKEN_EXCHANGE);
      else expect(as.grant_types_supported).toContain(TOKEN_EXCHANGE);
    }
  });
});

describe('vendor URL layouts', () => {
  it('puts each endpoint where the vendor does', () => {
    const okta = idp.server('aus1234567890');
    expect(okta.vendorEndpoints).toMatchObject({
      authorize: 'https://dev-123456.okta.com/oauth2/aus1234567890/v1/authorize',
      token: 'https://dev-123456.okta.com/oauth2/aus1234567890/v1/token',
      jwks: 'https://dev-123456.okta.com/oauth2/aus1234567890/v1/keys',
      introspect: 'https://dev-123456.okta.com/oauth2/aus1234567890/v1/introspect',
      revoke: 'https://dev-123456.okta.com/oauth2/aus1234567890/v1/revoke',
      userinfo: 'https://dev-123456.okta.com/oauth2/aus1234567890/v1/userinfo',
    });
    expect(idp.server('mcp').vendorEndpoints).toMatchObject({
      authorize: 'https://keycloak.example.com/realms/mcp/protocol/openid-connect/auth',
      token: 'https://keycloak.example.com/realms/mcp/protocol/openid-connect/token',
      jwks: 'https://keycloak.example.com/realms/mcp/protocol/openid-connect/certs',
      introspect:
        'https://keycloak.example.com/realms/mcp/protocol/openid-connect/token/introspect',
    });
    const auth0 = idp.authorizationServers.find(
      (s) => s.vendor === 'auth0',
    ) as AuthorizationServerInfo;
    expect(auth0.vendorIssuer).toBe('https://example-tenant.us.auth0.com/');
    expect(auth0.vendorEndpoints.token).toBe('https://example-tenant.us.auth0.com/oauth/token');
    expect(auth0.vendorEndpoints.jwks).toBe(
      'https://example-tenant.us.auth0.com/.well-known/jwks.json',
    );
    const sts = idp.authorizationServers.find(
      (s) => s.vendor === 'google-sts',
    ) as AuthorizationServerInfo;
    expect(sts.vendorEndpoints.token).toBe('https://sts.googleapis.com/v1/token');
  });
});

describe('authorization code + PKCE (unattended login of the test user)', () => {
  it('okta: access token with Okta claims, ID token, refresh token', async () => {
    const server = idp.server('aus1234567890');
    const { as, tokens } = await login(
      server,
      '0oa1234567890abcdef',
      'openid profile offline_access mcp:tools:call',
    );
    const claims = await verify(server, tokens.access_token, 'mcp-server');
    expect(claims).toMatchObject({
      ver: 1,
      sub: 'alice@example.com',
      uid: '00u1a2b3c4d5e6f7g8h9',
      cid: '0oa1234567890abcdef',
      scp: ['openid', 'profile', 'offline_access', 'mcp:tools:call'],
    });
    expect(String(claims.jti)).toMatch(/^AT\./);
    // Okta: access tokens carry no typ header; ID tokens have the user id as sub.
    expect(decodeProtectedHeader(tokens.access_token)).not.toHaveProperty('typ');
    expect(decodeJwt(tokens.id_token as string)).toMatchObject({
      sub: '00u1a2b3c4d5e6f7g8h9',
      aud: '0oa1234567890abcdef',
    });
    expect(tokens.refresh_token).toBeTypeOf('string');

    // refresh_token grant (RFC 6749 §6) with a narrower scope
    const client = { client_id: '0oa1234567890abcdef' };
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.None(),
        tokens.refresh_token as string,
        {
          ...insecure,
          additionalParameters: { scope: 'openid mcp:tools:call' },
        },
      ),
    );
    expect((await verify(server, refreshed.access_token, 'mcp-server')).scp).toEqual([
      'openid',
      'mcp:tools:call',
    ]);
  });

  it('keycloak: scope string, azp, typ; auth0: scope string, azp', async () => {
    const kc = idp.server('mcp');
    const { tokens } = await login(kc, 'mcp-client', 'openid mcp:tools:list');
    const kcClaims = await verify(kc, tokens.access_token, 'toolhive-exchange');
    expect(kcClaims).toMatchObject({
      typ: 'Bearer',
      azp: 'mcp-client',
      scope: 'openid mcp:tools:list',
      preferred_username: 'alice@example.com',
    });
    const a0 = idp.authorizationServers.find(
      (s) => s.vendor === 'auth0',
    ) as AuthorizationServerInfo;
    const { tokens: a0Tokens } = await login(a0, 'auth0-mcp-client', 'openid mcp:tools:call');
    expect(await verify(a0, a0Tokens.access_token, 'https://mcp.example.com/mcp')).toMatchObject({
      azp: 'auth0-mcp-client',
      scope: 'openid mcp:tools:call',
      sub: 'auth0|6543210fedcba9876543210',
    });
  });
});

describe('client_credentials', () => {
  it('keycloak and auth0 clients, client_secret_basic and client_secret_post', async () => {
    const kc = idp.server('mcp');
    const as = await discover(kc, 'oidc');
    for (const auth of [
      oauth.ClientSecretBasic('mock-only-keycloak-secret'),
      oauth.ClientSecretPost('mock-only-keycloak-secret'),
    ]) {
      const tokens = await clientCredentials(as, 'toolhive-exchange', auth, { scope: 'api:read' });
      expect(await verify(kc, tokens.access_token, 'backend-api')).toMatchObject({
        azp: 'toolhive-exchange',
        sub: 'service-account-toolhive-exchange',
        scope: 'api:read',
      });
    }
    const a0 = idp.authorizationServers.find(
      (s) => s.vendor === 'auth0',
    ) as AuthorizationServerInfo;
    const a0as = await discover(a0, 'oidc');
    const tokens = await clientCredentials(
      a0as,
      'auth0-exchange-client',
      oauth.ClientSecretPost('mock-only-auth0-secret'),
      { audience: 'https://backend.example.com/api' },
    );
    expect(await verify(a0, tokens.access_token, 'https://backend.example.com/api')).toMatchObject({
      sub: 'auth0-exchange-client@clients',
      gty: 'client-credentials',
      scope: 'api:read api:write',
    });
  });

  it('okta: a dynamically registered client (RFC 7591) gets a token whose sub is the client id', async () => {
    const server = idp.server('aus9876543210');
    const as = await discover(server, 'oauth2');
    const registered = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        as,
        {
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'client_secret_basic',
          client_name: 'test',
        },
        insecure,
      ),
    );
    expect(registered.client_id).toMatch(/^mock-dcr-/);
    const tokens = await clientCredentials(
      as,
      registered.client_id,
      oauth.ClientSecretBasic(registered.client_secret as string),
      { scope: 'api:write' },
    );
    expect(await verify(server, tokens.access_token, 'backend-api')).toMatchObject({
      sub: registered.client_id,
      cid: registered.client_id,
      scp: ['api:write'],
    });
  });
});

describe('token exchange (RFC 8693)', () => {
  it('okta: a token of aus1234567890 becomes a backend-api token; sub kept, aud and scopes changed', async () => {
    const mcp = idp.server('aus1234567890');
    const backend = idp.server('aus9876543210');
    const { tokens } = await login(mcp, '0oa1234567890abcdef', 'openid mcp:tools:call');
    const as = await discover(backend, 'oauth2');
    for (const auth of [
      oauth.ClientSecretBasic('mock-only-exchange-secret'),
      oauth.ClientSecretPost('mock-only-exchange-secret'),
    ]) {
      const exchanged = await exchange(as, '0oa0987654321fedcba', auth, {
        subject_token: tokens.access_token,
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience: 'backend-api',
        scope: 'api:read',
      });
      expect(exchanged).toMatchObject({
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'bearer',
        expires_in: 3600,
        scope: 'api:read',
      });
      const claims = await verify(backend, exchanged.access_token, 'backend-api');
      expect(claims).toMatchObject({
        sub: 'alice@example.com',
        uid: '00u1a2b3c4d5e6f7g8h9',
        cid: '0oa0987654321fedcba',
        scp: ['api:read'],
      });
      expect(Object.keys(claims).sort()).toEqual([
        'aud',
        'cid',
        'exp',
        'iat',
        'iss',
        'jti',
        'scp',
        'sub',
        'uid',
        'ver',
      ]);
    }
  });

  it('keycloak: audience backend-api, azp = exchange client, scope string', async () => {
    const kc = idp.server('mcp');
    const { tokens } = await login(kc, 'mcp-client', 'openid api:read');
    const as = await discover(kc, 'oidc');
    const exchanged = await exchange(
      as,
      'toolhive-exchange',
      oauth.ClientSecretBasic('mock-only-keycloak-secret'),
      {
        subject_token: tokens.access_token,
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience: 'backend-api',
        scope: 'api:read',
      },
    );
    const claims = await verify(kc, exchanged.access_token, 'backend-api');
    // Without `audience`, Keycloak issues for the audiences the requesting client
    // reaches through its client scopes (Keycloak 26.5, measured).
    const self = await exchange(
      as,
      'toolhive-exchange',
      oauth.ClientSecretPost('mock-only-keycloak-secret'),
      { subject_token: tokens.access_token, subject_token_type: ACCESS_TOKEN_TYPE },
    );
    expect(decodeJwt(self.access_token).aud).toBe('backend-api');
    expect(decodeProtectedHeader(self.access_token).typ).toBe('JWT');
    expect(claims).toMatchObject({
      azp: 'toolhive-exchange',
      scope: 'api:read',
      sub: decodeJwt(tokens.access_token).sub,
    });
  });

  it('auth0 and google-sts: audience parameter selects the API / the workload identity provider', async () => {
    const a0 = idp.authorizationServers.find(
      (s) => s.vendor === 'auth0',
    ) as AuthorizationServerInfo;
    const { tokens } = await login(a0, 'auth0-mcp-client', 'openid mcp:tools:call');
    const as = await discover(a0, 'oidc');
    const exchanged = await exchange(
      as,
      'auth0-exchange-client',
      oauth.ClientSecretPost('mock-only-auth0-secret'),
      {
        subject_token: tokens.access_token,
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience: 'https://backend.example.com/api',
        scope: 'api:read',
      },
    );
    expect(
      await verify(a0, exchanged.access_token, 'https://backend.example.com/api'),
    ).toMatchObject({
      sub: 'auth0|6543210fedcba9876543210',
      scope: 'api:read',
    });

    const okta = idp.server('aus1234567890');
    const { tokens: oktaTokens } = await login(okta, '0oa1234567890abcdef', 'openid');
    const sts = idp.authorizationServers.find(
      (s) => s.vendor === 'google-sts',
    ) as AuthorizationServerInfo;
    const stsAs: oauth.AuthorizationServer = {
      issuer: sts.issuer,
      token_endpoint: sts.endpoints.token,
    };
    const audience =
      '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/mcp-pool/providers/okta';
    const stsTokens = await exchange(
      stsAs,
      'no-client-auth-at-google-sts',
      // Google STS takes no client authentication.
      (_as, _client, _body, _headers) => undefined,
      {
        subject_token: oktaTokens.access_token,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        requested_token_type: ACCESS_TOKEN_TYPE,
        audience,
        scope: 'https://www.googleapis.com/auth/cloud-platform',
      },
    );
    expect(await verify(sts, stsTokens.access_token, audience)).toMatchObject({
      sub: 'alice@example.com',
    });
  });
});

describe('host routing over TLS with the real vendor issuer', () => {
  it('serves https://dev-123456.okta.com/oauth2/aus1234567890 from the TLS listener', async () => {
    const ca = await createTestCa();
    const leaf = await ca.issue(['dev-123456.okta.com', 'keycloak.example.com']);
    const tlsIdp = await startMockIdp({ tls: { cert: leaf.certPem, key: leaf.keyPem } });
    try {
      const port = Number(new URL(tlsIdp.tlsUrl as string).port);
      // Send every vendor host to the mock's TLS port, as the doctests do.
      const agent = new Agent({
        connect: {
          ca: ca.certPem,
          lookup: (
            _host: string,
            options: { all?: boolean },
            callback: (...args: unknown[]) => void,
          ) =>
            options.all
              ? callback(null, [{ address: '127.0.0.1', family: 4 }])
              : callback(null, '127.0.0.1', 4),
        } as never,
      });
      const customFetch = ((url: string, init: RequestInit) => {
        const target = new URL(url);
        target.port = String(port);
        return undiciFetch(target, { ...(init as object), dispatcher: agent } as never);
      }) as unknown as typeof fetch;
      const issuer = new URL('https://dev-123456.okta.com/oauth2/aus1234567890');
      const as = await oauth.processDiscoveryResponse(
        issuer,
        await oauth.discoveryRequest(issuer, {
          algorithm: 'oauth2',
          [oauth.customFetch]: customFetch,
        }),
      );
      expect(as.issuer).toBe('https://dev-123456.okta.com/oauth2/aus1234567890');
      expect(as.token_endpoint).toBe('https://dev-123456.okta.com/oauth2/aus1234567890/v1/token');
      const jwks = (await (await customFetch(as.jwks_uri as string, {})).json()) as {
        keys: { kid: string }[];
      };
      expect(jwks.keys[0]?.kid).toBe(tlsIdp.server('aus1234567890').kid);
      await agent.close();
    } finally {
      await tlsIdp.close();
    }
  });
});

describe('introspection (RFC 7662), userinfo, revocation (RFC 7009)', () => {
  it('okta: an active token introspects with its claims; after revocation it is inactive', async () => {
    const mcp = idp.server('aus1234567890');
    const { as, tokens } = await login(mcp, '0oa1234567890abcdef', 'openid profile mcp:tools:call');
    const client = { client_id: '0oa1234567890abcdef' };

    // OIDC Core §5.3.2: oauth4webapi checks that userinfo's sub is the ID token's sub.
    const idTokenSub = must(oauth.getValidatedIdTokenClaims(tokens), 'ID token claims').sub;
    const userinfo = await oauth.processUserInfoResponse(
      as,
      client,
      idTokenSub,
      await oauth.userInfoRequest(as, client, tokens.access_token, insecure),
    );
    expect(userinfo).toMatchObject({ sub: '00u1a2b3c4d5e6f7g8h9', name: 'Alice Example' });
    // Okta access tokens carry the login as sub; userinfo and the ID token the user id.
    expect(decodeJwt(tokens.access_token).sub).toBe('alice@example.com');

    const introspect = async () =>
      oauth.processIntrospectionResponse(
        as,
        client,
        await oauth.introspectionRequest(as, client, oauth.None(), tokens.access_token, insecure),
      );
    expect(await introspect()).toMatchObject({
      active: true,
      scope: 'openid profile mcp:tools:call',
      client_id: '0oa1234567890abcdef',
      sub: 'alice@example.com',
      aud: 'mcp-server',
      token_type: 'Bearer',
    });

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, oauth.None(), tokens.access_token, insecure),
    );
    expect(await introspect()).toEqual({ active: false });
    const refused = await fetch(as.userinfo_endpoint as string, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });
});
