// Proxy benchmark (`npm run bench -- proxy`). Two parts, labelled as such:
//
//   1. Each server in its own process (proxy-processes.mts): the reference proxy
//      by its CLI (warm path and --compat toolhive), the bare yardstick, the real
//      `thv proxy` where it can run, a plain upstream and the mock IdP, with wrk
//      as the load: throughput, p50/p99 and CPU per request in alternating rounds.
//   2. In this one process: one exchange under 100 concurrent first requests,
//      and heap with 100,000 distinct cached tokens.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Pool } from 'undici';
import type { BenchOptions } from './run.mts';
import { startProxy, type RunningProxy } from '../../scripts/token-exchange-proxy/index.mts';
import { defaultConfig } from '../../scripts/mock-idp/default-config.mts';
import {
  createSealedNetwork,
  sealedNetworkUnavailable,
} from '../../scripts/live/sealed-network.mts';

/** What the bench uses of the live tier's scripts/live/environment.mts. */
interface LiveEnvironment {
  liveAvailability(): { ok: true; thv: string; version: string } | { ok: false; reason: string };
  startLiveRuntime(opts: {
    dir: string;
  }): Promise<{ env: Record<string, string>; close(): Promise<void> }>;
  thvEnv(opts: { home: string; caFile: string; httpsProxy: string }): Record<string, string>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
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

/** A forced GC, so that heap figures mean something. */
function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export async function run(options: BenchOptions): Promise<Record<string, unknown>> {
  const processes = await processSeparated(options);
  if (options.profile) return { profile: processes };
  const inProcess = await inProcessFigures(options);
  return { processes, inProcess };
}

/**
 * Throughput, latency and CPU per request with every server in its own process
 * (proxy-processes.mts), inside a sealed network namespace with the real
 * `thv proxy` beside ours where that can run, else on the host's loopback without it.
 */
async function processSeparated(options: BenchOptions): Promise<Record<string, unknown>> {
  const rounds = options.quick ? 2 : 5;
  const seconds = options.quick ? 2 : 5;
  const args = ['--rounds', String(rounds), '--seconds', String(seconds)];
  if (options.profile) args.push('--profile');
  const cleanups: (() => Promise<void> | void)[] = [];
  let wrapper: string[] = [];
  let thvNote = '';
  try {
    // a profile is of our proxy (bare and warm): thv is not started for it
    const thv = options.profile
      ? { reason: 'a --profile run profiles bare and warm only' }
      : await realThv();
    const sealedReason = sealedNetworkUnavailable();
    if ('reason' in thv || sealedReason) {
      thvNote = `thv proxy left out: ${'reason' in thv ? thv.reason : (sealedReason as string)}`;
    } else {
      const net = createSealedNetwork(vendorHosts(), 'thv-bench');
      cleanups.push(() => net.close());
      wrapper = net.wrapper;
      const dir = await mkdtemp(path.join(os.tmpdir(), 'proxy-bench-thv-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const runtime = await thv.startRuntime(dir);
      cleanups.push(() => runtime.close());
      args.push('--sealed', '--thv', thv.path, '--thv-env', JSON.stringify(runtime.env));
    }
    if (thvNote) console.log(thvNote);
    const child = path.join(here, 'proxy-processes.mts');
    const [cmd, ...rest] = [...wrapper, process.execPath, '--import', 'tsx', child, ...args];
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(cmd as string, rest, {
        cwd: path.resolve(here, '../..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      p.stdout.on('data', (c: Buffer) => {
        const s = c.toString();
        text += s;
        process.stdout.write(s.replace(/^SUMMARY .*$/m, ''));
      });
      p.once('error', reject);
      p.once('exit', (code: number | null) =>
        code === 0 ? resolve(text) : reject(new Error(`proxy-processes.mts exited with ${code}`)),
      );
    });
    const line = out.split('\n').find((l) => l.startsWith('SUMMARY '));
    if (!line) throw new Error('proxy-processes.mts printed no SUMMARY line');
    return {
      ...(JSON.parse(line.slice(8)) as Record<string, unknown>),
      ...(thvNote ? { thvNote } : {}),
    };
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}

/** The real thv of the live tier, and a container runtime for it (`thv proxy` refuses to start without one). */
async function realThv(): Promise<
  | { reason: string }
  | {
      path: string;
      startRuntime: (
        dir: string,
      ) => Promise<{ env: Record<string, string>; close(): Promise<void> }>;
    }
> {
  const file = path.resolve(here, '../../scripts/live/environment.mts');
  if (!existsSync(file)) return { reason: 'the live tier (scripts/live/) is not in this checkout' };
  const live = (await import(pathToFileURL(file).href)) as LiveEnvironment;
  const a = live.liveAvailability();
  if (!a.ok) return { reason: a.reason };
  return {
    path: a.thv,
    startRuntime: async (dir) => {
      const rt = await live.startLiveRuntime({ dir });
      const home = path.join(dir, 'home');
      return {
        env: { ...live.thvEnv({ home, caFile: '', httpsProxy: '' }), ...rt.env },
        close: () => rt.close(),
      };
    },
  };
}

function vendorHosts(): string[] {
  return [...new Set(defaultConfig().tenants.map((t) => t.domain))];
}

/**
 * Figures measured inside this one process (labelled as such in the output):
 * single-flight exchange under 100 concurrent first requests, and heap with
 * 100,000 distinct cached tokens (a forced GC before and after).
 */
async function inProcessFigures(options: BenchOptions): Promise<Record<string, unknown>> {
  const sink = { write: () => true };
  const upstream = startUpstream();
  const upstreamUrl = await upstream.url;
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
  const proxies: RunningProxy[] = [warm];
  const token = await idp.mint('alice@example.com');
  const summary: Record<string, unknown> = {};
  console.log('\nin-process figures (proxy, IdP and client share this one process):');
  try {
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
      singleFlightExchanges: singleFlight,
      memory: { tokens: n, heapMb },
    });
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
    for (const s of [upstream.server, idp.server]) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }
  return summary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run({
    quick: process.argv.includes('--quick'),
    profile: process.argv.includes('--profile'),
  }).then(
    (s) => console.log(JSON.stringify(s, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
