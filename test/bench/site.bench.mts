/**
 * `npm run bench -- site`: the site's figures.
 *
 * - `docusaurus build` wall time, user and system CPU and peak memory
 *   (largest process RSS), from GNU time, into a throw-away directory so
 *   build/ is left alone. Cold is what `docusaurus clear && docusaurus
 *   build` measures on a fresh machine such as Vercel's or CI's: before each
 *   cold build the suite removes what `docusaurus clear` removes but build/
 *   (.docusaurus and node_modules/.cache, where rspack's persistent cache
 *   lives; so do not run it beside `docusaurus start`), and the build gets an
 *   empty TMPDIR, so jiti (which loads docusaurus.config.ts and caches its
 *   transpiled modules in os.tmpdir()/node-jiti, a cache `clear` leaves)
 *   starts empty too. The persistent cache stays on, as in a real build, so
 *   a cold build also pays for writing it. SITE_BENCH_BUILDS cold builds
 *   (default 3, 1 with --quick), the median reported with each build's load;
 *   unless --quick, then one warm build (the caches as the last cold build
 *   left them). SITE_BENCH_BUILD_ONLY=1 stops after the builds;
 * - JavaScript and CSS a guide ships on first load (gzip bytes as sent by
 *   scripts/site/serve.mts, measured in Chromium until the network is idle,
 *   so lazily loaded chunks such as mermaid's count; link prefetches of other
 *   pages do not);
 * - Lighthouse 12.8.2 per guide (mobile, and desktop unless --quick), run
 *   with a pinned `npx -y lighthouse@12.8.2` so lighthouse stays out of the
 *   lockfile (its `third-party-web` dependency is pulled by dist-tag, which
 *   breaks `npm ci`). CHROME_PATH defaults to /usr/bin/chromium.
 *   Lighthouse's mobile figures scale the CPU time it observes, so on a
 *   shared machine they move with the load: the guides run one at a time, in
 *   SITE_BENCH_RUNS rounds (default 3) that each visit every guide, and the
 *   summary keeps per guide the median and range of each score, the median
 *   metrics (FCP, LCP and its phases, TBT, CLS, Speed Index), the scripts
 *   that cost the main thread most, and per run the machine's load average
 *   and Lighthouse's own CPU benchmark index (lower: a slower machine).
 *   SITE_BENCH_COMPARE=before=DIR,after=DIR measures built sites side by
 *   side instead of building, alternating them within each round;
 *   SITE_BENCH_ROUTES=/toolhive/a,/toolhive/b measures only those guides.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { routesFromVercelJson } from '../../scripts/site/vercel-routing.mts';
import { startSiteServer } from '../../scripts/site/static-server.mts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LIGHTHOUSE = 'lighthouse@12.8.2';
const chromePath = process.env.CHROME_PATH ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout, stderr, ms: performance.now() - started }),
    );
  });
}

interface BuildFigures {
  /** Wall time of `docusaurus build`. */
  seconds: number;
  userSeconds: number | null;
  sysSeconds: number | null;
  peakMB: number | null;
  /** One-minute load average before and after the build. */
  load: [number, number];
}

/** What `docusaurus clear` removes, build/ aside (the suite builds elsewhere). */
const CLEARED = ['.docusaurus', path.join('node_modules', '.cache')];

async function measureBuild(outDir: string, tmpDir: string, cold: boolean): Promise<BuildFigures> {
  if (cold) {
    for (const dir of [...CLEARED.map((d) => path.join(root, d)), outDir, tmpDir]) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  mkdirSync(tmpDir, { recursive: true });
  const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const args = ['docusaurus', 'build', '--out-dir', outDir];
  const env = { TMPDIR: tmpDir };
  const before = load1();
  const result = time
    ? await run(time, ['-f', 'BENCH_TIME=%e %U %S %M', 'npx', ...args], env)
    : await run('npx', args, env);
  if (result.code !== 0) {
    throw new Error(
      `docusaurus build failed (exit ${result.code}):\n${result.stderr.slice(-2000)}`,
    );
  }
  const gnu = /BENCH_TIME=([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr);
  return {
    seconds: round(gnu ? Number(gnu[1]) : result.ms / 1000, 1),
    userSeconds: gnu ? round(Number(gnu[2]), 1) : null,
    sysSeconds: gnu ? round(Number(gnu[3]), 1) : null,
    peakMB: gnu ? Math.round(Number(gnu[4]) / 1024) : null,
    load: [before, load1()],
  };
}

function describeBuild(b: BuildFigures): string {
  const cpu = b.userSeconds === null ? '' : `, CPU ${b.userSeconds} user + ${b.sysSeconds} sys`;
  return `${b.seconds} s${cpu}, peak RSS ${b.peakMB ?? '?'} MB, load ${b.load.join(' → ')}`;
}

const round = (n: number, digits = 0): number => Number(n.toFixed(digits));
const load1 = (): number => round(loadavg()[0] ?? 0, 2);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The guides in the sitemap, or those of them SITE_BENCH_ROUTES names (comma-separated paths). */
function guides(buildDir: string): string[] {
  const xml = readFileSync(path.join(buildDir, 'sitemap.xml'), 'utf8');
  const all = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)]
    .map((m) => new URL(m[1] ?? '').pathname)
    .filter((p) => p.startsWith('/toolhive/'));
  const wanted = process.env.SITE_BENCH_ROUTES?.split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (!wanted?.length) return all;
  const unknown = wanted.filter((r) => !all.includes(r));
  if (unknown.length > 0) {
    throw new Error(
      `SITE_BENCH_ROUTES: ${unknown.join(', ')} not among the guides in ${buildDir}/sitemap.xml (${all.join(', ')})`,
    );
  }
  return wanted;
}

async function firstLoadBytes(
  baseUrl: string,
  routes: string[],
): Promise<Record<string, { js: number; css: number; total: number }>> {
  const browser = await chromium.launch({
    executablePath: existsSync(chromePath) ? chromePath : undefined,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const out: Record<string, { js: number; css: number; total: number }> = {};
  try {
    for (const route of routes) {
      // A fresh context per guide: nothing cached, gzip (not brotli) asked for.
      const context = await browser.newContext({
        extraHTTPHeaders: { 'Accept-Encoding': 'gzip' },
      });
      const page = await context.newPage();
      const sizes = { js: 0, css: 0 };
      const pending: Promise<void>[] = [];
      page.on('requestfinished', (request) => {
        const type = request.resourceType();
        if (type !== 'script' && type !== 'stylesheet') return;
        pending.push(
          request.sizes().then((s) => {
            sizes[type === 'script' ? 'js' : 'css'] += s.responseBodySize;
          }),
        );
      });
      await page.goto(baseUrl + route, { waitUntil: 'networkidle' });
      await Promise.all(pending);
      out[route] = { ...sizes, total: sizes.js + sizes.css };
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return out;
}

interface Scores {
  performance: number;
  accessibility: number;
  'best-practices': number;
  seo: number;
}

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const METRICS = {
  fcpMs: 'first-contentful-paint',
  lcpMs: 'largest-contentful-paint',
  tbtMs: 'total-blocking-time',
  cls: 'cumulative-layout-shift',
  speedIndexMs: 'speed-index',
} as const;
type Metric = keyof typeof METRICS;

/** One Lighthouse run: scores, metrics, LCP phases, main-thread cost per script, the machine. */
interface LighthouseRun {
  scores: Scores;
  metrics: Record<Metric, number>;
  lcpPhases: Record<string, number>;
  /** Main-thread ms per script (Lighthouse's bootup-time, scaled as it scores). */
  scriptMs: Record<string, number>;
  /** Audits under 100 in accessibility, best practices and SEO, by id. */
  failing: string[];
  load: number;
  benchmarkIndex: number | null;
}

interface LighthouseJson {
  categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
  audits: Record<
    string,
    {
      score: number | null;
      title: string;
      numericValue?: number;
      details?: { items?: Record<string, unknown>[] };
    }
  >;
  environment?: { benchmarkIndex?: number };
}

async function lighthouse(url: string, preset: 'mobile' | 'desktop'): Promise<LighthouseRun> {
  const args = [
    '-y',
    LIGHTHOUSE,
    url,
    '--output=json',
    '--output-path=stdout',
    '--quiet',
    '--only-categories=performance,accessibility,best-practices,seo',
    '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking',
    ...(preset === 'desktop' ? ['--preset=desktop'] : []),
  ];
  const load = load1();
  const result = await run('npx', args, { CHROME_PATH: chromePath });
  if (result.code !== 0) {
    throw new Error(
      `lighthouse ${url} failed (exit ${result.code}): ${result.stderr.slice(-1500)}`,
    );
  }
  const report = JSON.parse(result.stdout) as LighthouseJson;
  // Name what costs points, so a score below 100 says why.
  const failing: string[] = [];
  for (const key of ['accessibility', 'best-practices', 'seo'] as const) {
    for (const ref of report.categories[key]?.auditRefs ?? []) {
      const audit = report.audits[ref.id];
      if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) {
        failing.push(`${key}: ${ref.id} — ${audit.title}`);
      }
    }
  }
  const score = (k: keyof Scores): number => Math.round((report.categories[k]?.score ?? 0) * 100);
  const metrics = Object.fromEntries(
    Object.entries(METRICS).map(([name, id]) => [
      name,
      round(report.audits[id]?.numericValue ?? Number.NaN, name === 'cls' ? 3 : 0),
    ]),
  ) as Record<Metric, number>;
  // The LCP element audit's second table: TTFB, load delay, load time, render delay.
  const lcpPhases: Record<string, number> = {};
  const lcpTables = report.audits['largest-contentful-paint-element']?.details?.items ?? [];
  for (const table of lcpTables) {
    for (const item of (table.items as { phase?: string; timing?: number }[] | undefined) ?? []) {
      if (item.phase && typeof item.timing === 'number') lcpPhases[item.phase] = round(item.timing);
    }
  }
  const scriptMs: Record<string, number> = {};
  for (const item of report.audits['bootup-time']?.details?.items ?? []) {
    const where = String(item.url ?? '');
    const name = where.startsWith('http') ? new URL(where).pathname : where;
    scriptMs[name] = round(Number(item.total ?? 0));
  }
  return {
    scores: {
      performance: score('performance'),
      accessibility: score('accessibility'),
      'best-practices': score('best-practices'),
      seo: score('seo'),
    },
    metrics,
    lcpPhases,
    scriptMs,
    failing,
    load,
    benchmarkIndex: report.environment?.benchmarkIndex ?? null,
  };
}

/** Medians (and ranges) of a guide's runs under one preset. */
function summarize(runs: LighthouseRun[]): Record<string, unknown> {
  const scores = Object.fromEntries(
    CATEGORIES.map((c) => {
      const values = runs.map((r) => r.scores[c]);
      return [c, { median: median(values), min: Math.min(...values), max: Math.max(...values) }];
    }),
  );
  const metrics = Object.fromEntries(
    (Object.keys(METRICS) as Metric[]).map((m) => [m, median(runs.map((r) => r.metrics[m]))]),
  );
  const phases = [...new Set(runs.flatMap((r) => Object.keys(r.lcpPhases)))];
  const lcpPhases = Object.fromEntries(
    phases.map((p) => [p, median(runs.map((r) => r.lcpPhases[p] ?? 0))]),
  );
  const scripts = [...new Set(runs.flatMap((r) => Object.keys(r.scriptMs)))];
  const scriptMs = Object.fromEntries(
    scripts
      .map((name) => [name, median(runs.map((r) => r.scriptMs[name] ?? 0))] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6),
  );
  return {
    runs: runs.length,
    scores,
    metrics,
    lcpPhases,
    scriptMs,
    failing: [...new Set(runs.flatMap((r) => r.failing))],
    load: runs.map((r) => r.load),
    benchmarkIndex: runs.map((r) => r.benchmarkIndex),
    perRun: runs.map((r) => ({ scores: r.scores, metrics: r.metrics })),
  };
}

/** Each file the server may send, fetched once, so no Lighthouse run pays for its compression. */
async function warm(baseUrl: string, buildDir: string, routes: string[]): Promise<void> {
  const assets: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}/${entry.name}`);
      else assets.push(`${prefix}/${entry.name}`);
    }
  };
  walk(path.join(buildDir, 'assets'), '/assets');
  for (const url of [...routes, ...assets]) {
    for (const encoding of ['br', 'gzip']) {
      await fetch(baseUrl + url, { headers: { 'Accept-Encoding': encoding } }).then((r) =>
        r.arrayBuffer(),
      );
    }
  }
}

/** Built sites to compare instead of building (SITE_BENCH_COMPARE=label=dir,label=dir). */
function comparedBuilds(): { label: string; dir: string }[] | null {
  const spec = process.env.SITE_BENCH_COMPARE;
  if (!spec) return null;
  return spec.split(',').map((part) => {
    const at = part.indexOf('=');
    const label = at > 0 ? part.slice(0, at) : part;
    const dir = path.resolve(at > 0 ? part.slice(at + 1) : part);
    if (!existsSync(path.join(dir, 'sitemap.xml'))) {
      throw new Error(
        `SITE_BENCH_COMPARE: ${dir} has no sitemap.xml; give built sites (docusaurus build --out-dir DIR) as label=DIR,label=DIR`,
      );
    }
    return { label, dir };
  });
}

export async function run_({ quick }: { quick: boolean }): Promise<Record<string, unknown>> {
  const summary: Record<string, unknown> = {};
  const rounds = Math.max(1, Number(process.env.SITE_BENCH_RUNS ?? 3) || 3);
  summary.rounds = rounds;

  // The pages are measured on the build this suite just made (not build/,
  // which other work may rebuild meanwhile), or on the builds to compare.
  let builds = comparedBuilds();
  let outDir: string | null = null;
  if (!builds) {
    outDir = mkdtempSync(path.join(tmpdir(), 'site-bench-'));
    const buildTmp = `${outDir}-tmp`;
    try {
      const count = quick ? 1 : Math.max(1, Number(process.env.SITE_BENCH_BUILDS ?? 3) || 3);
      const colds: BuildFigures[] = [];
      for (let i = 1; i <= count; i++) {
        const cold = await measureBuild(outDir, buildTmp, true);
        colds.push(cold);
        console.log(`docusaurus build, cold ${i}/${count}: ${describeBuild(cold)}`);
      }
      const med = (pick: (b: BuildFigures) => number | null): number | null => {
        const values = colds.map(pick).filter((v): v is number => v !== null);
        return values.length ? round(median(values), 1) : null;
      };
      summary.coldBuild = {
        seconds: med((b) => b.seconds),
        userSeconds: med((b) => b.userSeconds),
        sysSeconds: med((b) => b.sysSeconds),
        peakMB: med((b) => b.peakMB),
        runs: colds,
      };
      console.log(
        `docusaurus build, cold (docusaurus clear, empty TMPDIR), median of ${count}: ${med((b) => b.seconds)} s wall, ` +
          `${med((b) => b.userSeconds)} s user, ${med((b) => b.sysSeconds)} s sys`,
      );
      if (!quick) {
        const warmBuild = await measureBuild(outDir, buildTmp, false);
        summary.build = warmBuild;
        console.log(`docusaurus build, warm caches: ${describeBuild(warmBuild)}`);
      }
    } catch (error) {
      rmSync(outDir, { recursive: true, force: true });
      throw error;
    } finally {
      rmSync(buildTmp, { recursive: true, force: true });
    }
    builds = [{ label: 'this build', dir: outDir }];
    if (process.env.SITE_BENCH_BUILD_ONLY === '1') {
      rmSync(outDir, { recursive: true, force: true });
      return summary;
    }
  }

  const servers: { label: string; dir: string; url: string; close(): Promise<void> }[] = [];
  try {
    for (const build of builds) {
      const server = await startSiteServer({
        root: build.dir,
        routes: routesFromVercelJson(path.join(root, 'vercel.json')),
      });
      servers.push({ ...build, url: server.url, close: () => server.close() });
    }
    const routes = guides(builds[0]?.dir ?? '');
    const bytes: Record<string, Record<string, { js: number; css: number; total: number }>> = {};
    for (const server of servers) {
      bytes[server.label] = await firstLoadBytes(server.url, routes);
      console.log(`\nfirst load of ${server.label}, gzip bytes (JS / CSS / total):`);
      for (const [route, b] of Object.entries(bytes[server.label] ?? {})) {
        console.log(
          `  ${route.padEnd(44)} ${String(b.js).padStart(8)} / ${String(b.css).padStart(7)} / ${String(b.total).padStart(8)}`,
        );
      }
      await warm(server.url, server.dir, routes);
    }
    summary.firstLoadGzipBytes = servers.length === 1 ? bytes[servers[0]?.label ?? ''] : bytes;

    const presets: ('mobile' | 'desktop')[] = quick ? ['mobile'] : ['mobile', 'desktop'];
    // label → route → preset → runs; the builds alternate within each round.
    const runs: Record<string, Record<string, Record<string, LighthouseRun[]>>> = {};
    console.log(
      `\nLighthouse (${LIGHTHOUSE}, CHROME_PATH=${chromePath}), ${rounds} rounds, one guide at a time`,
    );
    for (let r = 1; r <= rounds; r++) {
      for (const route of routes) {
        for (const preset of presets) {
          for (const server of servers) {
            const one = await lighthouse(server.url + route, preset);
            (((runs[server.label] ??= {})[route] ??= {})[preset] ??= []).push(one);
            const m = one.metrics;
            const who = servers.length > 1 ? `${server.label}: ` : '';
            console.log(
              `  round ${r} ${who}${route.padEnd(44)} ${preset.padEnd(7)} ${CATEGORIES.map((c) => one.scores[c]).join(' / ')}` +
                `  TBT ${m.tbtMs} ms, LCP ${m.lcpMs} ms, load ${one.load}, CPU index ${one.benchmarkIndex ?? '?'}`,
            );
            for (const line of one.failing) console.log(`      ${preset} ${line}`);
          }
        }
      }
    }
    const lighthouseSummary: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const [label, byRoute] of Object.entries(runs)) {
      console.log(
        `\nLighthouse medians${servers.length > 1 ? ` of ${label}` : ''}: perf / a11y / best practices / SEO (range of perf), TBT, LCP`,
      );
      for (const [route, byPreset] of Object.entries(byRoute)) {
        for (const [preset, list] of Object.entries(byPreset)) {
          const s = summarize(list);
          ((lighthouseSummary[label] ??= {})[route] ??= {})[preset] = s;
          const scores = s.scores as Record<string, { median: number; min: number; max: number }>;
          const metrics = s.metrics as Record<Metric, number>;
          console.log(
            `  ${route.padEnd(44)} ${preset.padEnd(7)} ${CATEGORIES.map((c) => scores[c]?.median).join(' / ')}` +
              ` (${scores.performance?.min}–${scores.performance?.max})  TBT ${metrics.tbtMs} ms, LCP ${metrics.lcpMs} ms`,
          );
        }
      }
    }
    summary.lighthouse =
      servers.length === 1 ? lighthouseSummary[servers[0]?.label ?? ''] : lighthouseSummary;
  } finally {
    for (const server of servers) await server.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  }
  return summary;
}

export { run_ as run };
