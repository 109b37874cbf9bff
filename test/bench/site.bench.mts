/**
 * `npm run bench -- site`: the site's figures.
 *
 * - `docusaurus build` wall time and peak memory (largest process RSS, from
 *   GNU time), into a throw-away directory so build/ is left alone (with
 *   the persistent bundler cache as it is: warm after any earlier build);
 * - JavaScript and CSS a guide ships on first load (gzip bytes as sent by
 *   scripts/site/serve.mts, measured in Chromium until the network is idle,
 *   so lazily loaded chunks such as mermaid's count);
 * - Lighthouse 12.8.2 scores per guide (mobile, and desktop unless --quick),
 *   run with a pinned `npx -y lighthouse@12.8.2` so lighthouse stays out of
 *   the lockfile (its `third-party-web` dependency is pulled by dist-tag,
 *   which breaks `npm ci`; see ../shared/TOOLCHAIN.md). CHROME_PATH defaults
 *   to /usr/bin/chromium.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

async function measureBuild(outDir: string): Promise<{ seconds: number; peakMB: number | null }> {
  const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const args = ['docusaurus', 'build', '--out-dir', outDir];
  const result = time
    ? await run(time, ['-f', 'BENCH_PEAK_KB=%M', 'npx', ...args])
    : await run('npx', args);
  if (result.code !== 0) {
    throw new Error(
      `docusaurus build failed (exit ${result.code}):\n${result.stderr.slice(-2000)}`,
    );
  }
  const kb = /BENCH_PEAK_KB=(\d+)/.exec(result.stderr)?.[1];
  return { seconds: result.ms / 1000, peakMB: kb ? Math.round(Number(kb) / 1024) : null };
}

function guides(buildDir: string): string[] {
  const xml = readFileSync(path.join(buildDir, 'sitemap.xml'), 'utf8');
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)]
    .map((m) => new URL(m[1] ?? '').pathname)
    .filter((p) => p.startsWith('/toolhive/'));
}

async function firstLoadBytes(
  baseUrl: string,
  routes: string[],
): Promise<Record<string, { js: number; css: number }>> {
  const browser = await chromium.launch({
    executablePath: existsSync(chromePath) ? chromePath : undefined,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const out: Record<string, { js: number; css: number }> = {};
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
      out[route] = sizes;
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

async function lighthouse(url: string, preset: 'mobile' | 'desktop'): Promise<Scores> {
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
  const result = await run('npx', args, { CHROME_PATH: chromePath });
  if (result.code !== 0) {
    throw new Error(
      `lighthouse ${url} failed (exit ${result.code}): ${result.stderr.slice(-1500)}`,
    );
  }
  const report = JSON.parse(result.stdout) as {
    categories: Record<
      keyof Scores,
      { score: number | null; auditRefs: { id: string; weight: number }[] }
    >;
    audits: Record<string, { score: number | null; title: string; displayValue?: string }>;
  };
  // Name what costs points, so a score below 100 says why.
  for (const key of ['accessibility', 'best-practices', 'seo'] as const) {
    for (const ref of report.categories[key]?.auditRefs ?? []) {
      const audit = report.audits[ref.id];
      if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) {
        console.log(`    ${preset} ${key}: ${ref.id} — ${audit.title}`);
      }
    }
  }
  for (const id of [
    'first-contentful-paint',
    'largest-contentful-paint',
    'total-blocking-time',
    'cumulative-layout-shift',
    'speed-index',
  ]) {
    const audit = report.audits[id];
    if (audit?.displayValue) console.log(`    ${preset} ${id}: ${audit.displayValue}`);
  }
  const score = (k: keyof Scores): number => Math.round((report.categories[k]?.score ?? 0) * 100);
  return {
    performance: score('performance'),
    accessibility: score('accessibility'),
    'best-practices': score('best-practices'),
    seo: score('seo'),
  };
}

export async function run_({ quick }: { quick: boolean }): Promise<Record<string, unknown>> {
  const summary: Record<string, unknown> = {};

  // The pages are measured on the build this suite just made (not build/,
  // which other work may rebuild meanwhile).
  const outDir = mkdtempSync(path.join(tmpdir(), 'site-bench-'));
  const build = await measureBuild(outDir).catch((error: unknown) => {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  });
  summary.build = build;
  console.log(
    `docusaurus build: ${build.seconds.toFixed(1)} s, peak RSS ${build.peakMB ?? '?'} MB`,
  );

  const buildDir = outDir;
  const server = await startSiteServer({
    root: buildDir,
    routes: routesFromVercelJson(path.join(root, 'vercel.json')),
  });
  try {
    const routes = guides(buildDir);
    const bytes = await firstLoadBytes(server.url, routes);
    summary.firstLoadGzipBytes = bytes;
    console.log('\nfirst load, gzip bytes (JS / CSS):');
    for (const [route, b] of Object.entries(bytes)) {
      console.log(
        `  ${route.padEnd(44)} ${String(b.js).padStart(8)} / ${String(b.css).padStart(7)}`,
      );
    }

    const presets: ('mobile' | 'desktop')[] = quick ? ['mobile'] : ['mobile', 'desktop'];
    const scores: Record<string, Record<string, Scores>> = {};
    console.log(
      `\nLighthouse (${LIGHTHOUSE}, CHROME_PATH=${chromePath}): perf / a11y / best practices / SEO`,
    );
    for (const route of routes) {
      scores[route] = {};
      for (const preset of presets) {
        const s = await lighthouse(server.url + route, preset);
        scores[route][preset] = s;
        console.log(
          `  ${route.padEnd(44)} ${preset.padEnd(7)} ${s.performance} / ${s.accessibility} / ${s['best-practices']} / ${s.seo}`,
        );
      }
    }
    summary.lighthouse = scores;
  } finally {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
  return summary;
}

export { run_ as run };
