// Measuring servers as a user runs them: each in its own process, the load
// from a second process that costs little CPU itself (wrk; autocannon where
// wrk is absent), and the server's own CPU time per request read from
// /proc/PID/stat (utime + stime, fields 14 and 15, proc(5)).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServerProcess {
  proc: ChildProcess;
  pid: number;
  /** What the server printed as its first JSON line (URLs, ports), if it prints one. */
  info: Record<string, string>;
  /** Everything it wrote to stderr (and stdout after the first line, when kept). */
  output: () => string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Wait for a first stdout line holding JSON (default), or for this port to accept connections. */
  ready: { json: true } | { port: number; host?: string };
  /** Keep stdout (default: discarded after the first line, as a log collector would read it). */
  keepStdout?: boolean;
  timeoutMs?: number;
}

/** Starts a server process; resolves once it is ready; rejects with its output if it exits first. */
export async function startServer(
  command: string,
  args: string[],
  opts: SpawnOptions,
): Promise<ServerProcess> {
  // stdin stays a pipe: the project's bench servers stop when it closes (the runner died)
  const proc = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let firstLine: string | undefined;
  proc.stderr?.on('data', (c: Buffer) => {
    if (out.length < 64_000) out += c.toString();
  });
  proc.stdout?.on('data', (c: Buffer) => {
    if (firstLine === undefined) {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0 && 'json' in opts.ready) firstLine = out.slice(0, nl);
    } else if (opts.keepStdout && out.length < 64_000) out += c.toString();
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const name = `${path.basename(command)} ${args.slice(0, 3).join(' ')}`;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`${name} exited before it was ready:\n${out.trim()}`);
    }
    if ('json' in opts.ready && firstLine !== undefined) {
      try {
        const info = JSON.parse(firstLine.slice(firstLine.indexOf('{'))) as Record<string, string>;
        return { proc, pid: proc.pid as number, info, output: () => out, stop };
      } catch {
        await stop();
        throw new Error(`${name} printed no JSON first line: ${firstLine}`);
      }
    }
    if ('port' in opts.ready && (await accepts(opts.ready.port, opts.ready.host))) {
      return { proc, pid: proc.pid as number, info: {}, output: () => out, stop };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `${name} was not ready within ${opts.timeoutMs ?? 30_000} ms:\n${out.trim()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

let ticksPerSecond: number | undefined;

/** CPU time (user + system) a process has used so far, in microseconds (proc(5): stat fields 14, 15). */
export function cpuMicros(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name (field 2) may hold spaces and parentheses: count from the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) / ticksPerSecond) * 1e6;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export interface LoadRequest {
  url: string;
  connections: number;
  seconds: number;
  method: string;
  headers: Record<string, string>;
  body: string;
  /** Run the load generator through this prefix (e.g. `ip netns exec NAME`). */
  wrapper?: string[];
  /** Where wrk's request script is written. */
  scratchDir: string;
}

export function loadGenerator(): 'wrk' | 'autocannon' {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return 'wrk';
  } catch (err) {
    // wrk --version exits 1 after printing its version; only a missing binary is ENOENT
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'autocannon' : 'wrk';
  }
}

/** One load run. wrk: one thread (the servers under test need the other core), `--latency`. */
export async function load(req: LoadRequest, autocannonBin: string): Promise<LoadResult> {
  const wrap = (cmd: string, args: string[]): [string, string[]] =>
    req.wrapper && req.wrapper.length > 0
      ? [req.wrapper[0] as string, [...req.wrapper.slice(1), cmd, ...args]]
      : [cmd, args];
  if (loadGenerator() === 'wrk') {
    const script = path.join(req.scratchDir, `wrk-${process.pid}.lua`);
    const lua = [
      `wrk.method = ${JSON.stringify(req.method)}`,
      `wrk.body = ${JSON.stringify(req.body)}`,
      ...Object.entries(req.headers).map(
        ([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`,
      ),
      // no response() hook: it would make wrk parse every answer (wrk prints the
      // "Non-2xx or 3xx responses" count itself)
    ].join('\n');
    writeFileSync(script, `${lua}\n`);
    const [cmd, args] = wrap('wrk', [
      '-t1',
      `-c${req.connections}`,
      `-d${req.seconds}s`,
      '--latency',
      '-s',
      script,
      req.url,
    ]);
    const { stdout } = await run(cmd, args, { maxBuffer: 1 << 22 });
    return parseWrk(stdout);
  }
  const args = [
    autocannonBin,
    '-j',
    '-c',
    String(req.connections),
    '-d',
    String(req.seconds),
    '-m',
    req.method,
    '-b',
    req.body,
    ...Object.entries(req.headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]),
    req.url,
  ];
  const [cmd, wrapped] = wrap(process.execPath, args);
  const { stdout } = await run(cmd, wrapped, { maxBuffer: 1 << 24 });
  const r = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return {
    requests: r.requests.total,
    rps: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

const UNIT_MS: Record<string, number> = { us: 1e-3, ms: 1, s: 1000, m: 60_000 };

/** wrk's text report: "N requests in …", "Requests/sec:", the --latency percentiles, socket errors. */
export function parseWrk(out: string): LoadResult {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const pct = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? Number(m[1]) * (UNIT_MS[m[2] as string] as number) : NaN;
  };
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const requests = num(/(\d+) requests in/);
  if (!Number.isFinite(requests)) throw new Error(`wrk printed no result:\n${out}`);
  return {
    requests,
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/) || 0,
    errors: errs ? errs.slice(1).reduce((a, n) => a + Number(n), 0) : 0,
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

export const range = (xs: number[], digits = 0): string =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
