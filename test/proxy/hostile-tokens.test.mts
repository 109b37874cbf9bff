// Hostile or misconfigured token handling: plain-HTTP IdP URLs, introspection
// answers (revocation, token_type, nbf, sub), JWTs typed for other purposes,
// unchecked issuer or audience, exchange answers that are not a Bearer access
// token, JWKS outages and unknown-kid floods, and metadata without an issuer.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SignJWT } from 'jose';
import { OAuthProtectedResourceMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import { FlagError, parseArgs } from '../../scripts/token-exchange-proxy/flags.mts';
import { startProxy, type RunningProxy } from '../../scripts/token-exchange-proxy/index.mts';
import { optionsFromArgs, type ProxyOptions } from '../../scripts/token-exchange-proxy/options.mts';
import {
  EXCHANGE_CLIENT_SECRET,
  fixtureAuth,
  MCP_AUDIENCE,
  startFixtureIdp,
  type FixtureIdp,
} from './helpers/fixture-idp.mts';
import { LogCapture } from './helpers/log-capture.mts';
import { startRecordingUpstream, type RecordingUpstream } from './helpers/upstream.mts';

let idp: FixtureIdp;
let upstream: RecordingUpstream;
const log = new LogCapture();
const secrets = new Set<string>([EXCHANGE_CLIENT_SECRET]);
const started: RunningProxy[] = [];

beforeAll(async () => {
  idp = await startFixtureIdp();
  upstream = await startRecordingUpstream();
});
afterAll(async () => {
  for (const p of started) await p.close();
  await upstream.close();
  await idp.close();
  log.expectNoSecrets(secrets);
});

function options(extra: Partial<ProxyOptions> = {}): ProxyOptions {
  return {
    name: 'tokens',
    targetUri: upstream.url,
    ...fixtureAuth(idp),
    jwksCooldownMs: 0,
    logDestination: log,
    ...extra,
  };
}

async function proxy(extra: Partial<ProxyOptions> = {}, env?: NodeJS.ProcessEnv) {
  const p = await startProxy(options(extra), env ? { env } : {});
  started.push(p);
  return p;
}

async function call(p: RunningProxy, token: string): Promise<Response> {
  secrets.add(token);
  return fetch(`${p.url}/mcp`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
}

const nowS = () => Math.floor(Date.now() / 1000);
const idpRequests = (path: string) => idp.log.filter((r) => r.path === path).length;

describe('plain-HTTP IdP URLs (refused at start-up)', () => {
  const remote = 'http://idp.example.com/oauth2/default';

  it.each([
    ['oidc-issuer', { oidc: { issuer: remote, audience: MCP_AUDIENCE } }],
    ['oidc-jwks-url', { oidc: { issuer: 'https://idp.example.com', jwksUrl: `${remote}/keys` } }],
    [
      'oidc-introspection-url',
      {
        oidc: {
          issuer: 'https://idp.example.com',
          introspectionUrl: `${remote}/introspect`,
        },
      },
    ],
    [
      'token-exchange-url',
      { tokenExchange: { tokenUrl: `${remote}/token`, audience: 'backend-api' } },
    ],
  ] as [string, Partial<ProxyOptions>][])('--%s on a non-loopback host', async (flag, extra) => {
    const err = await startProxy(options(extra)).then(
      (p) => {
        started.push(p);
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FlagError);
    expect((err as FlagError).flag).toBe(flag);
    expect((err as Error).message).toContain(`--${flag}`);
    expect((err as Error).message).toContain('--oidc-insecure-allow-http');
  });

  it('--oidc-insecure-allow-http (or INSECURE_DISABLE_URL_VALIDATION=true) opts in, with a warning', async () => {
    const extra = { oidc: { issuer: remote, audience: MCP_AUDIENCE, insecureAllowHttp: true } };
    await proxy(extra);
    expect(log.text()).toMatch(/"--oidc-issuer".*plain HTTP to idp\.example\.com/);
    await proxy(
      { oidc: { issuer: remote, audience: MCP_AUDIENCE } },
      {
        INSECURE_DISABLE_URL_VALIDATION: 'true',
      },
    );
    // The flag reaches the options from the command line.
    const fromFlags = optionsFromArgs(
      parseArgs([
        'p',
        '--target-uri',
        upstream.url,
        '--oidc-issuer',
        remote,
        '--oidc-insecure-allow-http',
      ]),
      {},
    );
    expect(fromFlags.oidc?.insecureAllowHttp).toBe(true);
  });

  it('loopback hosts are fine; --compat toolhive does not check the token URL (ToolHive does not)', async () => {
    for (const host of ['localhost', '127.0.0.2', '[::1]']) {
      await proxy({ oidc: { issuer: `http://${host}:9/x`, audience: MCP_AUDIENCE } });
    }
    await proxy({
      compat: 'toolhive',
      tokenExchange: { tokenUrl: `${remote}/token`, audience: 'backend-api' },
    });
  });
});

describe('introspection answers (RFC 7662)', () => {
  const introspecting = (extra: Partial<ProxyOptions> = {}) =>
    proxy({
      oidc: {
        issuer: idp.issuer,
        audience: MCP_AUDIENCE,
        introspectionUrl: idp.introspectionUrl,
      },
      tokenExchange: undefined,
      ...extra,
    });
  let n = 0;
  const opaque = (claims: Record<string, unknown>) => {
    const token = `opaque-${++n}-${Math.random().toString(36).slice(2)}`;
    idp.opaque.set(token, {
      active: true,
      iss: idp.issuer,
      aud: MCP_AUDIENCE,
      sub: 'alice@example.com',
      exp: nowS() + 3600,
      ...claims,
    });
    return token;
  };

  it('an answer is reused for at most the configured time, so a revoked token stops working (§4)', async () => {
    const p = await introspecting({ introspectionCacheMs: 300 });
    const token = opaque({});
    const before = idpRequests('/introspect');
    expect((await call(p, token)).status).toBe(200);
    expect((await call(p, token)).status).toBe(200);
    expect(idpRequests('/introspect') - before).toBe(1);
    (idp.opaque.get(token) as { active: boolean }).active = false; // revoked at the IdP
    await new Promise((r) => setTimeout(r, 400));
    expect((await call(p, token)).status).toBe(401);
  });

  it('the default reuse time is short (10 s), and --introspection-cache-ttl sets it', () => {
    const args = ['p', '--target-uri', upstream.url, '--oidc-issuer', idp.issuer];
    expect(optionsFromArgs(parseArgs(args), {}).introspectionCacheMs).toBe(10_000);
    expect(
      optionsFromArgs(parseArgs([...args, '--introspection-cache-ttl', '2s']), {})
        .introspectionCacheMs,
    ).toBe(2000);
  });

  it.each(['refresh_token', 'urn:ietf:params:oauth:token-type:refresh_token', 'id_token', 'DPoP'])(
    'token_type %s is refused (§2.2); Bearer and access_token are accepted',
    async (type) => {
      const p = await introspecting();
      const res = await call(p, opaque({ token_type: type }));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect((await call(p, opaque({ token_type: 'Bearer' }))).status).toBe(200);
      expect((await call(p, opaque({ token_type: 'access_token' }))).status).toBe(200);
    },
  );

  it('nbf in the future is refused (beyond the clock skew)', async () => {
    const p = await introspecting({ clockSkewSeconds: 30 });
    expect((await call(p, opaque({ nbf: nowS() + 600 }))).status).toBe(401);
    expect((await call(p, opaque({ nbf: nowS() + 10 }))).status).toBe(200);
  });

  it('an answer without sub (a machine-to-machine token) is accepted; --compat toolhive refuses it', async () => {
    const p = await introspecting();
    expect((await call(p, opaque({ sub: undefined, client_id: 'batch-job' }))).status).toBe(200);
    const compat = await introspecting({ compat: 'toolhive', clockSkewSeconds: 0 });
    expect((await call(compat, opaque({ sub: undefined }))).status).toBe(401);
  });
});

describe('JWTs typed for other purposes (RFC 8725 §2.8, §3.11)', () => {
  const typed = (typ: string | undefined) => {
    const jwt = new SignJWT({ sub: 'alice@example.com' })
      .setProtectedHeader(
        typ === undefined ? { alg: 'RS256', kid: 'rsa-1' } : { alg: 'RS256', kid: 'rsa-1', typ },
      )
      .setIssuer(idp.issuer)
      .setAudience(MCP_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h');
    return jwt.sign(idp.keys.rsaPrivate);
  };

  it.each([
    'secevent+jwt',
    'logout+jwt',
    'dpop+jwt',
    'application/logout+jwt',
    'id_token+jwt',
    'JWE',
  ])('typ %s is refused as an access token', async (typ) => {
    const p = await proxy({ tokenExchange: undefined });
    const res = await call(p, await typed(typ));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('not an access token');
  });

  it.each([undefined, 'JWT', 'at+jwt', 'application/at+jwt', 'AT+JWT'])(
    'typ %s is accepted',
    async (typ) => {
      const p = await proxy({ tokenExchange: undefined });
      expect((await call(p, await typed(typ))).status).toBe(200);
    },
  );

  it('--compat toolhive does not look at typ, as ToolHive does not', async () => {
    const p = await proxy({ tokenExchange: undefined, compat: 'toolhive', clockSkewSeconds: 0 });
    expect((await call(p, await typed('logout+jwt'))).status).toBe(200);
  });

  it('no issuer or no audience to check is a loud warning at start-up (RFC 8725 §3.8–3.9)', async () => {
    const lines = new LogCapture();
    const p = await startProxy({
      ...options({ oidc: { jwksUrl: idp.jwksUrl }, tokenExchange: undefined }),
      logDestination: lines,
    });
    started.push(p);
    const warnings = lines.lines
      .map((l) => JSON.parse(l) as { level: number; flag?: string; msg: string })
      .filter((l) => l.level === 40);
    expect(warnings.map((w) => w.flag)).toEqual(
      expect.arrayContaining(['--oidc-issuer', '--oidc-audience']),
    );
    expect(warnings.find((w) => w.flag === '--oidc-audience')?.msg).toContain('NOT checked');
  });
});

describe('the token-exchange answer (RFC 8693 §2.2.1, RFC 6749 §7.1, RFC 6750 §2.1)', () => {
  const answer = (body: Record<string, unknown>) => {
    idp.faults.set('/token', {
      kind: 'status',
      status: 200,
      body: JSON.stringify({
        access_token: 'issued.access.token',
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: 300,
        ...body,
      }),
    });
  };

  it.each([
    [
      'issued_token_type refresh_token',
      { issued_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' },
    ],
    [
      'issued_token_type id_token',
      { issued_token_type: 'urn:ietf:params:oauth:token-type:id_token' },
    ],
    ['issued_token_type saml2', { issued_token_type: 'urn:ietf:params:oauth:token-type:saml2' }],
    ['token_type N_A', { token_type: 'N_A' }],
    ['token_type DPoP', { token_type: 'DPoP' }],
    ['token_type mac', { token_type: 'mac' }],
    ['a token with a line break', { access_token: 'abc\r\nX-Injected: 1' }],
    ['a token with a space', { access_token: 'abc def' }],
    ['a token with a non-ASCII character', { access_token: 'abc\u00e9' }],
  ])('%s: 502, nothing reaches the upstream', async (_label, body) => {
    const p = await proxy();
    answer(body);
    try {
      const before = upstream.requests.length;
      const res = await call(p, await idp.mint());
      expect(res.status).toBe(502);
      expect(upstream.requests.length).toBe(before);
    } finally {
      idp.faults.delete('/token');
    }
  });

  it('token_type in any letter case and issued_token_type jwt are accepted', async () => {
    const p = await proxy();
    answer({ token_type: 'bearer', issued_token_type: 'urn:ietf:params:oauth:token-type:jwt' });
    try {
      expect((await call(p, await idp.mint())).status).toBe(200);
      expect(upstream.requests.at(-1)?.headers.authorization).toBe('Bearer issued.access.token');
    } finally {
      idp.faults.delete('/token');
    }
  });

  it('--compat toolhive accepts N_A (as ToolHive does) but never puts a malformed token in a header', async () => {
    const p = await proxy({ compat: 'toolhive', clockSkewSeconds: 0 });
    try {
      answer({ token_type: 'N_A' });
      expect((await call(p, await idp.mint())).status).toBe(200);
      answer({ access_token: 'abc\r\nX-Injected: 1' });
      const before = upstream.requests.length;
      const res = await call(p, await idp.mint());
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('Token exchange failed\n');
      expect(upstream.requests.length).toBe(before);
    } finally {
      idp.faults.delete('/token');
    }
  });
});

describe('JWKS outages and unknown-kid floods', () => {
  const withKid = (kid: string) =>
    new SignJWT({ sub: 'alice@example.com' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(idp.issuer)
      .setAudience(MCP_AUDIENCE)
      .setExpirationTime('1h')
      .sign(idp.keys.rsaPrivate);

  it('a failed refresh keeps the keys in hand and backs off; the outage costs the IdP a few requests', async () => {
    // The proxy's clock (Date.now) runs 11 minutes ahead: its key set (10 min) is stale.
    const realNow = Date.now.bind(Date);
    let aheadMs = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + aheadMs);
    try {
      const p = await proxy({ tokenExchange: undefined });
      expect((await call(p, await idp.mint())).status).toBe(200);
      idp.faults.set('/jwks', { kind: 'status', status: 500, body: 'down' });
      aheadMs = 11 * 60_000;
      const before = idpRequests('/jwks');
      for (let i = 0; i < 40; i++) {
        // A new token each time: no verified-claims cache hit, the keys are needed.
        expect((await call(p, await idp.mint({ jti: `outage-${i}` }))).status).toBe(200);
      }
      // One background refresh, then back-off (1 s): not one fetch per request.
      expect(idpRequests('/jwks') - before).toBeLessThanOrEqual(2);
      // The IdP is back and has a new key; once the back-off is over a refresh finds it.
      idp.faults.delete('/jwks');
      idp.keys.publishSecondary = true;
      aheadMs += 2000;
      const rotated = await call(p, await idp.mint({ jti: 'after' }, { key: 'secondary' }));
      expect(rotated.status).toBe(200);
    } finally {
      clock.mockRestore();
      idp.faults.delete('/jwks');
      idp.keys.publishSecondary = false;
    }
  });

  it('an unknown-kid flood during an outage costs the IdP a bounded number of requests', async () => {
    const p = await proxy({ tokenExchange: undefined });
    expect((await call(p, await idp.mint())).status).toBe(200);
    idp.faults.set('/jwks', { kind: 'status', status: 503, body: 'down' });
    try {
      const before = idpRequests('/jwks');
      const statuses = new Set<number>();
      for (let i = 0; i < 50; i++)
        statuses.add((await call(p, await withKid(`flood-${i}`))).status);
      expect(idpRequests('/jwks') - before).toBeLessThanOrEqual(2);
      // The IdP is failing: a 5xx, never a 200.
      expect([...statuses].every((s) => s >= 500 || s === 401)).toBe(true);
    } finally {
      idp.faults.delete('/jwks');
    }
  });

  it('with the default cool-down, an unknown-kid flood costs at most one refetch', async () => {
    const p = await proxy({ tokenExchange: undefined, jwksCooldownMs: 30_000 });
    expect((await call(p, await idp.mint())).status).toBe(200);
    const before = idpRequests('/jwks');
    const statuses = await Promise.all(
      Array.from(
        { length: 100 },
        async (_, i) => (await call(p, await withKid(`junk-${i}`))).status,
      ),
    );
    expect(statuses.every((s) => s === 401)).toBe(true);
    expect(idpRequests('/jwks') - before).toBeLessThanOrEqual(1);
  });

  it('no key set yet and the JWKS down: 5xx, and retries wait for the back-off', async () => {
    idp.faults.set('/jwks', { kind: 'status', status: 500, body: 'down' });
    try {
      const p = await proxy({ tokenExchange: undefined });
      const before = idpRequests('/jwks');
      for (let i = 0; i < 20; i++) {
        const res = await call(p, await idp.mint({ jti: `cold-${i}` }));
        expect(res.status).toBeGreaterThanOrEqual(500);
        expect(res.headers.get('retry-after')).not.toBeNull();
      }
      expect(idpRequests('/jwks') - before).toBeLessThanOrEqual(2);
    } finally {
      idp.faults.delete('/jwks');
    }
  });
});

describe('protected-resource metadata without an issuer (RFC 9728)', () => {
  it('--oidc-jwks-url and --resource-url without --oidc-issuer are refused at start-up, also in compat', async () => {
    for (const compat of [undefined, 'toolhive' as const]) {
      const err = await startProxy(
        options({
          oidc: { jwksUrl: idp.jwksUrl, audience: MCP_AUDIENCE },
          resourceUrl: 'https://mcp.example.com/mcp',
          compat,
        }),
      ).then(
        (p) => {
          started.push(p);
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(FlagError);
      expect((err as Error).message).toContain('--oidc-issuer');
    }
  });

  it('with an issuer, the document passes the MCP SDK schema and names it', async () => {
    const p = await proxy({ resourceUrl: 'https://mcp.example.com/mcp' });
    const doc: unknown = await (
      await fetch(`${p.url}/.well-known/oauth-protected-resource/mcp`)
    ).json();
    const parsed = OAuthProtectedResourceMetadataSchema.parse(doc);
    expect(parsed.authorization_servers).toEqual([idp.issuer]);
  });
});
