// The error matrix of the token endpoint: each case asserts the status, the
// RFC error code and the vendor's body shape ({error, error_description}).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, startMockIdp, type MockIdp } from '../../scripts/mock-idp/index.mts';
import {
  ACCESS_TOKEN_TYPE,
  basic,
  EXCHANGE_ID,
  EXCHANGE_SECRET,
  must,
  oktaExchangeForm,
  postForm,
  TOKEN_EXCHANGE,
  type RawResponse,
} from './helpers.mts';
const OKTA_INVALID_CLIENT =
  'Client authentication failed. Either the client or the client credentials are invalid.';

let idp: MockIdp;
let mcpIssuer: string;
let backendToken: string;
let subjectToken: string;

beforeAll(async () => {
  idp = await startMockIdp({ control: true });
  mcpIssuer = idp.server('aus1234567890').issuer;
  backendToken = idp.server('aus9876543210').endpoints.token as string;
  subjectToken = (await must(idp.control, 'control').mintToken({ issuer: mcpIssuer })).access_token;
});
afterAll(async () => {
  await idp?.close();
});

function expectOAuthError(response: RawResponse, status: number, error: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  // RFC 6749 §5.2 body: error (+ error_description), nothing else.
  expect(Object.keys(response.json).sort()).toEqual(['error', 'error_description']);
  expect(response.json.error).toBe(error);
  expect(response.json.error_description).toBeTypeOf('string');
}

const exchange = (extra: Record<string, string> = {}) => oktaExchangeForm(subjectToken, extra);

describe('client authentication (RFC 6749 §2.3.1, §5.2)', () => {
  it('wrong secret with client_secret_basic: 401 invalid_client, WWW-Authenticate, Okta wording', async () => {
    const r = await postForm(backendToken, exchange(), {
      authorization: basic(EXCHANGE_ID, 'wrong'),
    });
    expectOAuthError(r, 401, 'invalid_client');
    expect(r.headers.get('www-authenticate')).toMatch(/^Basic realm="dev-123456.okta.com"/);
    expect(r.json.error_description).toBe(OKTA_INVALID_CLIENT);
  });

  it('wrong secret with client_secret_post: 401 invalid_client', async () => {
    const r = await postForm(
      backendToken,
      exchange({ client_id: EXCHANGE_ID, client_secret: 'wrong' }),
    );
    expectOAuthError(r, 401, 'invalid_client');
    expect(r.headers.get('www-authenticate')).toBeTruthy();
  });

  it('unknown client and a confidential client without a secret: 401 invalid_client', async () => {
    expectOAuthError(
      await postForm(backendToken, exchange(), { authorization: basic('0oaNOPE', 'x') }),
      401,
      'invalid_client',
    );
    expectOAuthError(
      await postForm(backendToken, exchange({ client_id: EXCHANGE_ID })),
      401,
      'invalid_client',
    );
    expectOAuthError(await postForm(backendToken, exchange()), 401, 'invalid_client');
  });

  it('Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1)', async () => {
    const config = defaultConfig();
    const okta = must(config.tenants[0]);
    must(okta.clients).push({
      clientId: 'client:with spaces',
      clientSecret: 'secret+with/special:chars%',
      grantTypes: [TOKEN_EXCHANGE],
      access: [{ server: 'aus9876543210' }],
    });
    const special = await startMockIdp({ config });
    try {
      const token = (await special.server('aus9876543210').endpoints.token) as string;
      const r = await postForm(
        token,
        { grant_type: 'password' },
        { authorization: basic('client:with spaces', 'secret+with/special:chars%') },
      );
      // Authenticated, then refused for the grant: proves the credentials were decoded.
      expectOAuthError(r, 400, 'unsupported_grant_type');
      const raw =
        'Basic ' + Buffer.from('client:with spaces:secret+with/special:chars%').toString('base64');
      expectOAuthError(
        await postForm(token, { grant_type: 'password' }, { authorization: raw }),
        401,
        'invalid_client',
      );
    } finally {
      await special.close();
    }
  });

  it('two authentication methods at once: invalid_request (Okta answers 401)', async () => {
    const r = await postForm(backendToken, exchange({ client_secret: EXCHANGE_SECRET }), {
      authorization: basic(EXCHANGE_ID, EXCHANGE_SECRET),
    });
    expectOAuthError(r, 401, 'invalid_request');
    expect(r.json.error_description).toMatch(/^Cannot supply multiple client credentials/);
  });

  it('keycloak: 401 unauthorized_client and its wording on a wrong secret (Keycloak 26.5, measured)', async () => {
    const r = await postForm(
      idp.server('mcp').endpoints.token as string,
      { grant_type: 'client_credentials' },
      {
        authorization: basic('toolhive-exchange', 'wrong'),
      },
    );
    expectOAuthError(r, 401, 'unauthorized_client');
    expect(r.json.error_description).toBe('Invalid client or Invalid client credentials');
  });
});

describe('request and grant errors', () => {
  const auth = () => ({ authorization: basic(EXCHANGE_ID, EXCHANGE_SECRET) });

  it.each([
    ['missing grant_type', 400, 'invalid_request', { scope: 'api:read' }],
    ['unknown grant type', 400, 'unsupported_grant_type', { grant_type: 'password' }],
    [
      'grant the client is not allowed',
      400,
      'unauthorized_client',
      { grant_type: 'client_credentials' },
    ],
    [
      'missing subject_token',
      400,
      'invalid_request',
      { grant_type: TOKEN_EXCHANGE, subject_token_type: ACCESS_TOKEN_TYPE },
    ],
    [
      'missing subject_token_type',
      400,
      'invalid_request',
      { grant_type: TOKEN_EXCHANGE, subject_token: 'x' },
    ],
  ] as const)('%s → %i %s', async (_name, status, error, params) => {
    expectOAuthError(
      await postForm(backendToken, params as Record<string, string>, auth()),
      status,
      error,
    );
  });

  it.each([
    [
      'unsupported subject_token_type (Okta takes access tokens)',
      400,
      'invalid_request',
      { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' },
    ],
    [
      'unsupported requested_token_type',
      400,
      'invalid_request',
      { requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' },
    ],
    ['actor_token without actor_token_type', 400, 'invalid_request', { actor_token: 'x' }],
    ['subject token that is not a JWT', 400, 'invalid_grant', { subject_token: 'not-a-jwt' }],
    ['unknown audience', 400, 'invalid_target', { audience: 'somebody-else' }],
    ['two audiences', 400, 'invalid_target', { audience: 'backend-api&audience=mcp-server' }],
    ['unknown scope', 400, 'invalid_scope', { scope: 'api:read api:admin' }],
  ] as const)('token exchange, %s → %i %s', async (_name, status, error, extra) => {
    const body = new URLSearchParams(exchange(extra as Record<string, string>))
      .toString()
      .replace(/%26audience%3D/, '&audience=');
    expectOAuthError(await postForm(backendToken, body, auth()), status, error);
  });

  it('subject token from a server that is not trusted: invalid_grant', async () => {
    const own = (
      await must(idp.control, 'control').mintToken({ issuer: idp.server('aus9876543210').issuer })
    ).access_token;
    const r = await postForm(backendToken, exchange({ subject_token: own }), auth());
    expectOAuthError(r, 400, 'invalid_grant');
    expect(r.json.error_description).toMatch(/does not trust/);
  });

  it('expired subject token, unknown signing key, wrong audience: invalid_grant', async () => {
    const expired = await must(idp.control, 'control').mintToken({
      issuer: mcpIssuer,
      expiresInSeconds: -60,
    });
    const stray = await must(idp.control, 'control').mintToken({
      issuer: mcpIssuer,
      unknownKey: true,
    });
    const otherAud = await must(idp.control, 'control').mintToken({
      issuer: mcpIssuer,
      audience: 'not-mcp-server',
    });
    for (const [token, why] of [
      [expired.access_token, /expired/],
      [stray.access_token, /not signed by a key/],
      [otherAud.access_token, /audience/],
    ] as const) {
      const r = await postForm(backendToken, exchange({ subject_token: token }), auth());
      expectOAuthError(r, 400, 'invalid_grant');
      expect(r.json.error_description).toMatch(why);
    }
  });

  it('a tampered subject token: invalid_grant', async () => {
    const [h, p, s] = subjectToken.split('.');
    const claims = JSON.parse(Buffer.from(p as string, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = [
      h,
      Buffer.from(JSON.stringify({ ...claims, sub: 'mallory@example.com' })).toString('base64url'),
      s,
    ].join('.');
    expectOAuthError(
      await postForm(backendToken, exchange({ subject_token: forged }), auth()),
      400,
      'invalid_grant',
    );
  });

  it('scope or audience the client is not allowed: invalid_scope / invalid_target', async () => {
    const config = defaultConfig();
    const okta = must(config.tenants[0]);
    must(okta.authorizationServers[1]).audiences.push('other-api');
    must(must(okta.clients)[0]).access = [
      { server: 'aus9876543210', audiences: ['backend-api'], scopes: ['api:read'] },
    ];
    const strict = await startMockIdp({ config, control: true });
    try {
      const token = strict.server('aus9876543210').endpoints.token as string;
      const subject = (
        await must(strict.control, 'control').mintToken({
          issuer: strict.server('aus1234567890').issuer,
        })
      ).access_token;
      const ask = (extra: Record<string, string>) =>
        postForm(token, exchange({ subject_token: subject, ...extra }), auth());
      expectOAuthError(await ask({ scope: 'api:write' }), 400, 'invalid_scope');
      expectOAuthError(await ask({ audience: 'other-api' }), 400, 'invalid_target');
      expect((await ask({ scope: 'api:read' })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('auth0 requires the audience parameter; google sts refuses other grants', async () => {
    const auth0 = must(idp.authorizationServers.find((s) => s.vendor === 'auth0'));
    const r = await postForm(
      auth0.endpoints.token as string,
      { grant_type: 'client_credentials' },
      {
        authorization: basic('auth0-exchange-client', 'mock-only-auth0-secret'),
      },
    );
    expectOAuthError(r, 400, 'invalid_request');
    expect(r.json.error_description).toMatch(/audience/);
    const sts = must(idp.authorizationServers.find((s) => s.vendor === 'google-sts'));
    expectOAuthError(
      await postForm(sts.endpoints.token as string, { grant_type: 'client_credentials' }),
      400,
      'unsupported_grant_type',
    );
  });

  it('malformed requests: duplicate parameter, wrong content type, GET', async () => {
    expectOAuthError(
      await postForm(backendToken, 'grant_type=a&grant_type=b', auth()),
      400,
      'invalid_request',
    );
    const json = await fetch(backendToken, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    const get = await fetch(backendToken);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('google sts audience errors (wording quoted in google-github-actions/auth#60, #334)', () => {
  it('malformed audience: invalid_request; unknown provider: invalid_target', async () => {
    const sts = must(idp.authorizationServers.find((s) => s.vendor === 'google-sts'));
    const ask = (audience: string) =>
      postForm(must(sts.endpoints.token), {
        grant_type: TOKEN_EXCHANGE,
        subject_token: subjectToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        audience,
      });
    const malformed = await ask(
      'projects/123/locations/global/workloadIdentityPools/p/providers/x',
    );
    expectOAuthError(malformed, 400, 'invalid_request');
    expect(malformed.json.error_description).toMatch(/^Invalid value for "audience"/);
    const unknown = await ask(
      '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/none/providers/x',
    );
    expectOAuthError(unknown, 400, 'invalid_target');
    expect(unknown.json.error_description).toMatch(
      /^The target service indicated by the "audience"/,
    );
  });
});

describe('authorization code errors', () => {
  const clientId = '0oa1234567890abcdef';
  const redirectUri = 'http://localhost:41234/callback';
  const verifier = 'a'.repeat(43);
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  async function code(overrides: Record<string, string> = {}) {
    const server = idp.server('aus1234567890');
    const url = new URL(server.endpoints.authorize as string);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...overrides,
    }).toString();
    return fetch(url, { redirect: 'manual' });
  }

  it('unregistered redirect_uri or client: 400 without a redirect', async () => {
    for (const r of [
      await code({ redirect_uri: 'http://evil.example/cb' }),
      await code({ client_id: 'nope' }),
    ]) {
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe('invalid_request');
    }
  });

  it('plain PKCE or no PKCE: redirect with error=invalid_request and state', async () => {
    for (const r of [
      await code({ code_challenge_method: 'plain' }),
      await code({ code_challenge: '' }),
    ]) {
      expect(r.status).toBe(302);
      const location = new URL(r.headers.get('location') as string);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('s1');
    }
  });

  it('wrong code_verifier, reused code, mismatched redirect_uri: invalid_grant', async () => {
    const token = idp.server('aus1234567890').endpoints.token as string;
    const newCode = async () =>
      new URL((await code()).headers.get('location') as string).searchParams.get('code') as string;
    const redeem = (c: string, extra: Record<string, string> = {}) =>
      postForm(token, {
        grant_type: 'authorization_code',
        client_id: clientId,
        code: c,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        ...extra,
      });
    expectOAuthError(
      await redeem(await newCode(), { code_verifier: 'b'.repeat(43) }),
      400,
      'invalid_grant',
    );
    expectOAuthError(
      await redeem(await newCode(), { redirect_uri: 'http://localhost:1/callback' }),
      400,
      'invalid_grant',
    );
    const once = await newCode();
    expect((await redeem(once)).status).toBe(200);
    expectOAuthError(await redeem(once), 400, 'invalid_grant');
  });
});

describe('resource indicators (RFC 8707), where a server enables them', () => {
  it('resource selects the audience of codes and exchanged tokens; an unknown resource is invalid_target', async () => {
    const config = defaultConfig();
    const okta = must(config.tenants[0]);
    const [mcp, backend] = okta.authorizationServers;
    Object.assign(must(mcp), {
      resourceIndicators: true,
      audiences: ['mcp-server', 'http://127.0.0.1:8080/mcp'],
    });
    Object.assign(must(backend), {
      resourceIndicators: true,
      audiences: ['backend-api', 'https://backend.example.com/api'],
    });
    const rfc8707 = await startMockIdp({ config, control: true });
    try {
      const server = rfc8707.server('aus1234567890');
      const verifier = 'r'.repeat(43);
      const authorizeUrl = (resource: string) => {
        const url = new URL(must(server.endpoints.authorize));
        url.search = new URLSearchParams({
          client_id: '0oa1234567890abcdef',
          redirect_uri: 'http://127.0.0.1:5000/callback',
          response_type: 'code',
          scope: 'openid',
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
          resource,
        }).toString();
        return url;
      };
      const ok = new URL(
        must(
          (
            await fetch(authorizeUrl('http://127.0.0.1:8080/mcp'), { redirect: 'manual' })
          ).headers.get('location'),
        ),
      );
      const tokens = await postForm(must(server.endpoints.token), {
        grant_type: 'authorization_code',
        client_id: '0oa1234567890abcdef',
        code: must(ok.searchParams.get('code')),
        redirect_uri: 'http://127.0.0.1:5000/callback',
        code_verifier: verifier,
        resource: 'http://127.0.0.1:8080/mcp',
      });
      const subject = tokens.json.access_token as string;
      expect(
        JSON.parse(Buffer.from(must(subject.split('.')[1]), 'base64url').toString()),
      ).toMatchObject({ aud: 'http://127.0.0.1:8080/mcp' });
      const bad = new URL(
        must(
          (
            await fetch(authorizeUrl('https://elsewhere.example/'), { redirect: 'manual' })
          ).headers.get('location'),
        ),
      );
      expect(bad.searchParams.get('error')).toBe('invalid_target');

      const backendToken = must(rfc8707.server('aus9876543210').endpoints.token);
      const auth = { authorization: basic(EXCHANGE_ID, EXCHANGE_SECRET) };
      const base = {
        grant_type: TOKEN_EXCHANGE,
        subject_token_type: ACCESS_TOKEN_TYPE,
        scope: 'api:read',
      };
      const exchanged = await postForm(
        backendToken,
        { ...base, subject_token: subject, resource: 'https://backend.example.com/api' },
        auth,
      );
      expect(exchanged.status, exchanged.text).toBe(200);
      expect(
        JSON.parse(
          Buffer.from(
            must((exchanged.json.access_token as string).split('.')[1]),
            'base64url',
          ).toString(),
        ),
      ).toMatchObject({
        aud: 'https://backend.example.com/api',
        sub: 'alice@example.com',
      });
      expectOAuthError(
        await postForm(
          backendToken,
          { ...base, subject_token: subject, resource: 'https://elsewhere.example/' },
          auth,
        ),
        400,
        'invalid_target',
      );
    } finally {
      await rfc8707.close();
    }
  });
});
