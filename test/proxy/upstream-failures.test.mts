// What a client sees when the upstream fails, when it reads slowly and when it
// leaves, and what /metrics counts for each (forward.mts): an unreachable
// upstream is a 502 with a JSON body, an upstream that breaks off half-way
// cuts the client's response, a client that leaves before the answer is a 499
// and aborts the upstream request, a slow client gets every byte of a large
// answer, and a 1xx from the upstream is not passed on.
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../scripts/token-exchange-proxy/index.mts';
import { fixtureAuth } from './helpers/fixture-idp.mts';
import { LogCapture } from './helpers/log-capture.mts';
import { startProxyFixture, type ProxyFixture } from './helpers/proxy-fixture.mts';

const log = new LogCapture();
let fx: ProxyFixture;
let { idp, upstream, proxy, token } = {} as ProxyFixture;

beforeAll(async () => {
  fx = await startProxyFixture('failures', log);
  ({ idp, upstream, proxy, token } = fx);
});
afterAll(() => fx.close());

/** proxy_responses_total for one status, as /metrics shows it (0 when absent). */
async function responses(p: RunningProxy, status: number): Promise<number> {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`proxy_responses_total{status="${status}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** Waits until `check` holds (each test's own timeout bounds the wait). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(20);
}

describe('the upstream fails', () => {
  it('an unreachable upstream is a 502 with a JSON body naming the cause, counted as 502', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const lost = await startProxy({
      name: 'lost',
      targetUri: `http://127.0.0.1:${port}`,
      ...fixtureAuth(idp),
      logDestination: log,
    });
    try {
      const res = await fetch(`${lost.url}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({
        error: 'bad_gateway',
        error_description: 'the upstream MCP server is unreachable (ECONNREFUSED)',
      });
      expect(await responses(lost, 502)).toBe(1);
    } finally {
      await lost.close();
    }
  });

  it('an upstream that breaks off half-way cuts the client response, counted under its status', async () => {
    // 203, not 200: every read of /metrics is itself a 200
    upstream.handlers.set('/breaks-off', (_req, res) => {
      res.writeHead(203, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":');
      setImmediate(() => res.socket?.destroy());
    });
    const before = await responses(proxy, 203);
    const res = await request(`${proxy.url}/breaks-off`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(203);
    await expect(res.body.text()).rejects.toThrow();
    await until(async () => (await responses(proxy, 203)) === before + 1);
  });

  it('a 1xx from the upstream is not passed on; the final answer is', async () => {
    upstream.handlers.set('/early-hints', (_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"final":true}');
    });
    const res = await request(`${proxy.url}/early-hints`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ final: true });
  });
});

describe('the client', () => {
  it('leaving before the upstream answers aborts the upstream request and counts a 499', async () => {
    let upstreamClosed: () => void = () => undefined;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    let arrived: () => void = () => undefined;
    const reached = new Promise<void>((r) => (arrived = r));
    upstream.handlers.set('/never-answers', (req) => {
      req.socket.on('close', () => upstreamClosed());
      arrived();
    });
    const before = await responses(proxy, 499);
    const controller = new AbortController();
    const pending = request(`${proxy.url}/never-answers`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    await reached;
    controller.abort();
    await expect(pending).rejects.toThrow();
    await closed; // resolves only if the proxy closed its upstream connection
    await until(async () => (await responses(proxy, 499)) === before + 1);
  });

  it('reading slowly holds the upstream back (backpressure) and still gets every byte of a large answer', async () => {
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) % 251;
    const chunks = 512; // 32 MiB: more than the sockets on the way can buffer
    let upstreamDone = false;
    const expected = createHash('sha256');
    for (let i = 0; i < chunks; i++) expected.update(chunk);
    upstream.handlers.set('/large', (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(chunk.length * chunks),
      });
      let sent = 0;
      const more = () => {
        while (sent < chunks) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end(() => (upstreamDone = true));
      };
      more();
    });
    const res = await request(`${proxy.url}/large`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    const got = createHash('sha256');
    let bytes = 0;
    let first = true;
    let doneWhileHeld: boolean | undefined;
    for await (const c of res.body) {
      // the client holds off after its first chunk, so the proxy's socket to it fills up
      if (first) {
        await sleep(500);
        doneWhileHeld = upstreamDone;
      }
      first = false;
      got.update(c as Buffer);
      bytes += (c as Buffer).length;
    }
    // without backpressure the proxy would have read all of it into memory meanwhile
    expect(doneWhileHeld).toBe(false);
    expect(bytes).toBe(chunk.length * chunks);
    expect(got.digest('hex')).toBe(expected.digest('hex'));
  });
});
