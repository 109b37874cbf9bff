// panva's openid-client 6 against every vendor profile of the mock IdP:
// discovery, client credentials, authorization code + PKCE, refresh, token
// exchange (RFC 8693), introspection (RFC 7662), revocation (RFC 7009),
// userinfo (its sub checked against the ID token, OIDC Core §5.3.2) and
// dynamic client registration (RFC 7591). Where a vendor has no such endpoint,
// the test says so and checks that the mock has none either.
import * as client from 'openid-client';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../scripts/mock-idp/index.mts';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const insecure = { execute: [client.allowInsecureRequests] };

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ control: true });
});
afterAll(async () => {
  await idp?.close();
});

interface VendorCase {
  vendor: string;
  /** The server users log in to (MCP clients). */
  login: { server: string; clientId: string; scope: string; audience?: string };
  /** A confidential client for client credentials and token exchange. */
  service: { server: string; id: string; secret: string; ccParams: Record<string, string> };
  exchange: { params: Record<string, string>; expect: Record<string, unknown> };
  introspection: boolean;
}

const CASES: VendorCase[] = [
  {
    vendor: 'okta',
    login: {
      server: 'aus1234567890',
      clientId: '0oa1234567890abcdef',
      scope: 'openid profile offline_access mcp:tools:call',
    },
    service: {
      server: 'aus9876543210',
      id: '0oa0987654321fedcba',
      secret: 'mock-only-exchange-secret',
      ccParams: {},
    },
    exchange: {
      params: { audience: 'backend-api', scope: 'api:read' },
      expect: { aud: 'backend-api', scp: ['api:read'], sub: 'alice@example.com' },
    },
    introspection: true,
  },
  {
    vendor: 'keycloak',
    login: { server: 'mcp', clientId: 'mcp-client', scope: 'openid profile mcp:tools:call' },
    service: {
      server: 'mcp',
      id: 'toolhive-exchange',
      secret: 'mock-only-keycloak-secret',
      ccParams: { scope: 'api:read' },
    },
    exchange: {
      params: { audience: 'backend-api', scope: 'api:read' },
      expect: { aud: 'backend-api', azp: 'toolhive-exchange', scope: 'api:read' },
    },
    introspection: true,
  },
  {
    vendor: 'auth0',
    login: {
      server: 'https://example-tenant.us.auth0.com/',
      clientId: 'auth0-mcp-client',
      scope: 'openid profile offline_access mcp:tools:call',
      audience: 'https://mcp.example.com/mcp',
    },
    service: {
      server: 'https://example-tenant.us.auth0.com/',
      id: 'auth0-exchange-client',
      secret: 'mock-only-auth0-secret',
      ccParams: { audience: 'https://backend.example.com/api' },
    },
    exchange: {
      params: { audience: 'https://backend.example.com/api', scope: 'api:read' },
      expect: { aud: 'https://backend.example.com/api', scope: 'api:read' },
    },
    // Auth0 has no introspection endpoint (https://auth0.com/docs/api/authentication).
    introspection: false,
  },
];

const issuerOf = (id: string) => new URL(idp.server(id).issuer);

async function logIn(c: VendorCase) {
  const config = await client.discovery(
    issuerOf(c.login.server),
    c.login.clientId,
    undefined,
    client.None(),
    insecure,
  );
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const redirectUri = 'http://127.0.0.1:47000/callback';
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: c.login.scope,
    state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...(c.login.audience ? { audience: c.login.audience } : {}),
  });
  const redirect = await fetch(url, { redirect: 'manual' });
  expect(redirect.status).toBe(302);
  const back = new URL(redirect.headers.get('location') ?? '');
  expect(back.origin + back.pathname).toBe(redirectUri);
  const tokens = await client.authorizationCodeGrant(config, back, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  return { config, tokens };
}

const service = (c: VendorCase) =>
  client.discovery(
    issuerOf(c.service.server),
    c.service.id,
    c.service.secret,
    client.ClientSecretBasic(c.service.secret),
    insecure,
  );

describe.each(CASES)('openid-client 6 against the mock $vendor profile', (c) => {
  it('discovery: OpenID Connect metadata with the vendor issuer and endpoints', async () => {
    const config = await client.discovery(
      issuerOf(c.login.server),
      c.login.clientId,
      undefined,
      client.None(),
      insecure,
    );
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(idp.server(c.login.server).issuer);
    expect(metadata.token_endpoint).toBe(idp.server(c.login.server).endpoints.token);
    expect(metadata.code_challenge_methods_supported).toContain('S256');
    expect(Boolean(metadata.introspection_endpoint)).toBe(c.introspection);
  });

  it('authorization code + PKCE, then userinfo whose sub is the ID token sub', async () => {
    const { config, tokens } = await logIn(c);
    const idToken = tokens.claims();
    expect(idToken?.sub).toEqual(expect.any(String));
    // fetchUserInfo throws when userinfo's sub differs from the expected one.
    const userinfo = await client.fetchUserInfo(
      config,
      tokens.access_token,
      idToken?.sub as string,
    );
    expect(userinfo).toMatchObject({ sub: idToken?.sub, name: 'Alice Example' });
  });

  it('refresh: a public client gets a rotated refresh token; the spent one is refused', async () => {
    const { config, tokens } = await logIn(c);
    const first = tokens.refresh_token;
    expect(first).toEqual(expect.any(String));
    const refreshed = await client.refreshTokenGrant(config, first as string);
    expect(refreshed.access_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(first);
    await expect(client.refreshTokenGrant(config, first as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('client credentials with client_secret_basic', async () => {
    if (c.vendor === 'okta') {
      // Okta's exchange client has only the token-exchange grant: refused.
      await expect(client.clientCredentialsGrant(await service(c))).rejects.toMatchObject({
        error: 'unauthorized_client',
      });
      return;
    }
    const tokens = await client.clientCredentialsGrant(await service(c), c.service.ccParams);
    expect(decodeJwt(tokens.access_token).iss).toBe(idp.server(c.service.server).issuer);
  });

  it('token exchange (RFC 8693): the login token becomes a backend token', async () => {
    const { tokens } = await logIn(c);
    const exchanged = await client.genericGrantRequest(await service(c), TOKEN_EXCHANGE, {
      subject_token: tokens.access_token,
      subject_token_type: ACCESS_TOKEN_TYPE,
      ...c.exchange.params,
    });
    expect(exchanged.issued_token_type).toBe(ACCESS_TOKEN_TYPE);
    expect(exchanged.token_type).toBe('bearer');
    expect(decodeJwt(exchanged.access_token)).toMatchObject(c.exchange.expect);
  });

  it('introspection and revocation: a revoked token is inactive and cannot be exchanged', async () => {
    const { config, tokens } = await logIn(c);
    if (c.introspection)
      expect(await client.tokenIntrospection(config, tokens.access_token)).toMatchObject({
        active: true,
      });
    await client.tokenRevocation(config, tokens.access_token);
    if (c.introspection)
      expect(await client.tokenIntrospection(config, tokens.access_token)).toEqual({
        active: false,
      });
    await expect(
      client.genericGrantRequest(await service(c), TOKEN_EXCHANGE, {
        subject_token: tokens.access_token,
        subject_token_type: ACCESS_TOKEN_TYPE,
        ...c.exchange.params,
      }),
    ).rejects.toMatchObject({
      // Keycloak answers invalid_request "Invalid token" (Keycloak 26.5, measured).
      error: c.vendor === 'keycloak' ? 'invalid_request' : 'invalid_grant',
    });
  });

  it('dynamic client registration (RFC 7591), then client credentials as the new client', async () => {
    const server = c.vendor === 'okta' ? c.service.server : c.login.server;
    const registered = await client.dynamicClientRegistration(
      issuerOf(server),
      {
        client_name: `openid-client ${c.vendor}`,
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      // The secret comes from the registration response.
      client.ClientSecretBasic(),
      insecure,
    );
    const metadata = registered.clientMetadata();
    expect(metadata.client_id).toMatch(/^mock-dcr-/);
    expect(metadata.client_secret).toEqual(expect.any(String));
    const tokens = await client.clientCredentialsGrant(registered, c.service.ccParams);
    expect(decodeJwt(tokens.access_token).sub).toEqual(expect.stringContaining(metadata.client_id));
    // A public client cannot be registered for client credentials (RFC 6749 §4.4).
    await expect(
      client.dynamicClientRegistration(
        issuerOf(server),
        { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' },
        undefined,
        insecure,
      ),
    ).rejects.toMatchObject({ error: 'invalid_client_metadata' });
  });
});

describe('openid-client 6 against the mock google-sts profile', () => {
  it('token exchange without client authentication (no discovery: STS publishes none)', async () => {
    const sts = idp.server('https://sts.googleapis.com');
    // The mock serves no discovery for STS, as Google does not.
    expect((await fetch(`${sts.issuer}/.well-known/openid-configuration`)).status).toBe(404);
    const config = new client.Configuration(
      {
        issuer: sts.issuer,
        token_endpoint: sts.endpoints.token,
        introspection_endpoint: sts.endpoints.introspect,
      },
      'unused',
      undefined,
      // STS takes no client authentication, and no client_id either.
      () => undefined,
    );
    client.allowInsecureRequests(config);
    const subject = await idp.control?.mintToken({
      issuer: idp.server('aus1234567890').issuer,
      audience: 'mcp-server',
    });
    const audience =
      '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/mcp-pool/providers/okta';
    const exchanged = await client.genericGrantRequest(config, TOKEN_EXCHANGE, {
      subject_token: subject?.access_token ?? '',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      requested_token_type: ACCESS_TOKEN_TYPE,
      audience,
      scope: 'https://www.googleapis.com/auth/cloud-platform',
    });
    expect(exchanged.issued_token_type).toBe(ACCESS_TOKEN_TYPE);
    expect(decodeJwt(exchanged.access_token)).toMatchObject({ aud: audience });
    expect(await client.tokenIntrospection(config, exchanged.access_token)).toMatchObject({
      active: true,
    });
  });
});
