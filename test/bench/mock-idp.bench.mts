/**
 * Mock IdP bench: start-up time (library and CLI) and token exchanges per
 * second, side by side with a JWKS GET (no crypto) as the yardstick. The mock
 * runs as a child process (the CLI), autocannon in this one; the two loads are
 * measured alternately (A B A B …) and reported as medians with spread.
 *
 *   npm run bench -- mock-idp [--quick]
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import { startMockIdp } from '../../scripts/mock-idp/index.mts';
import type { AuthorizationServerInfo } from '../../scripts/mock-idp/index.mts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const spread = (xs: number[]) => {
  const m = median(xs);
  return m === 0 ? 0 : Math.max(...xs.map((x) => Math.abs(x - m) / m));
};

async function libraryStartup(rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const idp = await startMockIdp({ control: true });
    times.push(performance.now() - t0);
    await idp.close();
  }
  return times;
}

interface CliIdp {
  url: string;
  authorizationServers: AuthorizationServerInfo[];
  wallMs: number;
  stop(): void;
}

function startCli(): Promise<CliIdp> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/mock-idp/cli.mts', '--control', '--json'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`mock IdP CLI exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      const info = JSON.parse(line) as {
        url: string;
        authorizationServers: AuthorizationServerInfo[];
      };
      resolve({ ...info, wallMs: performance.now() - t0, stop: () => child.kill('SIGTERM') });
    });
  });
}

const autocannonBin = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../node_modules/autocannon/autocannon.js',
);

interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** autocannon in its own process (-j: JSON result). */
async function load(opts: LoadOptions): Promise<{ rps: number; p99: number; errors: number }> {
  const args = [autocannonBin, '-j', '-c', String(opts.connections), '-d', String(opts.duration)];
  if (opts.method) args.push('-m', opts.method);
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`);
  if (opts.body) args.push('-b', opts.body);
  args.push(opts.url);
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 24 });
  const r = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p99: number };
    non2xx: number;
    errors: number;
  };
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.non2xx + r.errors };
}

export async function run({ quick }: { quick: boolean }): Promise<Record<string, unknown>> {
  const lib = await libraryStartup(quick ? 5 : 15);
  const idp = await startCli();
  try {
    const mcp = idp.authorizationServers.find((s) => s.id === 'aus1234567890');
    const backend = idp.authorizationServers.find((s) => s.id === 'aus9876543210');
    if (!mcp || !backend) throw new Error('default configuration without the Okta servers');
    const minted = (await (
      await fetch(`${idp.url}/__mock/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ issuer: mcp.issuer }),
      })
    ).json()) as { access_token: string };
    const exchangeBody = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: minted.access_token,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: 'backend-api',
      scope: 'api:read',
    }).toString();
    const duration = quick ? 2 : 5;
    const connections = 10;
    const exchange: LoadOptions = {
      url: backend.endpoints.token as string,
      method: 'POST',
      connections,
      duration,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'Basic ' +
          Buffer.from('0oa0987654321fedcba:mock-only-exchange-secret').toString('base64'),
      },
      body: exchangeBody,
    };
    const jwks: LoadOptions = {
      url: backend.endpoints.jwks as string,
      connections,
      duration,
    };
    const rounds = quick ? 2 : 3;
    const ex: { rps: number; p99: number; errors: number }[] = [];
    const jw: { rps: number; p99: number; errors: number }[] = [];
    for (let i = 0; i < rounds; i++) {
      ex.push(await load(exchange));
      jw.push(await load(jwks));
    }
    const exRps = ex.map((r) => r.rps);
    const jwRps = jw.map((r) => r.rps);
    const ratios = ex.map((r, i) => r.rps / (jw[i] as { rps: number }).rps);
    const summary = {
      libraryStartupMs: { median: +median(lib).toFixed(1), max: +Math.max(...lib).toFixed(1) },
      cliStartupToFirstLineMs: +idp.wallMs.toFixed(0),
      tokenExchangePerSecond: {
        median: Math.round(median(exRps)),
        spread: +spread(exRps).toFixed(2),
        p99Ms: median(ex.map((r) => r.p99)),
      },
      jwksGetPerSecond: { median: Math.round(median(jwRps)), spread: +spread(jwRps).toFixed(2) },
      exchangeOverJwks: +median(ratios).toFixed(3),
      errors: [...ex, ...jw].reduce((n, r) => n + r.errors, 0),
      connections,
      durationSeconds: duration,
      rounds,
    };
    console.table({
      'startMockIdp() median ms': summary.libraryStartupMs.median,
      'CLI spawn → first line ms (incl. tsx)': summary.cliStartupToFirstLineMs,
      'token exchange req/s (median)': summary.tokenExchangePerSecond.median,
      'token exchange p99 ms': summary.tokenExchangePerSecond.p99Ms,
      'JWKS GET req/s (median)': summary.jwksGetPerSecond.median,
      'exchange ÷ JWKS': summary.exchangeOverJwks,
      'non-2xx + errors': summary.errors,
    });
    return summary;
  } finally {
    idp.stop();
  }
}
