// Security rules of the mock: registration and redirect URIs (RFC 6749 §4.4,
// RFC 7591 §2, RFC 9700 §2.1, RFC 8252 §7.3), revoked tokens (RFC 7009 §2),
// refresh-token rotation for public clients (RFC 9700 §4.14.2), and a control
// plane that no web page can drive.
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, startMockIdp, type MockIdp } from '../../scripts/mock-idp/index.mts';
import { redirectUriAllowed } from '../../scripts/mock-idp/redirect-uris.mts';
import {
  EXCHANGE_ID,
  EXCHANGE_SECRET,
  basic,
  must,
  oktaExchangeForm,
  postForm,
} from './helpers.mts';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ control: true });
});
afterAll(async () => {
  await idp?.close();
});

async function register(metadata: Record<string, unknown>) {
  const response = await fetch(must(idp.server('aus9876543210').endpoints.registration), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('dynamic client registration (RFC 7591)', () => {
  it('refuses a public client with the client_credentials grant (RFC 6749 §4.4)', async () => {
    const refused = await register({
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'none',
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('invalid_client_metadata');
    expect(refused.json.error_description).toMatch(/confidential/);
  });

  it('the token endpoint refuses client_credentials to a public client, even one configured with the grant', async () => {
    const config = defaultConfig();
    const okta = must(config.tenants[0]);
    okta.clients = [
      ...(okta.clients ?? []),
      {
        clientId: 'public-with-client-credentials',
        tokenEndpointAuthMethods: ['none'],
        grantTypes: ['client_credentials'],
        access: [{ server: 'aus9876543210' }],
      },
    ];
    const custom = await startMockIdp({ config });
    try {
      const response = await postForm(must(custom.server('aus9876543210').endpoints.token), {
        grant_type: 'client_credentials',
        client_id: 'public-with-client-credentials',
        scope: 'api:read',
      });
      expect(response.status).toBe(400);
      expect(response.json.error).toBe('unauthorized_client');
      expect(response.json.error_description).toMatch(/public client/);
      expect(response.json.access_token).toBeUndefined();
    } finally {
      await custom.close();
    }
  });

  it.each([
    ['javascript:alert(1)', /scheme "javascript:"/],
    ['data:text/html,<script>alert(1)</script>', /scheme "data:"/],
    ['file:///etc/passwd', /scheme "file:"/],
    ['http://attacker.example/callback', /http: on a host other than a loopback/],
    ['https://app.example/callback#fragment', /fragment/],
    ['https://user:pass@app.example/callback', /userinfo/],
    ['https://app.example/a/../callback', /"\." or "\.\." path segment/],
    ['not a uri', /absolute URI/],
  ])('refuses the redirect URI %s with invalid_redirect_uri', async (uri, why) => {
    const refused = await register({
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback', uri],
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('invalid_redirect_uri');
    expect(refused.json.error_description).toMatch(why);
  });

  it.each([
    'https://app.example/callback',
    'http://127.0.0.1:8765/callback',
    'http://[::1]/callback',
    'http://localhost/cb?x=1',
    'com.example.app:/oauth2redirect',
  ])('accepts the redirect URI %s', async (uri) => {
    const registered = await register({ token_endpoint_auth_method: 'none', redirect_uris: [uri] });
    expect(registered.status).toBe(201);
    expect(registered.json.redirect_uris).toEqual([uri]);
  });
});

describe('loopback redirect matching (RFC 8252 §7.3)', () => {
  const registered = ['http://127.0.0.1/callback', 'https://app.example/cb'];
  it('ignores only the port of a loopback URI', () => {
    expect(redirectUriAllowed(registered, 'http://127.0.0.1:53682/callback')).toBe(true);
    expect(redirectUriAllowed(registered, 'http://127.0.0.1/callback')).toBe(true);
    expect(redirectUriAllowed(registered, 'https://app.example/cb')).toBe(true);
    expect(redirectUriAllowed(registered, 'https://app.example:8443/cb')).toBe(false);
    expect(redirectUriAllowed(registered, 'http://127.0.0.1:1/other')).toBe(false);
    expect(redirectUriAllowed(registered, 'http://localhost:1/callback')).toBe(false);
  });
  it.each([
    ['userinfo', 'http://evil@127.0.0.1:53682/callback'],
    ['userinfo with password', 'http://a:b@127.0.0.1/callback'],
    ['a fragment', 'http://127.0.0.1:53682/callback#x'],
    ['a dot-segment', 'http://127.0.0.1:53682/x/../callback'],
    ['an encoded dot-segment', 'http://127.0.0.1:53682/x/%2e%2e/callback'],
    ['a single dot-segment', 'http://127.0.0.1:53682/./callback'],
  ])('refuses a loopback URI with %s', (_what, uri) => {
    // WHATWG URL parsing would normalise these to the registered URI.
    expect(redirectUriAllowed(registered, uri)).toBe(false);
  });
  it('the authorization endpoint answers 400 without redirecting to such a URI', async () => {
    const url = new URL(must(idp.server('aus1234567890').endpoints.authorize));
    url.search = new URLSearchParams({
      client_id: '0oa1234567890abcdef',
      redirect_uri: 'http://evil@127.0.0.1:53682/callback',
      response_type: 'code',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});

/** Authorization code + PKCE for a public client; returns the token response. */
async function login(serverId: string, clientId: string, scope: string) {
  const server = idp.server(serverId);
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = 'http://127.0.0.1:40000/callback';
  const url = new URL(must(server.endpoints.authorize));
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const redirect = await fetch(url, { redirect: 'manual' });
  const code = must(new URL(must(redirect.headers.get('location'))).searchParams.get('code'));
  const tokens = await postForm(must(server.endpoints.token), {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  expect(tokens.status).toBe(200);
  return tokens.json;
}

describe('revocation (RFC 7009 §2)', () => {
  it('a revoked access token cannot be exchanged', async () => {
    const tokens = await login('aus1234567890', '0oa1234567890abcdef', 'openid mcp:tools:call');
    const subject = tokens.access_token as string;
    const backendToken = must(idp.server('aus9876543210').endpoints.token);
    const auth = { authorization: basic(EXCHANGE_ID, EXCHANGE_SECRET) };
    expect((await postForm(backendToken, oktaExchangeForm(subject), auth)).status).toBe(200);
    const revoked = await postForm(must(idp.server('aus1234567890').endpoints.revoke), {
      token: subject,
      client_id: '0oa1234567890abcdef',
    });
    expect(revoked.status).toBe(200);
    const refused = await postForm(backendToken, oktaExchangeForm(subject), auth);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      error: 'invalid_grant',
      error_description: 'the subject token has been revoked',
    });
  });
});

describe('refresh-token rotation for public clients (RFC 9700 §4.14.2)', () => {
  const token = () => must(idp.server('aus1234567890').endpoints.token);
  const refresh = (refreshToken: string) =>
    postForm(token(), {
      grant_type: 'refresh_token',
      client_id: '0oa1234567890abcdef',
      refresh_token: refreshToken,
    });

  it('each refresh returns a new refresh token and spends the old one', async () => {
    const first = (await login('aus1234567890', '0oa1234567890abcdef', 'openid offline_access'))
      .refresh_token as string;
    const r1 = await refresh(first);
    expect(r1.status).toBe(200);
    const second = r1.json.refresh_token as string;
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);
    const r2 = await refresh(second);
    expect(r2.status).toBe(200);
    expect(r2.json.refresh_token).not.toBe(second);
  });

  it('presenting a spent refresh token revokes the whole family', async () => {
    const first = (await login('aus1234567890', '0oa1234567890abcdef', 'openid offline_access'))
      .refresh_token as string;
    const second = (await refresh(first)).json.refresh_token as string;
    const replay = await refresh(first);
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
    expect(replay.json.error_description).toMatch(/already used/);
    // The legitimate holder's current token is revoked too.
    const after = await refresh(second);
    expect(after.status).toBe(400);
    expect(after.json.error).toBe('invalid_grant');
  });
});

/** A raw request with full control of Host, Origin and the body. */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${idp.url}${path}`,
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('control plane refuses what a web page could send', () => {
  const mint = JSON.stringify({ issuer: 'https://dev-123456.okta.com/oauth2/aus1234567890' });
  const port = () => new URL(idp.url).port;

  it('serves the typed client and same-origin JSON requests', async () => {
    expect((await idp.control?.authorizationServers())?.length).toBeGreaterThan(0);
    const ok = await raw('/__mock/tokens', {
      method: 'POST',
      headers: {
        host: `127.0.0.1:${port()}`,
        origin: `http://127.0.0.1:${port()}`,
        'content-type': 'application/json',
      },
      body: mint,
    });
    expect(ok.status).toBe(200);
    for (const host of [`localhost:${port()}`, `[::1]:${port()}`]) {
      const response = await raw('/__mock/authorization-servers', { headers: { host } });
      expect(response.status).toBe(200);
    }
  });

  it.each([
    ['a foreign Host (DNS rebinding)', { host: 'attacker.example' }],
    ['a vendor Host', { host: 'dev-123456.okta.com' }],
  ])('refuses %s with 403', async (_what, headers) => {
    const response = await raw('/__mock/authorization-servers', { headers });
    expect(response.status).toBe(403);
    expect(response.body).toMatch(/loopback Host/);
  });

  it.each([
    ['a foreign Origin', { origin: 'https://attacker.example' }],
    ['a loopback Origin on another port', { origin: 'http://127.0.0.1:1' }],
    ['Origin null', { origin: 'null' }],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses %s with 403, minting nothing', async (_what, extra) => {
    const response = await raw('/__mock/tokens', {
      method: 'POST',
      headers: { host: `127.0.0.1:${port()}`, 'content-type': 'application/json', ...extra },
      body: mint,
    });
    expect(response.status).toBe(403);
    expect(response.body).not.toMatch(/access_token/);
  });

  it.each([
    ['text/plain', mint],
    ['application/x-www-form-urlencoded', 'issuer=x'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('refuses a %s body with 415', async (type, body) => {
    const response = await raw('/__mock/faults', {
      method: 'POST',
      headers: { host: `127.0.0.1:${port()}`, 'content-type': type },
      body,
    });
    expect(response.status).toBe(415);
    expect(await idp.control?.faults()).toEqual([]);
  });
});
