// The proxy benchmark as a user would measure it: every server in its own
// process, on 127.0.0.1, the load from wrk (autocannon where wrk is absent).
//
//   bare     node:http + the reference proxy's forward() and Pool settings, no token work (the yardstick)
//   warm     the reference proxy by its CLI: JWT verified once, exchange cached
//   compat   the reference proxy with --compat toolhive: verify + exchange per request
//   thv      the real `thv proxy` with the same flags (only where it can run: see below)
//
// Same upstream, same mock IdP, same flags for all. The token endpoint answers
// after +5 ms (10 connections) and +50 ms (50 connections). Rounds alternate
// between the variants (each round starting one variant later); the figures are
// medians with their range. Per variant:
// throughput, p50/p99, CPU time of the proxy process per request (utime + stime
// from /proc), and token-endpoint requests per 10,000 client requests.
//
// The real thv validates tokens with an HTTP client that ignores HTTPS_PROXY
// and refuses loopback addresses (pkg/networking/http_client.go@v0.44.0), so it
// runs only in a sealed network namespace where the vendor host names resolve
// to a non-loopback address (`--sealed`, set up by proxy.bench.mts). Elsewhere
// the issuers are the mock's loopback addresses and `thv` is left out.
//
// Run by proxy.bench.mts (as a child, inside the namespace when there is one);
// prints its tables, then one line `SUMMARY {json}`.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cpuMicros,
  load,
  loadGenerator,
  median,
  range,
  startServer,
  type LoadResult,
  type ServerProcess,
} from './lib/processes.mts';
import { printProfile, summariseProfiles } from './lib/cpu-profile.mts';
import { SEALED_ADDRESS } from '../../scripts/live/sealed-network.mts';
import {
  OKTA_BACKEND_SERVER_ID,
  OKTA_DOMAIN,
  OKTA_EXCHANGE_CLIENT_ID,
  OKTA_EXCHANGE_CLIENT_SECRET,
  OKTA_MCP_CLIENT_ID,
  OKTA_MCP_SERVER_ID,
  TEST_USER_LOGIN,
} from '../../scripts/mock-idp/default-config.mts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const autocannonBin = path.join(root, 'node_modules/autocannon/autocannon.js');
const BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'list_items', arguments: { filter: 'x'.repeat(200) } },
});

interface Options {
  rounds: number;
  seconds: number;
  sealed: boolean;
  thv?: string;
  /** Environment for thv (container runtime socket, HOME/XDG dirs …). */
  thvEnv?: NodeJS.ProcessEnv;
  /**
   * Profile instead of measuring: bare and warm run under `node --cpu-prof`, one
   * round at 10 connections, then the profiles are summarised (where the CPU goes).
   */
  profile?: boolean;
}

interface Sample extends LoadResult {
  cpuUsPerRequest: number;
  tokenRequests: number;
  /** The 1-minute load average when the round ended (the machine may be shared). */
  load1: number;
}

const tsx = (file: string, ...args: string[]): [string, string[]] => [
  process.execPath,
  ['--import', 'tsx', path.join(root, file), ...args],
];
const profiled = (dir: string | undefined, [cmd, args]: [string, string[]]): [string, string[]] =>
  dir ? [cmd, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...args]] : [cmd, args];

export async function measure(opts: Options): Promise<Record<string, unknown>> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'proxy-bench-'));
  const started: ServerProcess[] = [];
  const start = async (cmd: [string, string[]], env?: NodeJS.ProcessEnv, port?: number) => {
    const s = await startServer(cmd[0], cmd[1], {
      cwd: root,
      ...(env ? { env } : {}),
      ready: port ? { port } : { json: true },
    });
    started.push(s);
    return s;
  };
  try {
    const idp = await start(
      tsx(
        'test/bench/servers/idp.mts',
        scratch,
        ...(opts.sealed ? ['--sealed', SEALED_ADDRESS] : []),
      ),
    );
    const idpUrl = idp.info['idpUrl'] as string;
    const base = opts.sealed ? `https://${OKTA_DOMAIN}` : `${idpUrl}/${OKTA_DOMAIN}`;
    const issuer = `${base}/oauth2/${OKTA_MCP_SERVER_ID}`;
    const tokenUrl = `${base}/oauth2/${OKTA_BACKEND_SERVER_ID}/v1/token`;
    const control = async (method: string, p: string, body?: unknown) => {
      const r = await fetch(`${idpUrl}/__mock/${p}`, {
        method,
        ...(body
          ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
          : {}),
      });
      if (!r.ok) throw new Error(`mock IdP control ${method} ${p}: ${r.status} ${await r.text()}`);
      return (await r.json()) as Record<string, unknown>;
    };
    const secretFile = path.join(scratch, 'exchange-secret.txt');
    await writeFile(secretFile, `${OKTA_EXCHANGE_CLIENT_SECRET}\n`, { mode: 0o600 });
    const authFlags = [
      '--oidc-issuer', issuer,
      '--oidc-audience', 'mcp-server',
      '--token-exchange-url', tokenUrl,
      '--token-exchange-client-id', OKTA_EXCHANGE_CLIENT_ID,
      '--token-exchange-client-secret-file', secretFile,
      '--token-exchange-audience', 'backend-api',
      '--token-exchange-scopes', 'api:read',
    ]; // prettier-ignore
    const caEnv = idp.info['caFile']
      ? { NODE_EXTRA_CA_CERTS: idp.info['caFile'], SSL_CERT_FILE: idp.info['caFile'] }
      : {};
    const upstream = await start(tsx('test/bench/servers/upstream.mts'));
    // thv proxy refuses a target URI with a path; the client's path is kept
    const target = upstream.info['url'] as string;
    const profDir = (v: string) => (opts.profile ? path.join(scratch, `profile-${v}`) : undefined);
    const bare = await start(
      profiled(
        profDir('bare'),
        tsx('test/bench/servers/bare-proxy.mts', upstream.info['url'] as string),
      ),
    );
    const ports = { warm: await freePort(), compat: await freePort(), thv: await freePort() };
    const proxyEnv = { ...process.env, ...caEnv };
    const cli = 'scripts/token-exchange-proxy/cli.mts';
    const proxyArgs = (port: number) => ['bench', '--target-uri', target, '--port', String(port)];
    const warm = await start(
      profiled(profDir('warm'), tsx(cli, ...proxyArgs(ports.warm), ...authFlags)),
      proxyEnv,
      ports.warm,
    );
    const compat = await start(
      tsx(cli, ...proxyArgs(ports.compat), ...authFlags, '--compat', 'toolhive'),
      proxyEnv,
      ports.compat,
    );
    const variants: Record<string, { url: string; pid: number }> = {
      bare: { url: bare.info['url'] as string, pid: bare.pid },
      warm: { url: `http://127.0.0.1:${ports.warm}`, pid: warm.pid },
      compat: { url: `http://127.0.0.1:${ports.compat}`, pid: compat.pid },
    };
    if (opts.thv) {
      const thv = await start(
        [opts.thv, ['proxy', ...proxyArgs(ports.thv), ...authFlags]],
        { ...opts.thvEnv, ...caEnv },
        ports.thv,
      );
      variants['thv'] = { url: `http://127.0.0.1:${ports.thv}`, pid: thv.pid };
    }
    const minted = await control('POST', 'tokens', {
      issuer,
      user: TEST_USER_LOGIN,
      clientId: OKTA_MCP_CLIENT_ID,
      audience: 'mcp-server',
      scopes: ['openid', 'mcp:tools:call'],
    });
    const token = minted['access_token'] as string;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };

    const one = async (name: string, connections: number): Promise<Sample> => {
      const v = variants[name] as { url: string; pid: number };
      // the last round's requests still in flight end in exchanges: wait until none land
      for (let seen = -1; ;) {
        const n = ((await control('GET', 'requests?endpoint=token'))['requests'] as unknown[])
          .length;
        if (n === seen) break;
        seen = n;
        await new Promise((r) => setTimeout(r, 300));
      }
      await control('DELETE', 'requests');
      const cpu0 = cpuMicros(v.pid);
      const r = await load(
        {
          url: `${v.url}/mcp`,
          connections,
          seconds: opts.seconds,
          method: 'POST',
          headers,
          body: BODY,
          scratchDir: scratch,
        },
        autocannonBin,
      );
      const cpu = cpuMicros(v.pid) - cpu0;
      const log = await control('GET', 'requests?endpoint=token');
      const tokenRequests = (log['requests'] as unknown[]).length;
      return {
        ...r,
        cpuUsPerRequest: r.requests ? cpu / r.requests : NaN,
        tokenRequests,
        load1: os.loadavg()[0] as number,
      };
    };
    const scenario = async (connections: number, delayMs: number) => {
      await control('DELETE', 'faults');
      await control('POST', 'faults', { endpoint: 'token', kind: 'delay', delayMs });
      for (const name of Object.keys(variants)) await one(name, 1).catch(() => undefined); // warm caches, JIT
      const out: Record<string, Sample[]> = Object.fromEntries(
        Object.keys(variants).map((k) => [k, []]),
      );
      // Each round starts one variant later, so that none always runs right after
      // the heavy ones (compat, thv) or always first on a machine whose load drifts.
      const names = Object.keys(variants);
      for (let i = 0; i < opts.rounds; i++) {
        const k = i % names.length;
        for (const name of [...names.slice(k), ...names.slice(0, k)]) {
          out[name]?.push(await one(name, connections));
        }
      }
      return out;
    };
    if (opts.profile) {
      delete variants['compat'];
      delete variants['thv'];
      const r = await scenario(10, 5);
      await Promise.all([bare.stop(), warm.stop()]); // --cpu-prof writes on exit
      const out: Record<string, unknown> = {};
      for (const v of ['bare', 'warm']) {
        const s = summariseProfiles(profDir(v) as string);
        const requests = (r[v] ?? []).reduce((a, x) => a + x.requests, 0) + 1;
        printProfile(`${v} (node --cpu-prof, ${opts.seconds} s at 10 connections)`, s, requests);
        out[v] = { ...s, requests, usPerRequest: s.busyUs / requests };
      }
      return out;
    }
    const loadBefore = os.loadavg();
    const c10 = await scenario(10, 5);
    const c50 = await scenario(50, 50);
    const sse = await openStreams(
      variants['warm'] as { url: string; pid: number },
      1000,
      token,
      one,
    );
    const summary = {
      generator: loadGenerator(),
      sealedNetwork: opts.sealed,
      rounds: opts.rounds,
      seconds: opts.seconds,
      c10delay5ms: summarise(c10),
      c50delay50ms: summarise(c50),
      ratios: ratios(c10, c50),
      pairedRatios: pairedRatios(c10, c50),
      loadAverage: { before: loadBefore, after: os.loadavg() },
      sse,
    };
    print(`10 connections, token endpoint +5 ms`, c10, opts);
    print(`50 connections, token endpoint +50 ms`, c50, opts);
    console.log(
      `\n${sse.open} of ${sse.requested} SSE streams open through the warm proxy: its RSS ${sse.rssMbBefore.toFixed(0)} → ${sse.rssMbWith.toFixed(0)} MB; ordinary requests meanwhile ${sse.others.rps.toFixed(0)} req/s, p99 ${sse.others.p99Ms.toFixed(1)} ms, ${sse.others.non2xx + sse.others.errors} failed`,
    );
    printRatios(summary.ratios, summary.pairedRatios, c10, c50, summary.loadAverage);
    return summary;
  } finally {
    await Promise.all(started.reverse().map((s) => s.stop()));
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Holds `n` event streams open through a proxy, then measures ordinary requests beside them. */
async function openStreams(
  v: { url: string; pid: number },
  n: number,
  token: string,
  ordinary: (name: string, connections: number) => Promise<Sample>,
) {
  const http = await import('node:http');
  const rssMb = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${v.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  };
  const rssMbBefore = rssMb();
  const reqs: import('node:http').ClientRequest[] = [];
  const opened = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<boolean>((resolve) => {
          const req = http.get(
            `${v.url}/mcp`,
            {
              agent: false,
              headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
            },
            (res) => {
              res.once('data', () => resolve(res.statusCode === 200));
              res.once('error', () => resolve(false));
            },
          );
          req.once('error', () => resolve(false));
          req.setTimeout(20_000, () => {
            req.destroy();
            resolve(false);
          });
          reqs.push(req);
        }),
    ),
  );
  const rssMbWith = rssMb();
  const others = await ordinary('warm', 10);
  for (const r of reqs) r.destroy();
  return { requested: n, open: opened.filter(Boolean).length, rssMbBefore, rssMbWith, others };
}

type Runs = Record<string, Sample[]>;
const med = (r: Runs, k: string, f: keyof Sample) => median((r[k] ?? []).map((s) => s[f]));
const per10k = (r: Runs, k: string) => {
  const s = r[k] ?? [];
  const req = s.reduce((a, x) => a + x.requests, 0);
  return req ? (10_000 * s.reduce((a, x) => a + x.tokenRequests, 0)) / req : NaN;
};

function summarise(r: Runs) {
  return Object.fromEntries(
    Object.keys(r).map((k) => [
      k,
      {
        rps: med(r, k, 'rps'),
        rpsRange: (r[k] ?? []).map((s) => Math.round(s.rps)),
        p50Ms: med(r, k, 'p50Ms'),
        p99Ms: med(r, k, 'p99Ms'),
        cpuUsPerRequest: med(r, k, 'cpuUsPerRequest'),
        cpuUsRange: (r[k] ?? []).map((s) => Math.round(s.cpuUsPerRequest)),
        load1Range: (r[k] ?? []).map((s) => Number(s.load1.toFixed(2))),
        tokenRequestsPer10k: per10k(r, k),
        non2xx: (r[k] ?? []).reduce((a, s) => a + s.non2xx, 0),
        errors: (r[k] ?? []).reduce((a, s) => a + s.errors, 0),
      },
    ]),
  );
}

function ratios(c10: Runs, c50: Runs) {
  const out: Record<string, number> = {
    warmOverBareRps10c: med(c10, 'warm', 'rps') / med(c10, 'bare', 'rps'),
    warmOverBareRps50c: med(c50, 'warm', 'rps') / med(c50, 'bare', 'rps'),
    // CPU per request: bare ÷ warm, so that ≥ 0.85 reads the same way as throughput
    bareOverWarmCpu10c: med(c10, 'bare', 'cpuUsPerRequest') / med(c10, 'warm', 'cpuUsPerRequest'),
    bareOverWarmCpu50c: med(c50, 'bare', 'cpuUsPerRequest') / med(c50, 'warm', 'cpuUsPerRequest'),
    warmOverCompatRps10c: med(c10, 'warm', 'rps') / med(c10, 'compat', 'rps'),
    warmOverCompatRps50c: med(c50, 'warm', 'rps') / med(c50, 'compat', 'rps'),
  };
  if (c10['thv']) {
    out['warmOverThvRps10c5ms'] = med(c10, 'warm', 'rps') / med(c10, 'thv', 'rps');
    out['warmOverThvRps50c50ms'] = med(c50, 'warm', 'rps') / med(c50, 'thv', 'rps');
    out['thvOverWarmCpu10c'] =
      med(c10, 'thv', 'cpuUsPerRequest') / med(c10, 'warm', 'cpuUsPerRequest');
    out['thvOverWarmCpu50c'] =
      med(c50, 'thv', 'cpuUsPerRequest') / med(c50, 'warm', 'cpuUsPerRequest');
  }
  return out;
}

/**
 * The same ratios taken round by round (warm and bare measured in the same
 * round), then the median: on a shared machine a busy spell slows both
 * variants of one round, so this is steadier than a ratio of two medians.
 */
function pairedRatios(c10: Runs, c50: Runs) {
  const paired = (r: Runs, f: (w: Sample, b: Sample) => number) =>
    median((r['warm'] ?? []).map((w, i) => f(w, (r['bare'] ?? [])[i] as Sample)));
  return {
    warmOverBareRps10c: paired(c10, (w, b) => w.rps / b.rps),
    warmOverBareRps50c: paired(c50, (w, b) => w.rps / b.rps),
    bareOverWarmCpu10c: paired(c10, (w, b) => b.cpuUsPerRequest / w.cpuUsPerRequest),
    bareOverWarmCpu50c: paired(c50, (w, b) => b.cpuUsPerRequest / w.cpuUsPerRequest),
  };
}

function printRatios(
  r: Record<string, number>,
  paired: ReturnType<typeof pairedRatios>,
  c10: Runs,
  c50: Runs,
  load: { before: number[]; after: number[] },
) {
  const f = (x: number | undefined) => (x === undefined ? '   —' : x.toFixed(2).padStart(5));
  const l = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
  console.log(
    `
ratios (medians of the rounds; "paired": the median of each round's own ratio). Load average ${l(load.before)} before, ${l(load.after)} after`,
  );
  console.log('                                         10 conns, +5 ms   50 conns, +50 ms   aim');
  const row = (label: string, a: number | undefined, b: number | undefined, aim: string) =>
    console.log(`  ${label.padEnd(39)}${f(a).padStart(9)}${f(b).padStart(19)}   ${aim}`);
  row('warm ÷ bare, throughput', r['warmOverBareRps10c'], r['warmOverBareRps50c'], '≥ 0.85');
  row('  paired', paired.warmOverBareRps10c, paired.warmOverBareRps50c, '');
  row(
    'bare ÷ warm, CPU µs per request',
    r['bareOverWarmCpu10c'],
    r['bareOverWarmCpu50c'],
    '≥ 0.85',
  );
  row('  paired', paired.bareOverWarmCpu10c, paired.bareOverWarmCpu50c, '');
  row('warm ÷ compat, throughput', r['warmOverCompatRps10c'], r['warmOverCompatRps50c'], '≥ 5');
  if (c10['thv']) {
    row(
      'warm ÷ thv proxy, throughput',
      r['warmOverThvRps10c5ms'],
      r['warmOverThvRps50c50ms'],
      '≥ 10',
    );
    row('thv ÷ warm, CPU µs per request', r['thvOverWarmCpu10c'], r['thvOverWarmCpu50c'], '');
  }
  const idp = (k: string) => `${k} ${per10k(c10, k).toFixed(1)} / ${per10k(c50, k).toFixed(1)}`;
  console.log(
    `  token-endpoint requests per 10,000 client requests (10 / 50 conns): ${Object.keys(c10).map(idp).join(', ')}`,
  );
}

function print(label: string, r: Runs, opts: Options) {
  console.log(
    `\n${label}; ${opts.rounds} alternating rounds of ${opts.seconds} s; each server its own process`,
  );
  console.log(
    'variant  req/s median (range)      p50 ms  p99 ms  CPU µs/req (range)  token req/10k  non-2xx',
  );
  for (const k of Object.keys(r)) {
    const s = r[k] ?? [];
    console.log(
      [
        k.padEnd(8),
        `${med(r, k, 'rps').toFixed(0).padStart(7)} (${range(s.map((x) => x.rps))})`.padEnd(25),
        med(r, k, 'p50Ms').toFixed(2).padStart(6),
        med(r, k, 'p99Ms').toFixed(2).padStart(7),
        `${med(r, k, 'cpuUsPerRequest').toFixed(0).padStart(6)} (${range(s.map((x) => x.cpuUsPerRequest))})`.padEnd(
          19,
        ),
        per10k(r, k).toFixed(1).padStart(13),
        String(s.reduce((a, x) => a + x.non2xx + x.errors, 0)).padStart(8),
      ].join('  '),
    );
  }
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as import('node:net').AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '5' },
      sealed: { type: 'boolean', default: false },
      thv: { type: 'string' },
      'thv-env': { type: 'string' },
      profile: { type: 'boolean', default: false },
    },
  });
  const thvEnv = values['thv-env']
    ? (JSON.parse(values['thv-env']) as NodeJS.ProcessEnv)
    : undefined;
  measure({
    rounds: Number(values.rounds),
    seconds: Number(values.seconds),
    sealed: values.sealed ?? false,
    profile: values.profile ?? false,
    ...(values.thv ? { thv: values.thv } : {}),
    ...(thvEnv ? { thvEnv } : {}),
  }).then(
    (s) => console.log(`SUMMARY ${JSON.stringify(s)}`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
