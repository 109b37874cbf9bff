// The control plane: every fault kind, key rotation, minting, and the request
// log (which must never hold a secret or a raw token).
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp, type MockIdpControl } from '../../scripts/mock-idp/index.mts';
import {
  ACCESS_TOKEN_TYPE,
  basic,
  EXCHANGE_ID,
  EXCHANGE_SECRET,
  must,
  oktaExchangeForm,
  postForm,
  TOKEN_EXCHANGE,
} from './helpers.mts';

let idp: MockIdp;
let control: MockIdpControl;
let backendIssuer: string;
let backendToken: string;
let mcpIssuer: string;

beforeAll(async () => {
  idp = await startMockIdp({ control: true });
  control = must(idp.control, 'control client');
  backendIssuer = idp.server('aus9876543210').issuer;
  backendToken = must(idp.server('aus9876543210').endpoints.token);
  mcpIssuer = idp.server('aus1234567890').issuer;
});
afterAll(async () => {
  await idp?.close();
});
afterEach(async () => {
  await control.reset();
});

async function exchange(subject?: string) {
  const subjectToken = subject ?? (await control.mintToken({ issuer: mcpIssuer })).access_token;
  return postForm(backendToken, oktaExchangeForm(subjectToken), {
    authorization: basic(EXCHANGE_ID, EXCHANGE_SECRET),
  });
}

describe('faults', () => {
  it('delay: the answer still comes, and the log says it was delayed', async () => {
    await control.addFault({ endpoint: 'token', kind: 'delay', delayMs: 20 });
    expect((await exchange()).status).toBe(200);
    const [entry] = await control.requests({ endpoint: 'token' });
    expect(entry?.faults).toEqual(['delay']);
  });

  it('status: 5xx with a JSON error body; default 503 temporarily_unavailable', async () => {
    await control.addFault({ endpoint: 'token', kind: 'status', status: 500, times: 1 });
    await control.addFault({ endpoint: 'token', kind: 'status', times: 1 });
    const first = await exchange();
    expect(first.status).toBe(500);
    expect(first.json.error).toBe('server_error');
    const second = await exchange();
    expect(second.status).toBe(503);
    expect(second.json.error).toBe('temporarily_unavailable');
    // `times` used up: back to normal.
    expect((await exchange()).status).toBe(200);
  });

  it('reset: the connection is closed without an answer', async () => {
    await control.addFault({ endpoint: 'token', kind: 'reset' });
    await expect(exchange()).rejects.toThrow(/fetch failed/);
  });

  it('non-json: 200 with an HTML body', async () => {
    await control.addFault({ endpoint: 'token', kind: 'non-json' });
    const r = await exchange();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(() => JSON.parse(r.text) as unknown).toThrow();
  });

  it('missing-issued-token-type and wrong-token-type change the exchange response', async () => {
    await control.addFault({ endpoint: 'token', kind: 'missing-issued-token-type', times: 1 });
    const missing = await exchange();
    expect(missing.status).toBe(200);
    expect(missing.json).not.toHaveProperty('issued_token_type');
    expect(missing.json.access_token).toBeTypeOf('string');
    await control.addFault({ endpoint: 'token', kind: 'wrong-token-type', times: 1 });
    const wrong = await exchange();
    expect(wrong.json.token_type).toBe('N_A');
    expect(wrong.json.issued_token_type).toBe(ACCESS_TOKEN_TYPE);
  });

  it('expired-token and unknown-key: the issued token fails verification against the JWKS', async () => {
    const jwks = createRemoteJWKSet(new URL(must(idp.server('aus9876543210').endpoints.jwks)));
    await control.addFault({ endpoint: 'token', kind: 'expired-token', times: 1 });
    const expired = must((await exchange()).json.access_token as string);
    await expect(jwtVerify(expired, jwks, { issuer: backendIssuer })).rejects.toBeInstanceOf(
      errors.JWTExpired,
    );
    await control.addFault({ endpoint: 'token', kind: 'unknown-key', times: 1 });
    const stray = must((await exchange()).json.access_token as string);
    await expect(jwtVerify(stray, jwks, { issuer: backendIssuer })).rejects.toBeInstanceOf(
      errors.JWKSNoMatchingKey,
    );
    // without faults the token verifies
    await jwtVerify(must((await exchange()).json.access_token as string), jwks, {
      issuer: backendIssuer,
    });
  });

  it('faults apply per endpoint and per issuer', async () => {
    await control.addFault({
      endpoint: 'jwks',
      kind: 'status',
      status: 502,
      issuer: backendIssuer,
    });
    expect((await fetch(must(idp.server('aus9876543210').endpoints.jwks))).status).toBe(502);
    expect((await fetch(must(idp.server('aus1234567890').endpoints.jwks))).status).toBe(200);
    expect((await exchange()).status).toBe(200);
    const [fault] = await control.faults();
    expect(fault?.hits).toBe(1);
    await control.removeFault(must(fault).id);
    expect((await fetch(must(idp.server('aus9876543210').endpoints.jwks))).status).toBe(200);
  });

  it('rejects an unknown fault kind or endpoint with the allowed values', async () => {
    await expect(control.addFault({ endpoint: 'token', kind: 'explode' as never })).rejects.toThrow(
      /kind must be one of delay, status/,
    );
    await expect(control.addFault({ endpoint: 'nope' as never, kind: 'reset' })).rejects.toThrow(
      /endpoint must be one of/,
    );
  });
});

describe('keys', () => {
  it('rotation publishes the new key first, keeps the old one, and signs with the new one', async () => {
    const jwksUrl = must(idp.server('aus9876543210').endpoints.jwks);
    const before = (await (await fetch(jwksUrl)).json()) as { keys: { kid: string }[] };
    const oldToken = must((await exchange()).json.access_token as string);
    const [rotated] = await control.rotateKeys({ issuer: backendIssuer });
    const after = (await (await fetch(jwksUrl)).json()) as { keys: { kid: string }[] };
    expect(after.keys.map((k) => k.kid)).toEqual([rotated?.kid, before.keys[0]?.kid]);
    const newToken = must((await exchange()).json.access_token as string);
    expect(decodeProtectedHeader(newToken).kid).toBe(rotated?.kid);
    const jwks = createRemoteJWKSet(new URL(jwksUrl));
    await jwtVerify(oldToken, jwks, { issuer: backendIssuer });
    await control.rotateKeys({ issuer: backendIssuer, keepPrevious: false });
    const dropped = (await (await fetch(jwksUrl)).json()) as { keys: { kid: string }[] };
    expect(dropped.keys).toHaveLength(1);
    // a subject token signed with a retired key is refused
    const minted = await control.mintToken({ issuer: mcpIssuer });
    await control.rotateKeys({ issuer: mcpIssuer, keepPrevious: false });
    const refused = await exchange(minted.access_token);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('invalid_grant');
  });

  it('uses ES256 when configured', async () => {
    const { defaultConfig } = await import('../../scripts/mock-idp/index.mts');
    const config = defaultConfig();
    must(must(config.tenants[0]).authorizationServers[0]).signingAlg = 'ES256';
    const es = await startMockIdp({ config, control: true });
    try {
      const server = es.server('aus1234567890');
      const jwks = (await (await fetch(must(server.endpoints.jwks))).json()) as {
        keys: { kty: string; alg: string }[];
      };
      expect(jwks.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256' });
      const token = (await must(es.control).mintToken({ issuer: server.issuer })).access_token;
      expect(decodeProtectedHeader(token).alg).toBe('ES256');
    } finally {
      await es.close();
    }
  });
});

describe('request log', () => {
  it('records parameters, client and outcome of token requests', async () => {
    await exchange();
    await postForm(
      backendToken,
      { grant_type: 'client_credentials' },
      { authorization: basic(EXCHANGE_ID, 'wrong-secret') },
    );
    const [ok, failed] = await control.requests({ issuer: backendIssuer });
    expect(ok).toMatchObject({
      endpoint: 'token',
      grantType: TOKEN_EXCHANGE,
      clientId: EXCHANGE_ID,
      clientAuthMethod: 'client_secret_basic',
      status: 200,
      params: { audience: 'backend-api', scope: 'api:read', subject_token_type: ACCESS_TOKEN_TYPE },
      subjectClaims: { aud: 'mcp-server', sub: 'alice@example.com' },
      issuedClaims: { aud: 'backend-api', sub: 'alice@example.com', scp: ['api:read'] },
    });
    expect(ok?.params.subject_token).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(failed).toMatchObject({ status: 401, error: 'invalid_client', clientId: EXCHANGE_ID });
  });

  it('never contains a client secret, a token, a code or a verifier', async () => {
    const secrets: string[] = [EXCHANGE_SECRET, 'wrong-secret-xyz'];
    const subject = (await control.mintToken({ issuer: mcpIssuer })).access_token;
    secrets.push(subject);
    const viaPost = await postForm(backendToken, {
      grant_type: TOKEN_EXCHANGE,
      subject_token: subject,
      subject_token_type: ACCESS_TOKEN_TYPE,
      client_id: EXCHANGE_ID,
      client_secret: EXCHANGE_SECRET,
    });
    secrets.push(viaPost.json.access_token as string);
    await postForm(backendToken, {
      grant_type: 'client_credentials',
      client_id: EXCHANGE_ID,
      client_secret: 'wrong-secret-xyz',
    });

    // a login with code, verifier and refresh token
    const mcp = idp.server('aus1234567890');
    const verifier = 'v'.repeat(50);
    const url = new URL(must(mcp.endpoints.authorize));
    url.search = new URLSearchParams({
      client_id: '0oa1234567890abcdef',
      redirect_uri: 'http://127.0.0.1:9/callback',
      response_type: 'code',
      scope: 'openid offline_access',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const code = must(
      new URL(
        must((await fetch(url, { redirect: 'manual' })).headers.get('location')),
      ).searchParams.get('code'),
    );
    const tokens = await postForm(must(mcp.endpoints.token), {
      grant_type: 'authorization_code',
      client_id: '0oa1234567890abcdef',
      code,
      code_verifier: verifier,
      redirect_uri: 'http://127.0.0.1:9/callback',
    });
    expect(tokens.status).toBe(200);
    secrets.push(
      code,
      verifier,
      ...['access_token', 'id_token', 'refresh_token'].map((k) => tokens.json[k] as string),
    );
    const refreshed = await postForm(must(mcp.endpoints.token), {
      grant_type: 'refresh_token',
      client_id: '0oa1234567890abcdef',
      refresh_token: tokens.json.refresh_token as string,
    });
    secrets.push(refreshed.json.access_token as string);
    await postForm(must(mcp.endpoints.introspect), {
      token: tokens.json.access_token as string,
      client_id: '0oa1234567890abcdef',
    });

    const log = JSON.stringify(await control.requests());
    expect(log).toContain('"endpoint":"authorize"');
    expect(log).toContain('"grantType":"refresh_token"');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      expect(log).not.toContain(secret);
      // nor a recognisable part of it (a JWT's signature)
      expect(log).not.toContain(secret.split('.').at(-1));
    }
  });
});

describe('control plane switch', () => {
  it('is off unless enabled', async () => {
    const off = await startMockIdp();
    try {
      const r = await fetch(`${off.url}/__mock/requests`);
      expect(r.status).toBe(404);
      expect(await r.text()).toMatch(/--control/);
      expect(off.control).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});
