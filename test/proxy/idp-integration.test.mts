// The proxy against the project's mock IdP (scripts/mock-idp): the exact
// exchange request, IdP faults told apart from bad credentials, single-flight
// proven by the IdP's request log, many users interleaved, and the
// --compat toolhive answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../scripts/mock-idp/index.mts';
import type { MockIdpControl } from '../../scripts/mock-idp/control-client.mts';
import { startProxy, type RunningProxy } from '../../scripts/token-exchange-proxy/index.mts';
import type { ProxyOptions } from '../../scripts/token-exchange-proxy/options.mts';
import { LogCapture } from './helpers/log-capture.mts';
import { startRecordingUpstream, type RecordingUpstream } from './helpers/upstream.mts';
import { decodeJwt } from 'jose';

const CLIENT_ID = '0oa0987654321fedcba';
const CLIENT_SECRET = 'mock-only-exchange-secret';

let idp: MockIdp;
let control: MockIdpControl;
let upstream: RecordingUpstream;
let mcpIssuer: string;
let tokenUrl: string;
const proxies: RunningProxy[] = [];
const log = new LogCapture();
const secrets = new Set<string>([CLIENT_SECRET]);

beforeAll(async () => {
  idp = await startMockIdp({ control: true });
  if (!idp.control) throw new Error('mock IdP control plane is off');
  control = idp.control;
  upstream = await startRecordingUpstream();
  mcpIssuer = idp.server('aus1234567890').issuer;
  const backend = idp.server('aus9876543210');
  tokenUrl = backend.endpoints.token as string;
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await upstream.close();
  await idp.close();
  log.expectNoSecrets(secrets);
});

async function proxy(extra: Partial<ProxyOptions> = {}): Promise<RunningProxy> {
  const p = await startProxy({
    name: 'idp-integration',
    targetUri: upstream.url,
    oidc: { issuer: mcpIssuer, audience: 'mcp-server' },
    resourceUrl: 'http://127.0.0.1:8080/mcp',
    tokenExchange: {
      tokenUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      audience: 'backend-api',
      scopes: ['api:read', 'api:write'],
    },
    idpTimeoutMs: 1000,
    logDestination: log,
    ...extra,
  });
  proxies.push(p);
  return p;
}

async function userToken(user = 'alice@example.com'): Promise<string> {
  const who = user === 'alice@example.com' ? { user } : { subject: user };
  const t = await control.mintToken({
    issuer: mcpIssuer,
    ...who,
    audience: 'mcp-server',
    scopes: ['openid', 'mcp:tools:call'],
  });
  secrets.add(t.access_token);
  return t.access_token;
}

const call = (p: RunningProxy, token: string, headers: Record<string, string> = {}) =>
  fetch(`${p.url}/mcp`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
  });

const exchangesSince = async (seq: number) =>
  (await control.requests({ endpoint: 'token', since: seq })).filter(
    (r) => r.grantType === 'urn:ietf:params:oauth:grant-type:token-exchange',
  );
const lastSeq = async () => (await control.requests()).at(-1)?.seq ?? 0;

describe('the exchange request, as ToolHive sends it', () => {
  it('form fields, space-joined scope, requested_token_type, client_secret_basic; the upstream gets the exchanged token', async () => {
    const p = await proxy();
    const token = await userToken();
    const since = await lastSeq();
    const res = await call(p, token);
    expect(res.status).toBe(200);
    const [ex] = await exchangesSince(since);
    expect(ex?.clientAuthMethod).toBe('client_secret_basic');
    expect(ex?.clientId).toBe(CLIENT_ID);
    expect(ex?.params).toMatchObject({
      audience: 'backend-api',
      scope: 'api:read api:write',
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    });
    expect(ex?.status).toBe(200);
    const sent = upstream.requests.at(-1)?.headers.authorization as string;
    const claims = decodeJwt(sent.slice(7));
    expect(claims.aud).toContain('backend-api');
    expect(claims.sub).toBe('alice@example.com');
    expect(sent).not.toContain(token);
  });
});

describe('cache and single-flight', () => {
  it('100 concurrent first requests with one token cause one exchange (IdP request log)', async () => {
    const p = await proxy();
    const token = await userToken();
    const fault = await control.addFault({ endpoint: 'token', kind: 'delay', delayMs: 100 });
    const since = await lastSeq();
    const answers = await Promise.all(Array.from({ length: 100 }, () => call(p, token)));
    await control.removeFault(fault.id);
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(await exchangesSince(since)).toHaveLength(1);
  });

  it('many users interleaved: each upstream request carries its own user’s exchanged token; one exchange per user', async () => {
    const p = await proxy();
    const users = Array.from({ length: 12 }, (_, i) => `user${i}@example.com`);
    const tokens = await Promise.all(users.map((u) => userToken(u)));
    const subs = tokens.map((t) => decodeJwt(t).sub as string);
    const since = await lastSeq();
    const before = upstream.requests.length;
    const order = Array.from({ length: 5 }, () => tokens.map((_, i) => i)).flat();
    await Promise.all(order.map((i) => call(p, tokens[i] as string, { 'x-test-user': String(i) })));
    const got = upstream.requests.slice(before);
    expect(got).toHaveLength(order.length);
    for (const r of got) {
      const i = Number(r.headers['x-test-user']);
      const claims = decodeJwt((r.headers.authorization as string).slice(7));
      expect(claims.sub).toBe(subs[i]);
      expect(claims.aud).toContain('backend-api');
    }
    expect(await exchangesSince(since)).toHaveLength(new Set(tokens).size);
  });

  it('--compat toolhive exchanges once per request', async () => {
    const p = await proxy({ compat: 'toolhive', clockSkewSeconds: 0 });
    const token = await userToken();
    const since = await lastSeq();
    for (let i = 0; i < 5; i++) expect((await call(p, token)).status).toBe(200);
    expect(await exchangesSince(since)).toHaveLength(5);
  });
});

type FaultCase = {
  name: string;
  spec: Parameters<MockIdpControl['addFault']>[0];
  status: number;
  retryAfter?: boolean;
  challenge?: boolean;
};

const faults: FaultCase[] = [
  {
    name: 'token endpoint 503',
    spec: { endpoint: 'token', kind: 'status', status: 503 },
    status: 503,
    retryAfter: true,
  },
  {
    name: 'token endpoint 500',
    spec: { endpoint: 'token', kind: 'status', status: 500 },
    status: 502,
  },
  {
    name: 'token endpoint 429',
    spec: { endpoint: 'token', kind: 'status', status: 429 },
    status: 503,
    retryAfter: true,
  },
  {
    name: 'token endpoint resets the connection',
    spec: { endpoint: 'token', kind: 'reset' },
    status: 503,
    retryAfter: true,
  },
  {
    name: 'token endpoint answers HTML',
    spec: { endpoint: 'token', kind: 'non-json' },
    status: 502,
  },
  {
    name: 'no issued_token_type in the answer',
    spec: { endpoint: 'token', kind: 'missing-issued-token-type' },
    status: 502,
  },
  {
    name: 'token endpoint slower than the timeout',
    spec: { endpoint: 'token', kind: 'delay', delayMs: 3000 },
    status: 504,
  },
];

describe('IdP fault matrix: failures of the IdP are 5xx, never a login challenge', () => {
  it.each(faults.map((f) => [f.name, f] as const))('%s', async (_n, f) => {
    const p = await proxy();
    const compat = await proxy({ compat: 'toolhive', clockSkewSeconds: 0 });
    const token = await userToken();
    // Warm the JWKS of both proxies first, so only the exchange meets the fault.
    await call(p, await userToken('bob@example.com'));
    await call(compat, await userToken('bob@example.com'));
    const fault = await control.addFault(f.spec);
    const before = upstream.requests.length;
    try {
      const res = await call(p, token);
      expect(res.status).toBe(f.status);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(res.headers.get('content-type')).toBe('application/json');
      if (f.retryAfter) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      // ToolHive: 401, text body, no challenge — whatever went wrong.
      const old = await call(compat, token);
      expect(old.status).toBe(401);
      expect(old.headers.get('www-authenticate')).toBeNull();
      expect(old.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await old.text()).toBe('Token exchange failed\n');
      expect(upstream.requests.length).toBe(before);
    } finally {
      await control.removeFault(fault.id);
    }
  });

  it('the IdP refusing the subject token (invalid_grant) is a 401 challenge; compat: 401 text', async () => {
    // Without OIDC the proxy exchanges whatever bearer token arrives (as ToolHive does),
    // so the IdP is the one to refuse it.
    const noOidc = { oidc: undefined, resourceUrl: undefined };
    const p = await proxy(noOidc);
    const compat = await proxy({ ...noOidc, compat: 'toolhive' });
    const bogus = 'not-a-token-the-idp-issued-0123456789';
    secrets.add(bogus);
    const res = await call(p, bogus);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const old = await call(compat, bogus);
    expect(old.status).toBe(401);
    expect(old.headers.get('www-authenticate')).toBeNull();
    expect(await old.text()).toBe('Token exchange failed\n');
  });

  it('a scope the exchange client may not have (a configuration error) is a 502, not a challenge', async () => {
    const p = await proxy({
      tokenExchange: {
        tokenUrl,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        audience: 'backend-api',
        scopes: ['admin:everything'],
      },
    });
    const res = await call(p, await userToken());
    expect(res.status).toBe(502);
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('a wrong client secret (invalid_client) is a 502 naming the IdP answer, not a 401', async () => {
    const p = await proxy({
      tokenExchange: {
        tokenUrl,
        clientId: CLIENT_ID,
        clientSecret: 'wrong-secret-value',
        audience: 'backend-api',
        scopes: ['api:read'],
      },
    });
    secrets.add('wrong-secret-value');
    const res = await call(p, await userToken());
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error_description: string }).error_description).toContain(
      'invalid_client',
    );
  });

  it('JWKS unavailable on the first request: 503/502 with Retry-After by default, 401 invalid_token under compat', async () => {
    const fault = await control.addFault({ endpoint: 'jwks', kind: 'status', status: 503 });
    try {
      const p = await proxy();
      const compat = await proxy({ compat: 'toolhive', clockSkewSeconds: 0 });
      const token = await userToken();
      const res = await call(p, token);
      expect([502, 503]).toContain(res.status);
      expect(res.headers.get('retry-after')).not.toBeNull();
      const old = await call(compat, token);
      expect(old.status).toBe(401);
      expect(old.headers.get('www-authenticate')).toContain('error="invalid_token"');
    } finally {
      await control.removeFault(fault.id);
    }
  });

  it('the token endpoint unreachable (closed port) is 503 with Retry-After', async () => {
    const p = await proxy({
      tokenExchange: {
        tokenUrl: 'http://127.0.0.1:1/token',
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        audience: 'backend-api',
      },
    });
    const res = await call(p, await userToken());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });
});
