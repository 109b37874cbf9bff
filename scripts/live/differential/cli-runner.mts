// Runs the CLI cases twice: with the real thv on the live runtime
// (scripts/live/environment.mts: podman in a sealed network namespace, the
// example MCP server image under the guide's image name), and with the
// doctest's thv shim behind scripts/doctest/bin/thv, as a page would. Each
// case gets a fresh HOME on both sides. What is compared: exit status,
// stdout and stderr (normalised), and the client config files a step writes.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CLI_CASES, CLI_IMAGE, WAIT, type CliCase } from './cli-cases.mts';
import { EXCHANGE_CLIENT_SECRET } from './cases.mts';
import { compare, type Difference } from './observe.mts';
import { REPO_ROOT } from './processes.mts';
import { TOOLHIVE_EGRESS_IMAGE } from '../../doctest/shims/thv-log.mts';

export interface StepResult {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

/** What one side showed for a case: each step, then the files it left in HOME. */
export interface CliObservation {
  steps: StepResult[];
  files: Record<string, string>;
  /** Seconds each wait step took until `thv list` showed the workload running (null: it never did). Not compared. */
  waited?: (number | null)[];
}

export interface CliCaseResult {
  id: string;
  title: string;
  agree: boolean;
  differences: Difference[];
  thv: CliObservation;
  shim: CliObservation;
}

const LIVE_ENVIRONMENT = join(REPO_ROOT, 'scripts/live/environment.mts');

interface LiveRuntimeLike {
  env: Record<string, string>;
  images: Record<string, string>;
  binDir: string;
  alias(name: string, image: string): Promise<void>;
  close(): Promise<void>;
}
interface LiveModule {
  startLiveRuntime(opts: { dir: string }): Promise<LiveRuntimeLike>;
  thvEnv(opts: { home: string; caFile: string; httpsProxy: string }): Record<string, string>;
}

/** Why the CLI cases cannot run here, or undefined when they can. */
export async function cliUnavailable(): Promise<string | undefined> {
  if (!existsSync(LIVE_ENVIRONMENT))
    return 'needs the live runtime (scripts/live/environment.mts, startLiveRuntime), which is not in this tree';
  const live = (await import(LIVE_ENVIRONMENT)) as Partial<LiveModule> & {
    liveAvailability?: () => { ok: boolean; reason?: string };
  };
  if (typeof live.startLiveRuntime !== 'function' || typeof live.thvEnv !== 'function')
    return 'scripts/live/environment.mts has no startLiveRuntime/thvEnv';
  const a = live.liveAvailability?.();
  if (a && !a.ok) return a.reason;
  return undefined;
}

/**
 * What is replaced in CLI output before comparing, one named rule per
 * pattern, each a value that depends only on the run or on this machine —
 * never on what thv or the shim decided. Everything else is compared as
 * printed.
 */
export interface CliRule {
  name: string;
  /** Why the value is environmental, not a behaviour of thv. */
  why: string;
  apply(text: string, home: string): string;
}

export const CLI_RULES: readonly CliRule[] = [
  {
    name: 'HOME folder (<HOME>)',
    why: 'each side runs in a fresh temporary HOME; ToolHive prints paths under it (logging to …, client files)',
    apply: (t, home) => t.split(home).join('<HOME>'),
  },
  {
    name: 'times (<time>)',
    why: 'log lines, `thv list` CREATED and status times are the clock at run time',
    apply: (t) =>
      t.replace(
        /\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?( ?(Z|[+-]\d\d:?\d\d)( [A-Z]{2,5})?)?/g,
        '<time>',
      ),
  },
  {
    name: 'listen ports (127.0.0.1, localhost, 0.0.0.0:<port>)',
    why: 'thv picks a free random port for the proxy (pkg/networking/port.go:65@v0.44.0) and for the MCP server in its container; the shim takes a free port too',
    apply: (t) => t.replace(/(127\.0\.0\.1|localhost|0\.0\.0\.0):\d+/g, '$1:<port>'),
  },
  {
    name: 'the PORT column of `thv list` (<port>)',
    why: 'the same random proxy port, printed alone in the table',
    apply: (t) => t.replace(/(^|\s)\d{4,5}(?=\s)/gm, '$1<port>'),
  },
  {
    name: 'the egress image the live runtime names (ToolHive’s default egress image)',
    why: 'no registry here: the live runtime builds the Squid image itself and points TOOLHIVE_EGRESS_IMAGE at it (localhost/toolhive-docs/egress-proxy:<key>, scripts/live/images.mts); a user without the variable gets ToolHive’s default (pkg/container/docker/squid.go:22@v0.44.0), which the shim names',
    apply: (t) =>
      t.replace(/localhost\/toolhive-docs\/egress-proxy:[0-9a-f]+/g, TOOLHIVE_EGRESS_IMAGE),
  },
  {
    name: 'readiness retries while the container starts (line removed)',
    why: 'ToolHive’s readiness probe goes through its proxy; while the MCP server in its container is not yet listening, the proxy logs "failed to forward request" and "http: proxy error" with "connection refused" — how many depends on how fast the machine starts the container',
    apply: (t) =>
      t.replace(
        /^\{"time":"[^"]*","level":"(ERROR|INFO)","msg":"(failed to forward request","error":"dial tcp [^"]+: connect: connection refused|http: proxy error: dial tcp [^"]+: connect: connection refused)"\}\n/gm,
        '',
      ),
  },
  {
    name: 'process ids ("pid":<pid>)',
    why: 'the detached runner logs its own process id',
    apply: (t) => t.replace(/"pid":\d+/g, '"pid":<pid>'),
  },
  {
    name: 'container ids (<container id>)',
    why: 'podman makes a new 64-hex id for every container',
    apply: (t) => t.replace(/\b[0-9a-f]{64}\b/g, '<container id>'),
  },
];

/** The CLI rules applied in order. */
export function normaliseCli(text: string, home: string): string {
  return CLI_RULES.reduce((t, r) => r.apply(t, home), text);
}

function exec(
  file: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd, timeout: 90_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code =
        err && typeof (err as { code?: unknown }).code === 'number'
          ? (err as { code: number }).code
          : err
            ? 1
            : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Files a client setup writes (VS Code, Cursor, Claude Code …), relative to HOME. */
async function clientFiles(home: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const want = /(^|\/)(mcp\.json|settings\.json|\.claude\.json|claude_desktop_config\.json)$/;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 5) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      const rel = relative(home, p);
      if (rel.startsWith('.local/share/toolhive') || rel.startsWith('.config/toolhive')) continue;
      if (e.isDirectory()) await walk(p, depth + 1);
      else if (want.test(rel)) out[rel] = normaliseCli(await readFile(p, 'utf8'), home);
    }
  };
  await walk(home, 0);
  return out;
}

/** Placeholders in a step's arguments. */
async function expand(args: string[], home: string): Promise<string[]> {
  const secretFile = join(home, 'exchange-secret');
  const emptyFile = join(home, 'empty-secret');
  await writeFile(secretFile, `${EXCHANGE_CLIENT_SECRET}\n`, { mode: 0o600 });
  await writeFile(emptyFile, '', { mode: 0o600 });
  return args.map((a) =>
    a === '<SECRET_FILE>' ? secretFile : a === '<EMPTY_FILE>' ? emptyFile : a,
  );
}

async function observeSide(
  c: CliCase,
  home: string,
  runStep: (args: string[], env: Record<string, string>) => Promise<StepResult>,
  cleanup: () => Promise<void>,
): Promise<CliObservation> {
  const steps: StepResult[] = [];
  const waited: (number | null)[] = [];
  try {
    for (const step of c.steps) {
      if (step[0] === WAIT) {
        // Real thv detaches before the workload is up; wait as the CLI guide does
        // (`thv list | grep -q '^NAME .*running'`, 60 s unless the case says). `thv list --all` is no
        // test: it lists the workload from the moment its status file says `starting`.
        const running = new RegExp(`^${step[1] as string}\\s.*\\brunning\\b`, 'm');
        const started = Date.now();
        let seen: number | null = null;
        const deadline = started + Number(step[2] ?? '60') * 1000;
        while (Date.now() < deadline) {
          const r = await runStep(['list'], c.env ?? {});
          if (running.test(r.stdout)) {
            seen = Math.round((Date.now() - started) / 1000);
            break;
          }
          await new Promise((res) => setTimeout(res, 1000));
        }
        waited.push(seen);
        continue;
      }
      const args = await expand(step, home);
      const r = await runStep(args, c.env ?? {});
      steps.push({
        args: step,
        code: r.code,
        stdout: normaliseCli(r.stdout, home),
        stderr: normaliseCli(r.stderr, home),
      });
    }
    return { steps, files: await clientFiles(home), waited };
  } finally {
    await cleanup();
  }
}

/** The real thv on the live runtime. */
async function realSide(live: LiveModule, rt: LiveRuntimeLike, dir: string) {
  return async (c: CliCase): Promise<CliObservation> => {
    const home = await mkdtemp(join(dir, 'thv-home-'));
    const base = {
      PATH: `${rt.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      ...live.thvEnv({ home, caFile: '', httpsProxy: '' }),
      ...rt.env,
    };
    const thv = join(rt.binDir, 'thv');
    const names = new Set<string>();
    return observeSide(
      c,
      home,
      async (args, env) => {
        const name = args[args.indexOf('--name') + 1];
        if (args[0] === 'run' && name) names.add(name);
        return { args, ...(await exec(thv, args, { ...base, ...env }, home)) };
      },
      async () => {
        for (const n of names) await exec(thv, ['rm', n], base, home);
      },
    );
  };
}

/**
 * The doctest's thv shim as a page's shell meets it: the hermetic world's
 * public interface (scripts/doctest/world.mts) opens a page whose shell
 * environment puts scripts/doctest/bin/thv first on PATH.
 */
export async function shimSide(dir: string, signal: AbortSignal) {
  const { PlanSchema } = await import('../../doctest/plan.mts');
  const { hermetic } = await import('../../doctest/worlds/hermetic/index.mts');
  const { Cleanups } = await import('../../doctest/cleanups.mts');
  const world = await hermetic.openWorld({ root: REPO_ROOT, signal });
  const side = async (c: CliCase): Promise<CliObservation> => {
    const workspace = await mkdtemp(join(dir, 'shim-home-'));
    const cleanups = new Cleanups();
    const page = world.openPage({
      root: REPO_ROOT,
      page: 'scripts/live/differential/cli-cases.mts',
      pageAbs: join(REPO_ROOT, 'scripts/live/differential/cli-cases.mts'),
      plan: PlanSchema.parse({ version: 1, images: { [CLI_IMAGE]: 'example-mcp-server' } }),
      workspace,
      signal,
      cleanups,
      artefacts: {},
    });
    const env = (await page.shellEnv()) as Record<string, string>;
    const bin = join(REPO_ROOT, 'scripts/doctest/bin/thv');
    return observeSide(
      c,
      workspace,
      async (args, extra) => ({
        args,
        ...(await exec(bin, args, { ...env, ...extra }, workspace)),
      }),
      async () => {
        await cleanups.run();
      },
    );
  };
  return { side, close: () => world.close() };
}

export async function runCliCases(only: (id: string) => boolean): Promise<CliCaseResult[]> {
  const live = (await import(LIVE_ENVIRONMENT)) as LiveModule;
  const dir = await mkdtemp(join(tmpdir(), 'fidelity-cli-'));
  await mkdir(dir, { recursive: true });
  const rt = await live.startLiveRuntime({ dir: join(dir, 'runtime') });
  const results: CliCaseResult[] = [];
  const controller = new AbortController();
  let closeShim: (() => Promise<void>) | undefined;
  try {
    const image = rt.images['example-mcp-server'];
    if (!image) throw new Error('the live runtime has no example-mcp-server image');
    await rt.alias(CLI_IMAGE, image);
    const real = await realSide(live, rt, dir);
    const shim = await shimSide(dir, controller.signal);
    closeShim = shim.close;
    for (const c of CLI_CASES.filter((x) => only(x.id))) {
      const t = await real(c);
      const s = await shim.side(c);
      // what each side showed; how long the waits took is not a difference
      const differences = compare(
        { steps: t.steps, files: t.files },
        { steps: s.steps, files: s.files },
      );
      results.push({
        id: c.id,
        title: c.title,
        agree: differences.length === 0,
        differences,
        thv: t,
        shim: s,
      });
    }
  } finally {
    await closeShim?.();
    controller.abort();
    await rt.close();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}
