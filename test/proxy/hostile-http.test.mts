// Hostile input at the HTTP edges: request-target forms and dot-segments,
// Expect: 100-continue, the client's credentials and forwarding headers,
// text from a token in response headers, many long-lived streams, and IdP
// URLs with a password in them.
import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, SignJWT } from 'jose';
import { Agent, request } from 'undici';
import { sendInternalError } from '../../scripts/token-exchange-proxy/forward.mts';
import { startProxy, type RunningProxy } from '../../scripts/token-exchange-proxy/index.mts';
import type { ProxyOptions } from '../../scripts/token-exchange-proxy/options.mts';
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

async function proxy(extra: Partial<ProxyOptions> = {}): Promise<RunningProxy> {
  const p = await startProxy({
    name: 'hostile',
    targetUri: `${upstream.url}/mcp`,
    ...fixtureAuth(idp),
    jwksCooldownMs: 0,
    logDestination: log,
    ...extra,
  });
  started.push(p);
  return p;
}

async function token(claims: Record<string, unknown> = {}): Promise<string> {
  const t = await idp.mint(claims);
  secrets.add(t);
  return t;
}

/**
 * One raw HTTP/1.1 exchange over a socket (`Connection: close` added): what
 * the client sees, byte for byte. Rejects when no complete answer comes.
 */
function raw(url: string, text: string, timeoutMs = 5000): Promise<string> {
  const { hostname, port } = new URL(url);
  const line = text.indexOf('\r\n') + 2;
  const request = `${text.slice(0, line)}Connection: close\r\n${text.slice(line)}`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms: ${Buffer.concat(chunks)}`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks).toString('latin1');
      const headEnd = all.indexOf('\r\n\r\n');
      if (headEnd === -1) return;
      const length = /\r\ncontent-length: *(\d+)/i.exec(all.slice(0, headEnd));
      if (length && all.length - headEnd - 4 >= Number(length[1])) {
        clearTimeout(timer);
        socket.destroy();
        resolve(all);
      }
    });
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

const statusOf = (answer: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);

describe('request targets (RFC 9112 §3.2, RFC 3986 §5.2.4)', () => {
  it('refuses an absolute-form target with 400; the upstream sees nothing', async () => {
    const p = await proxy();
    const t = await token();
    const before = upstream.requests.length;
    const answer = await raw(
      p.url,
      `POST http://other.example/x HTTP/1.1\r\nHost: other.example\r\nAuthorization: Bearer ${t}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
    );
    expect(statusOf(answer)).toBe(400);
    expect(answer).toContain('origin-form');
    expect(upstream.requests.length).toBe(before);
  });

  it('refuses the asterisk form (OPTIONS *) and the authority form (CONNECT)', async () => {
    const p = await proxy();
    const before = upstream.requests.length;
    const star = await raw(p.url, 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusOf(star)).toBe(400);
    const connectAnswer = await raw(
      p.url,
      'CONNECT other.example:443 HTTP/1.1\r\nHost: other.example:443\r\n\r\n',
    );
    expect(statusOf(connectAnswer)).toBe(405);
    expect(upstream.requests.length).toBe(before);
  });

  it('--compat toolhive serves an absolute-form target at its path, as Go net/http does', async () => {
    const p = await proxy({ compat: 'toolhive', clockSkewSeconds: 0 });
    const t = await token();
    const answer = await raw(
      p.url,
      `GET http://other.example/mcp/tools?x=1 HTTP/1.1\r\nHost: other.example\r\nAuthorization: Bearer ${t}\r\n\r\n`,
    );
    expect(statusOf(answer)).toBe(200);
    expect(upstream.requests.at(-1)?.url).toBe('/mcp/tools?x=1');
  });

  it.each([
    ['/mcp/../admin', '/mcp/admin'],
    ['/../../etc/passwd', '/mcp/etc/passwd'],
    ['/mcp/%2e%2e/admin', '/mcp/admin'],
    ['/mcp/.%2E/.%2e/%2E%2e/secret?q=../x', '/mcp/secret?q=../x'],
    ['/mcp/./tools/.', '/mcp/tools/'],
    ['/mcp/a/b/../../..', '/mcp/'],
  ])('dot-segments in %s stay under the target path: %s', async (path, seen) => {
    const p = await proxy();
    const t = await token();
    const answer = await raw(
      p.url,
      `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\n\r\n`,
    );
    expect(statusOf(answer)).toBe(200);
    expect(upstream.requests.at(-1)?.url).toBe(seen);
  });

  it.each([
    '/mcp/..%2fadmin',
    '/mcp/..%2Fadmin',
    '/mcp/..%5cadmin',
    '/mcp/%2e%2e%2f%2e%2e%2fadmin',
  ])('a dot-segment behind an encoded slash (%s) is refused with 400', async (path) => {
    const p = await proxy();
    const t = await token();
    const before = upstream.requests.length;
    const answer = await raw(
      p.url,
      `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\n\r\n`,
    );
    expect(statusOf(answer)).toBe(400);
    expect(upstream.requests.length).toBe(before);
  });

  it('Expect: 100-continue: 100 after the token is accepted, the body reaches the upstream', async () => {
    const p = await proxy();
    const t = await token();
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const send = (authorization: string) =>
      new Promise<{ status: number; continued: boolean; text: string }>((resolve, reject) => {
        let continued = false;
        const req = httpRequest(`${p.url}/mcp`, {
          method: 'POST',
          headers: {
            authorization,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            expect: '100-continue',
          },
          signal: AbortSignal.timeout(5000),
        });
        req.on('continue', () => {
          continued = true;
          req.end(body);
        });
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              continued,
              text: Buffer.concat(chunks).toString(),
            }),
          );
        });
        req.on('error', reject);
        req.flushHeaders();
      });
    const ok = await send(`Bearer ${t}`);
    expect(ok.status).toBe(200);
    expect(ok.continued).toBe(true);
    expect(upstream.requests.at(-1)?.body).toBe(body);
    expect(upstream.requests.at(-1)?.headers.expect).toBeUndefined();
    const refused = await send('Bearer not-a-jwt');
    expect(refused.status).toBe(401);
    expect(refused.continued).toBe(false);
  });
});

describe("the client's credentials and forwarding headers", () => {
  it('without OIDC, a bearer token in any letter case and spacing is exchanged; the client token never goes upstream', async () => {
    const auth = fixtureAuth(idp);
    const p = await proxy({ oidc: undefined, tokenExchange: auth.tokenExchange });
    const t = await token();
    for (const authorization of [`bearer  ${t}`, `BEARER ${t}`, `Bearer    ${t}  `]) {
      const res = await fetch(`${p.url}/mcp`, { method: 'POST', headers: { authorization } });
      expect(res.status).toBe(200);
      const seen = String(upstream.requests.at(-1)?.headers.authorization);
      expect(seen).not.toContain(t);
      expect(decodeJwt(seen.slice(7)).aud).toBe(BACKEND_AUDIENCE);
    }
    // Not a bearer credential: nothing to exchange, and it is not passed on either.
    await fetch(`${p.url}/mcp`, { headers: { authorization: `Token ${t}` } });
    expect(upstream.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('custom-header mode: a client-sent header with that name never reaches the upstream', async () => {
    const auth = fixtureAuth(idp, { exchange: { headerName: 'X-Backend-Token' } });
    const forged = 'Bearer forged-by-the-client';
    const withOidc = await proxy(auth);
    const t = await token();
    await fetch(`${withOidc.url}/mcp`, {
      headers: { authorization: `Bearer ${t}`, 'x-backend-token': forged },
    });
    const seen = upstream.requests.at(-1)?.headers ?? {};
    expect(seen.authorization).toBeUndefined();
    expect(decodeJwt(String(seen['x-backend-token']).slice(7)).aud).toBe(BACKEND_AUDIENCE);
    const noOidc = await proxy({ oidc: undefined, tokenExchange: auth.tokenExchange });
    await fetch(`${noOidc.url}/mcp`, { headers: { 'x-backend-token': forged } });
    expect(upstream.requests.at(-1)?.headers['x-backend-token']).toBeUndefined();
  });

  it('OIDC without token exchange: the validated token is not passed on (compat passes it, as ToolHive does)', async () => {
    const auth = fixtureAuth(idp);
    const t = await token();
    const p = await proxy({ oidc: auth.oidc, tokenExchange: undefined });
    expect(
      (await fetch(`${p.url}/mcp`, { headers: { authorization: `Bearer ${t}` } })).status,
    ).toBe(200);
    expect(upstream.requests.at(-1)?.headers.authorization).toBeUndefined();
    const compat = await proxy({
      oidc: auth.oidc,
      tokenExchange: undefined,
      compat: 'toolhive',
      clockSkewSeconds: 0,
    });
    await fetch(`${compat.url}/mcp`, { headers: { authorization: `Bearer ${t}` } });
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${t}`);
  });

  it('client-sent Forwarded, X-Forwarded-* and X-Real-IP are replaced, not passed on (RFC 7239 §8.1)', async () => {
    const forged = {
      forwarded: 'for=6.6.6.6;proto=https',
      'x-forwarded-for': '6.6.6.6',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
      'x-forwarded-prefix': '/evil',
      'x-real-ip': '6.6.6.6',
    };
    const t = await token();
    const p = await proxy();
    expect(
      (await fetch(`${p.url}/mcp`, { headers: { authorization: `Bearer ${t}`, ...forged } }))
        .status,
    ).toBe(200);
    const seen = upstream.requests.at(-1)?.headers ?? {};
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-forwarded-host']).toBe(new URL(p.url).host);
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen.forwarded).toBeUndefined();
    expect(seen['x-forwarded-prefix']).toBeUndefined();
    expect(seen['x-real-ip']).toBeUndefined();
    // ToolHive (Go's ReverseProxy) replaces Forwarded and X-Forwarded-For/-Host/-Proto only.
    const compat = await proxy({ compat: 'toolhive', clockSkewSeconds: 0 });
    await fetch(`${compat.url}/mcp`, { headers: { authorization: `Bearer ${t}`, ...forged } });
    const thv = upstream.requests.at(-1)?.headers ?? {};
    expect(thv['x-forwarded-for']).toBe('127.0.0.1');
    expect(thv['x-forwarded-host']).toBe(new URL(compat.url).host);
    expect(thv.forwarded).toBeUndefined();
    expect(thv['x-forwarded-prefix']).toBe('/evil');
    expect(thv['x-real-ip']).toBe('6.6.6.6');
  });
});

describe('text from a token in response headers (RFC 6750 §3)', () => {
  // RFC 6750 §3: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E )
  const DESCRIPTION = /error_description="([\x20\x21\x23-\x5b\x5d-\x7e]*)"/;
  const hostileKids = [
    'a"b',
    'back\\slash',
    'line\r\nSet-Cookie: x=1',
    'wide \u0100 char',
    'latin1 \u00e9',
    'nul\u0000',
    'k'.repeat(5000),
  ];

  it.each(hostileKids.map((k) => [JSON.stringify(k).slice(0, 40), k]))(
    'a hostile kid %s gets a well-formed 401',
    async (_label, kid) => {
      const p = await proxy({ resourceUrl: 'https://mcp.example.com/mcp' });
      const jwt = await new SignJWT({ sub: 'alice@example.com' })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(idp.issuer)
        .setAudience(MCP_AUDIENCE)
        .setExpirationTime('1h')
        .sign(idp.keys.rsaPrivate);
      const answer = await raw(
        p.url,
        `GET /mcp HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${jwt}\r\n\r\n`,
      );
      expect(statusOf(answer)).toBe(401);
      const [head, body] = answer.split('\r\n\r\n') as [string, string];
      const challenge = /\r\nwww-authenticate: ([^\r\n]*)/i.exec(head)?.[1] ?? '';
      expect(challenge).toMatch(DESCRIPTION);
      expect(challenge.length).toBeLessThan(1000);
      expect(Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1])).toBe(Buffer.byteLength(body));
      const json = JSON.parse(body) as { error: string; error_description: string };
      expect(json.error).toBe('invalid_token');
      expect(json.error_description).toBe(DESCRIPTION.exec(challenge)?.[1]);
    },
  );

  it('a hostile alg gets a well-formed 401 too', async () => {
    const p = await proxy();
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const jwt = `${b64({ alg: 'RS256\u0100"\r\n', kid: 'rsa-1' })}.${b64({ sub: 'x' })}.c2ln`;
    const answer = await raw(
      p.url,
      `GET /mcp HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${jwt}\r\n\r\n`,
    );
    expect(statusOf(answer)).toBe(401);
    expect(/\r\nwww-authenticate: ([^\r\n]*)/i.exec(answer)?.[1]).toMatch(DESCRIPTION);
  });
});

describe('a response that fails half-way', () => {
  async function serve(
    handler: (res: ServerResponse) => void,
  ): Promise<{ url: string; close(): Promise<void> }> {
    const server = createServer((_req, res) => handler(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((r) => server.close(() => r())),
    };
  }

  it('before the headers are out: a fresh 500 whose Content-Length matches its body', async () => {
    const s = await serve((res) => {
      // Headers set for an answer that then could not be written.
      res.setHeader('content-length', 5000);
      res.setHeader('www-authenticate', 'Bearer');
      sendInternalError(res);
    });
    try {
      const answer = await raw(s.url, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(statusOf(answer)).toBe(500);
      const [head, body] = answer.split('\r\n\r\n') as [string, string];
      expect(Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1])).toBe(Buffer.byteLength(body));
      expect(head.toLowerCase()).not.toContain('www-authenticate');
    } finally {
      await s.close();
    }
  });

  it('after the headers are out: the connection is cut, the client does not wait', async () => {
    const s = await serve((res) => {
      res.writeHead(200, { 'content-length': 5000 });
      res.write('partial');
      sendInternalError(res);
    });
    try {
      // Whatever arrived before the cut, the exchange ends (raw() rejects after 5 s otherwise).
      const answer = await raw(s.url, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n').catch(
        (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? '' : Promise.reject(e)),
      );
      expect(answer.length).toBeLessThan(5000);
    } finally {
      await s.close();
    }
  });
});

describe('many long-lived streams from one user', () => {
  it('130 open SSE streams from one user do not stop another user’s requests', async () => {
    const streamPath = '/mcp';
    upstream.handlers.set(streamPath, (req, res) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        res.write(': open\n\n');
        return; // stays open until the client goes away
      }
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    const agent = new Agent({ connections: null, pipelining: 0 });
    const streams: Awaited<ReturnType<typeof request>>[] = [];
    try {
      const p = await proxy();
      const alice = await token({ sub: 'alice@example.com' });
      const opened = await Promise.all(
        Array.from({ length: 130 }, () =>
          request(`${p.url}/mcp`, {
            dispatcher: agent,
            headers: { authorization: `Bearer ${alice}`, accept: 'text/event-stream' },
            signal: AbortSignal.timeout(15_000),
          }),
        ),
      );
      streams.push(...opened);
      expect(opened.every((s) => s.statusCode === 200)).toBe(true);
      const bob = await token({ sub: 'bob@example.com' });
      for (let i = 0; i < 3; i++) {
        const res = await request(`${p.url}/mcp`, {
          dispatcher: agent,
          method: 'POST',
          headers: { authorization: `Bearer ${bob}`, 'content-type': 'application/json' },
          body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
          signal: AbortSignal.timeout(10_000),
        });
        expect(res.statusCode).toBe(200);
        expect(await res.body.json()).toEqual({ ok: true });
      }
    } finally {
      for (const s of streams) s.body.destroy();
      upstream.handlers.delete(streamPath);
      await agent.destroy();
    }
  }, 60_000);
});

describe('IdP URLs with a password in them', () => {
  const PASSWORD = 'S3cret-in-the-URL';

  it('neither a 5xx body nor a log line shows the userinfo (or the URL at all, to the client)', async () => {
    secrets.add(PASSWORD);
    const withUserinfo = (u: string) => u.replace('http://', `http://idp-user:${PASSWORD}@`);
    idp.faults.set('/jwks', { kind: 'status', status: 500, body: '{}' });
    try {
      const p = await proxy({
        oidc: {
          issuer: idp.issuer,
          audience: MCP_AUDIENCE,
          jwksUrl: withUserinfo(idp.jwksUrl),
        },
        tokenExchange: {
          ...fixtureAuth(idp).tokenExchange,
          tokenUrl: withUserinfo(idp.tokenUrl),
        },
      });
      const res = await fetch(`${p.url}/mcp`, {
        headers: { authorization: `Bearer ${await token()}` },
      });
      expect(res.status).toBeGreaterThanOrEqual(500);
      const text = await res.text();
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(new URL(idp.url).host);
      expect(text).toContain('JWKS');
    } finally {
      idp.faults.delete('/jwks');
    }
    // The token endpoint unreachable: the message says so, without the URL.
    const closed = await proxy({
      tokenExchange: {
        ...fixtureAuth(idp).tokenExchange,
        tokenUrl: `http://idp-user:${PASSWORD}@127.0.0.1:9/token`,
      },
    });
    const res = await fetch(`${closed.url}/mcp`, {
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('127.0.0.1:9');
    expect(log.text()).not.toContain(PASSWORD);
    expect(log.text()).toContain('http://127.0.0.1:9/token');
  });
});
