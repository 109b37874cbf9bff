// Proxy benchmark (BENCHMARKS.md): ratios measured in alternating rounds, load
// from autocannon in a second process, everything on 127.0.0.1.
//
//   direct        the upstream itself
//   bare          node:http server + undici Pool, headers copied (the yardstick)
//   warm          the reference proxy: JWT verified once, exchange cached
//   compat        --compat toolhive: verify + exchange on every request
//
// The token endpoint answers after 5 ms (10 connections) and 50 ms (50).
// Also: IdP exchanges per 10,000 requests, one exchange under 100 concurrent
// first requests, and memory with 100,000 distinct cached tokens.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Pool } from 'undici';
import { startProxy, type RunningProxy } from '../../scripts/token-exchange-proxy/index.mts';
import { createUpstream, stripHopByHop } from '../../scripts/token-exchange-proxy/forward.mts';

const here = path.dirname(fileURLToPath(import.meta.url));
const autocannonBin = path.resolve(here, '../../node_modules/autocannon/autocannon.js');
const BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'list_items', arguments: { filter: 'x'.repeat(200) } },
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function startUpstream() {
  const answer = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    result: { content: [{ type: 'text', text: 'ok'.repeat(100) }] },
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(answer),
      });
      res.end(answer);
    });
  });
  return { server, url: listen(server) };
}

function startBareProxy(target: string) {
  // The same Pool settings as the reference proxy's (forward.mts), so the yardstick differs
  // from it only by what the proxy does per request.
  const { pool } = createUpstream(target);
  const server = createServer((req, res) => {
    pool
      .request({
        path: req.url ?? '/',
        method: req.method as 'POST',
        headers: stripHopByHop(req.headers),
        body: req,
      })
      .then(({ statusCode, headers, body }) => {
        res.writeHead(statusCode, stripHopByHop(headers));
        body.pipe(res);
      })
      .catch(() => {
        res.writeHead(502).end();
      });
  });
  return { server, pool, url: listen(server) };
}

/** JWKS + a token endpoint that answers after `delayMs`, counting exchanges. */
async function startBenchIdp() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256' };
  const state = { delayMs: 5, exchanges: 0, distinct: false };
  let url = '';
  const issued = await new SignJWT({ sub: 'alice@example.com', scope: 'api:read' })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
    .setIssuer('bench-idp')
    .setAudience('backend-api')
    .setExpirationTime('1h')
    .sign(privateKey);
  const server = createServer((req, res) => {
    if (req.url === '/jwks') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.exchanges++;
      // A distinct issued token per subject token (for the memory figure).
      const token = state.distinct
        ? `${issued}${body.length.toString(36)}${state.exchanges.toString(36)}`
        : issued;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            access_token: token,
            token_type: 'Bearer',
            issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
            expires_in: 3600,
          }),
        );
      }, state.delayMs);
    });
  });
  url = await listen(server);
  const mint = (sub: string) =>
    new SignJWT({ sub, scp: ['mcp:tools:call'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
      .setIssuer(url)
      .setAudience('mcp-server')
      .setExpirationTime('1h')
      .sign(privateKey);
  return { server, url, state, mint };
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  exchanges?: number;
}

async function autocannon(
  url: string,
  connections: number,
  seconds: number,
  token?: string,
): Promise<Load> {
  const args = [
    autocannonBin,
    '-j',
    '-c',
    String(connections),
    '-d',
    String(seconds),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    '-b',
    BODY,
  ];
  if (token) args.push('-H', `authorization=Bearer ${token}`);
  args.push(`${url}/mcp`);
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 24 });
  const r = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
  };
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

let countExchanges = () => 0;

async function alternate(
  rounds: number,
  runs: Record<string, () => Promise<Load>>,
): Promise<Record<string, Load[]>> {
  const out: Record<string, Load[]> = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [name, run] of Object.entries(runs)) {
      const before = countExchanges();
      const load = await run();
      (out[name] as Load[]).push({ ...load, exchanges: countExchanges() - before });
    }
  }
  return out;
}

/** A forced GC, so that heap figures mean something. */
function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export async function run(options: { quick: boolean }): Promise<Record<string, unknown>> {
  const rounds = 3;
  const seconds = options.quick ? 2 : 5;
  const sink = { write: () => true };
  const upstream = startUpstream();
  const upstreamUrl = await upstream.url;
  const bare = startBareProxy(upstreamUrl);
  const bareUrl = await bare.url;
  const idp = await startBenchIdp();
  const proxyOpts = {
    name: 'bench',
    targetUri: upstreamUrl,
    oidc: { issuer: idp.url, audience: 'mcp-server', jwksUrl: `${idp.url}/jwks` },
    tokenExchange: { tokenUrl: `${idp.url}/token`, audience: 'backend-api', scopes: ['api:read'] },
    logDestination: sink,
    logLevel: 'warn',
  };
  const warm = await startProxy(proxyOpts);
  const compat = await startProxy({ ...proxyOpts, compat: 'toolhive', clockSkewSeconds: 0 });
  const proxies: RunningProxy[] = [warm, compat];
  const token = await idp.mint('alice@example.com');
  countExchanges = () => idp.state.exchanges;
  const summary: Record<string, unknown> = {};
  try {
    // 1. 10 connections, token endpoint 5 ms.
    idp.state.delayMs = 5;
    await autocannon(warm.url, 1, 1, token); // warm the cache
    const r10 = await alternate(rounds, {
      direct: () => autocannon(upstreamUrl, 10, seconds),
      bare: () => autocannon(bareUrl, 10, seconds, token),
      warm: () => autocannon(warm.url, 10, seconds, token),
      compat: () => autocannon(compat.url, 10, seconds, token),
    });
    // 2. 50 connections, token endpoint 50 ms.
    idp.state.delayMs = 50;
    const r50 = await alternate(rounds, {
      bare: () => autocannon(bareUrl, 50, seconds, token),
      warm: () => autocannon(warm.url, 50, seconds, token),
      compat: () => autocannon(compat.url, 50, seconds, token),
    });
    const m = (r: Record<string, Load[]>, k: string, f: keyof Load) =>
      median((r[k] ?? []).map((l) => l[f] ?? 0));
    const table = (label: string, r: Record<string, Load[]>) => {
      console.log(`\n${label}`);
      console.log('what     req/s (median, range)   p50 ms  p99 ms  non-2xx');
      for (const k of Object.keys(r)) {
        const rps = (r[k] ?? []).map((l) => l.rps);
        console.log(
          `${k.padEnd(8)} ${m(r, k, 'rps').toFixed(0).padStart(7)} (${spread(rps)})`.padEnd(32) +
            `${m(r, k, 'p50').toFixed(1).padStart(6)}  ${m(r, k, 'p99').toFixed(1).padStart(6)}  ${(r[k] ?? []).reduce((a, l) => a + l.non2xx, 0)}`,
        );
      }
    };
    table(
      `10 connections, token endpoint +5 ms, ${rounds} alternating rounds of ${seconds} s`,
      r10,
    );
    table(
      `50 connections, token endpoint +50 ms, ${rounds} alternating rounds of ${seconds} s`,
      r50,
    );
    const ratios = {
      bareOverDirect: m(r10, 'bare', 'rps') / m(r10, 'direct', 'rps'),
      warmOverBare10: m(r10, 'warm', 'rps') / m(r10, 'bare', 'rps'),
      warmOverCompat5ms10c: m(r10, 'warm', 'rps') / m(r10, 'compat', 'rps'),
      warmOverCompat50ms50c: m(r50, 'warm', 'rps') / m(r50, 'compat', 'rps'),
      p99AddedOverBare10Ms: m(r10, 'warm', 'p99') - m(r10, 'bare', 'p99'),
    };
    // Exchanges per 10,000 requests: compat does one per request, warm one per token lifetime.
    const per10k = (k: string) => {
      const runs = [...(r10[k] ?? []), ...(r50[k] ?? [])];
      const req = runs.reduce((a, l) => a + l.requests, 0);
      return req ? (10_000 * runs.reduce((a, l) => a + (l.exchanges ?? 0), 0)) / req : 0;
    };
    const exchangesPer10k = { warm: per10k('warm'), compat: per10k('compat') };
    console.log(
      '\nratios',
      JSON.stringify(ratios, (_k, v: unknown) =>
        typeof v === 'number' ? Number(v.toFixed(2)) : v,
      ),
    );
    console.log(
      `IdP exchanges per 10,000 requests: warm ${exchangesPer10k.warm.toFixed(2)}, compat ${exchangesPer10k.compat.toFixed(0)}`,
    );

    // 3. 100 concurrent first requests with a new token → exchanges.
    idp.state.delayMs = 50;
    const fresh = await idp.mint('first@example.com');
    const before = idp.state.exchanges;
    const pool = new Pool(warm.url, { connections: 100 });
    await Promise.all(
      Array.from({ length: 100 }, () =>
        pool
          .request({
            path: '/mcp',
            method: 'POST',
            headers: { authorization: `Bearer ${fresh}` },
            body: BODY,
          })
          .then((r) => r.body.dump()),
      ),
    );
    await pool.close();
    const singleFlight = idp.state.exchanges - before;
    console.log(`100 concurrent first requests with one new token → ${singleFlight} exchange(s)`);

    // 4. Memory with N distinct cached tokens (OIDC off: the exchange cache alone; tokens 800+ bytes).
    const n = options.quick ? 20_000 : 100_000;
    idp.state.delayMs = 0;
    idp.state.distinct = true;
    const memProxy = await startProxy({
      ...proxyOpts,
      oidc: undefined,
      exchangeCacheSize: 100_000,
    });
    proxies.push(memProxy);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const memPool = new Pool(memProxy.url, { connections: 32 });
    const prefix = token.slice(0, 700);
    let next = 0;
    const statuses = { ok: 0, other: 0 };
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < n) {
          const i = next++;
          const r = await memPool.request({
            path: '/mcp',
            method: 'POST',
            headers: { authorization: `Bearer ${prefix}${i.toString(36)}` },
            body: BODY,
          });
          await r.body.dump();
          if (r.statusCode === 200) statuses.ok++;
          else statuses.other++;
        }
      }),
    );
    await memPool.close();
    gc();
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(
      `memory: ${n} distinct tokens cached → heap +${heapMb.toFixed(1)} MB (${((heapMb * 2 ** 20) / n).toFixed(0)} B/token, after a forced GC; ${statuses.ok} answered 200, ${statuses.other} not)`,
    );
    Object.assign(summary, {
      rounds,
      seconds,
      c10delay5ms: Object.fromEntries(
        Object.keys(r10).map((k) => [
          k,
          { rps: m(r10, k, 'rps'), p50: m(r10, k, 'p50'), p99: m(r10, k, 'p99') },
        ]),
      ),
      c50delay50ms: Object.fromEntries(
        Object.keys(r50).map((k) => [
          k,
          { rps: m(r50, k, 'rps'), p50: m(r50, k, 'p50'), p99: m(r50, k, 'p99') },
        ]),
      ),
      ratios,
      exchangesPer10k,
      singleFlightExchanges: singleFlight,
      memory: { tokens: n, heapMb },
    });
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
    await bare.pool.close();
    for (const s of [upstream.server, bare.server, idp.server]) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }
  return summary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run({ quick: process.argv.includes('--quick') }).then(
    (s) => console.log(JSON.stringify(s, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
