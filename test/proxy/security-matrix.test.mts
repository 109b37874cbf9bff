// Bad credentials: each is refused with 401 and an RFC 6750 challenge, no
// exchange is attempted, and the upstream sees nothing.
import { createPublicKey, KeyObject, sign as cryptoSign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { startProxy, type RunningProxy } from '../../scripts/token-exchange-proxy/index.mts';
import {
  BACKEND_AUDIENCE,
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
let proxy: RunningProxy;
let compatProxy: RunningProxy;
const log = new LogCapture();
const secrets = new Set<string>([EXCHANGE_CLIENT_SECRET]);
const RESOURCE = 'https://mcp.example.com/mcp';

const b64url = (v: unknown) =>
  Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const nowS = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  idp = await startFixtureIdp();
  upstream = await startRecordingUpstream();
  const common = {
    name: 'matrix',
    targetUri: upstream.url,
    ...fixtureAuth(idp, {
      oidc: { scopes: ['openid', 'mcp:tools:call'] },
      exchange: { scopes: ['api:read'] },
    }),
    resourceUrl: RESOURCE,
    clockSkewSeconds: 30,
    jwksCooldownMs: 0,
    logDestination: log,
  };
  proxy = await startProxy(common);
  compatProxy = await startProxy({ ...common, compat: 'toolhive', clockSkewSeconds: 0 });
});
afterAll(async () => {
  await proxy.close();
  await compatProxy.close();
  await upstream.close();
  await idp.close();
  log.expectNoSecrets(secrets);
});

type Case = {
  name: string;
  authorization: () => Promise<string | undefined> | string | undefined;
  code?: 'invalid_request' | 'invalid_token';
  compat?: boolean;
  status?: number;
};

const sign = (claims: JWTPayload, header: Record<string, unknown> = {}) =>
  new SignJWT({ sub: 'alice@example.com', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1', ...header })
    .setIssuer(idp.issuer)
    .setAudience(MCP_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h');

const cases: Case[] = [
  { name: 'no Authorization header', authorization: () => undefined },
  {
    name: 'Basic credentials',
    authorization: () => 'Basic YWxpY2U6c2VjcmV0',
    code: 'invalid_request',
  },
  { name: 'scheme without token', authorization: () => 'Bearer', code: 'invalid_request' },
  { name: 'empty token', authorization: () => 'Bearer ', code: 'invalid_request' },
  {
    name: 'only spaces after the scheme',
    authorization: () => 'Bearer    ',
    code: 'invalid_request',
  },
  {
    name: 'token with a space inside',
    authorization: () => 'Bearer abc def',
    code: 'invalid_request',
  },
  {
    name: 'token with a control character',
    authorization: () => 'Bearer abc\tdef',
    code: 'invalid_request',
  },
  {
    name: 'lower-case scheme under --compat toolhive (case-sensitive there)',
    compat: true,
    authorization: () => idp.mint().then((t) => `bearer ${t}`),
    code: 'invalid_request',
  },
  {
    name: 'opaque token and no introspection',
    authorization: () => 'Bearer opaque-token-123',
    code: 'invalid_token',
  },
  { name: 'two-part token', authorization: () => 'Bearer abc.def', code: 'invalid_token' },
  {
    name: 'JWE-shaped five-part token',
    authorization: () => 'Bearer a.b.c.d.e',
    code: 'invalid_token',
  },
  {
    name: 'alg none',
    authorization: () =>
      `Bearer ${b64url({ alg: 'none', kid: 'rsa-1' })}.${b64url({ sub: 'alice@example.com', iss: idp.issuer, aud: MCP_AUDIENCE, exp: nowS() + 600 })}.`,
    code: 'invalid_token',
  },
  {
    name: 'HS256 signed with the public key (key confusion)',
    authorization: async () => {
      const pem = await exportSPKI(
        createPublicKey({ key: idp.keys.rsaPublicJwk as never, format: 'jwk' }) as never,
      );
      const t = await sign({}, { alg: 'HS256' }).sign(new TextEncoder().encode(pem));
      return `Bearer ${t}`;
    },
    code: 'invalid_token',
  },
  {
    name: 'PS256 (RSA-PSS is refused, as ToolHive does)',
    authorization: async () => {
      const { privateKey } = await generateKeyPair('PS256');
      return `Bearer ${await sign({}, { alg: 'PS256' }).sign(privateKey)}`;
    },
    code: 'invalid_token',
  },
  {
    name: 'EdDSA',
    authorization: async () => {
      const { privateKey } = await generateKeyPair('EdDSA');
      return `Bearer ${await sign({}, { alg: 'EdDSA' }).sign(privateKey)}`;
    },
    code: 'invalid_token',
  },
  {
    name: 'unknown kid',
    authorization: async () => `Bearer ${await idp.mint({}, { kid: 'nope' })}`,
    code: 'invalid_token',
  },
  {
    name: 'no kid',
    authorization: async () =>
      `Bearer ${await sign({}, { kid: undefined }).sign(idp.keys.rsaPrivate)}`,
    code: 'invalid_token',
  },
  {
    name: 'kid of the EC key on an RS256 token',
    authorization: async () =>
      `Bearer ${await sign({}, { kid: 'ec-1' }).sign(idp.keys.rsaPrivate)}`,
    code: 'invalid_token',
  },
  {
    name: 'signed by a key the IdP never published, with a known kid',
    authorization: async () => `Bearer ${await sign({}).sign(idp.keys.secondaryPrivate)}`,
    code: 'invalid_token',
  },
  {
    name: 'tampered payload (sub changed)',
    authorization: async () => {
      const [h, , s] = (await idp.mint()).split('.');
      return `Bearer ${h}.${b64url({ sub: 'mallory@example.com', iss: idp.issuer, aud: MCP_AUDIENCE, exp: nowS() + 600 })}.${s}`;
    },
    code: 'invalid_token',
  },
  {
    name: 'tampered signature',
    authorization: async () => {
      const t = await idp.mint();
      const last = t.at(-2) === 'A' ? 'B' : 'A';
      return `Bearer ${t.slice(0, -2)}${last}${t.at(-1)}`;
    },
    code: 'invalid_token',
  },
  {
    name: 'expired (beyond the skew)',
    authorization: async () => `Bearer ${await idp.mint({ exp: nowS() - 120 })}`,
    code: 'invalid_token',
  },
  {
    name: 'expired by 1 s under --compat toolhive (no skew)',
    compat: true,
    authorization: async () => `Bearer ${await idp.mint({ exp: nowS() - 1 })}`,
    code: 'invalid_token',
  },
  {
    name: 'nbf in the future',
    authorization: async () => `Bearer ${await idp.mint({ nbf: nowS() + 600 })}`,
    code: 'invalid_token',
  },
  {
    name: 'no exp',
    authorization: async () =>
      `Bearer ${await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).setIssuer(idp.issuer).setAudience(MCP_AUDIENCE).sign(idp.keys.rsaPrivate)}`,
    code: 'invalid_token',
  },
  {
    name: 'wrong iss',
    authorization: async () => `Bearer ${await idp.mint({ iss: 'https://evil.example.com' })}`,
    code: 'invalid_token',
  },
  {
    name: 'iss with a trailing slash',
    authorization: async () => `Bearer ${await idp.mint({ iss: `${idp.issuer}/` })}`,
    code: 'invalid_token',
  },
  {
    name: 'wrong aud',
    authorization: async () => `Bearer ${await idp.mint({ aud: 'other-api' })}`,
    code: 'invalid_token',
  },
  {
    name: 'aud array without ours',
    authorization: async () => `Bearer ${await idp.mint({ aud: ['a', 'b'] })}`,
    code: 'invalid_token',
  },
  {
    name: 'the backend audience (token meant for the backend)',
    authorization: async () => `Bearer ${await idp.mint({ aud: BACKEND_AUDIENCE })}`,
    code: 'invalid_token',
  },
  {
    name: 'missing sub',
    authorization: async () => `Bearer ${await idp.mint({ sub: undefined })}`,
    code: 'invalid_token',
  },
  {
    name: 'empty sub',
    authorization: async () => `Bearer ${await idp.mint({ sub: '' })}`,
    code: 'invalid_token',
  },
  {
    name: 'unknown crit header parameter (RFC 7515 §4.1.11)',
    authorization: () => {
      const input = `${b64url({ alg: 'RS256', kid: 'rsa-1', crit: ['x-must'], 'x-must': 1 })}.${b64url({ sub: 'alice@example.com', iss: idp.issuer, aud: MCP_AUDIENCE, exp: nowS() + 600 })}`;
      const sig = cryptoSign('RSA-SHA256', Buffer.from(input), KeyObject.from(idp.keys.rsaPrivate));
      return `Bearer ${input}.${sig.toString('base64url')}`;
    },
    code: 'invalid_token',
  },
  {
    name: 'oversized token (9 KB)',
    authorization: async () => `Bearer ${await idp.mint({ pad: 'x'.repeat(9000) })}`,
    code: 'invalid_token',
  },
];

describe('security matrix: refused, challenged, and nothing reaches the upstream or the IdP', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = { upstream: upstream.requests.length, exchanges: idp.exchanges().length };
    const authorization = await c.authorization();
    const credential = authorization?.replace(/^\S+\s*/, '') ?? '';
    if (credential.length >= 16) secrets.add(credential);
    const target = c.compat ? compatProxy : proxy;
    const res = await fetch(`${target.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    });
    expect(res.status).toBe(c.status ?? 401);
    expect(res.headers.get('content-type')).toBe('application/json');
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(
      new RegExp(
        `^Bearer realm="${idp.issuer}", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="openid mcp:tools:call"`,
      ),
    );
    const body = (await res.json()) as { error: string; error_description: string };
    if (c.code) {
      expect(challenge).toContain(`error="${c.code}"`);
      expect(body.error).toBe(c.code);
    } else {
      // RFC 6750 §3.1: no error code when no credential was sent.
      expect(challenge).not.toContain('error=');
    }
    expect(upstream.requests.length).toBe(before.upstream);
    expect(idp.exchanges().length).toBe(before.exchanges);
  });

  it('an Authorization header beyond Node’s header limit is refused (431) before anything else', async () => {
    const before = upstream.requests.length;
    const res = await fetch(`${proxy.url}/mcp`, {
      headers: { authorization: `Bearer ${'a'.repeat(20_000)}` },
    });
    expect(res.status).toBe(431);
    expect(upstream.requests.length).toBe(before);
  });

  it('control: a valid token gets through, exchanged; the lower-case scheme is accepted by default (RFC 9110 §11.1)', async () => {
    const token = await idp.mint();
    secrets.add(token);
    for (const scheme of ['Bearer', 'bearer']) {
      const res = await fetch(`${proxy.url}/mcp`, {
        method: 'POST',
        headers: { authorization: `${scheme} ${token}` },
        body: '{}',
      });
      expect(res.status).toBe(200);
      const seen = upstream.requests.at(-1)?.headers.authorization ?? '';
      expect(seen.startsWith('Bearer ')).toBe(true);
      expect(seen).not.toContain(token);
    }
  });

  it('compat: ToolHive’s missing-header answer carries error="invalid_request"', async () => {
    const res = await fetch(`${compatProxy.url}/mcp`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(
      'error="invalid_request", error_description="authorization header required"',
    );
    expect(await res.text()).toBe(
      '{"error":"invalid_request","error_description":"authorization header required"}',
    );
  });

  it('a rotated key (new kid) is fetched again instead of refused', async () => {
    idp.keys.publishSecondary = true;
    const token = await idp.mint({}, { key: 'secondary' });
    secrets.add(token);
    const res = await fetch(`${proxy.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(res.status).toBe(200);
    idp.keys.publishSecondary = false;
  });
});

describe('RFC 9728 metadata', () => {
  it('serves the document at the path-suffixed and plain well-known URLs, with CORS', async () => {
    for (const p of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const res = await fetch(`${proxy.url}${p}`, { headers: { origin: 'http://app.example' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://app.example');
      expect(await res.json()).toEqual({
        resource: RESOURCE,
        authorization_servers: [idp.issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: ['openid', 'mcp:tools:call'],
      });
    }
    const pre = await fetch(`${proxy.url}/.well-known/oauth-protected-resource`, {
      method: 'OPTIONS',
    });
    expect(pre.status).toBe(204);
  });
  it('other well-known paths are 404', async () => {
    expect((await fetch(`${proxy.url}/.well-known/openid-configuration`)).status).toBe(404);
  });
  it('/health answers without a token', async () => {
    expect((await fetch(`${proxy.url}/health`)).status).toBe(200);
  });
});
