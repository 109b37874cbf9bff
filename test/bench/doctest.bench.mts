// Doctest bench: wall time of the full hermetic run (every page, in parallel)
// and each page's time, then the live tier (the real thv under podman) for the
// pages whose plan names it, where this machine can run it. Aims: hermetic
// under 10 s on 2 cores; live under 120 s once its images exist.
// `npm run bench -- doctest` (wired by test/bench/run.mts), or run this file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPages } from '../../scripts/doctest/pages.mts';
import { loadPlan } from '../../scripts/doctest/plan.mts';
import { loadWorld } from '../../scripts/doctest/worlds/index.mts';
import { runDoctests } from '../../scripts/doctest/run.mts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const AIM_MS = 10_000;
const LIVE_AIM_MS = 120_000;

/** The live tier's wall time (median of `rounds`), or why it did not run here. */
async function liveTier(pages: string[], rounds: number): Promise<Record<string, unknown>> {
  const mod = await loadWorld('live');
  const available =
    'reason' in mod ? { ok: false as const, reason: mod.reason } : mod.availability(root);
  if (!available.ok) {
    console.log(`doctest live tier: not measured here: ${available.reason}`);
    return { skipped: available.reason };
  }
  const live = pages.filter((p) => loadPlan(p, path.relative(root, p)).tiers.includes('live'));
  const walls: number[] = [];
  let failed = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const report = await runDoctests({ root, pages: live, tier: 'live' });
    walls.push(performance.now() - t0);
    failed += report.totals.failed;
  }
  const wall = median(walls);
  console.log(
    `doctest live tier: ${live.length} page(s), ${rounds} round(s), median wall ${(wall / 1000).toFixed(1)} s (aim < ${LIVE_AIM_MS / 1000} s; runtime start and image import included)${failed ? `; ${failed} failed sample(s)` : ''}`,
  );
  return {
    pages: live.map((p) => path.relative(root, p)),
    rounds,
    wallMs: Math.round(wall),
    wallMsAll: walls.map(Math.round),
    aimMs: LIVE_AIM_MS,
    withinAim: wall < LIVE_AIM_MS,
    failedSamples: failed,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export async function run(options: { quick: boolean }): Promise<Record<string, unknown>> {
  const pages = findPages(root, ['docs']);
  const rounds = options.quick ? 1 : 3;
  const walls: number[] = [];
  const perPage = new Map<string, number[]>();
  let failed = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const report = await runDoctests({ root, pages });
    walls.push(performance.now() - t0);
    failed += report.totals.failed;
    for (const p of report.pages)
      perPage.set(p.page, [...(perPage.get(p.page) ?? []), p.durationMs]);
  }
  const wall = median(walls);
  console.log(
    `doctest: ${pages.length} pages, ${rounds} round(s), median wall ${(wall / 1000).toFixed(2)} s (aim < ${AIM_MS / 1000} s; spread ${(Math.min(...walls) / 1000).toFixed(2)}–${(Math.max(...walls) / 1000).toFixed(2)} s)`,
  );
  console.log('page'.padEnd(56) + 'median s'.padStart(10));
  const pageMedians: Record<string, number> = {};
  for (const [p, times] of perPage) {
    pageMedians[p] = Math.round(median(times));
    console.log(p.padEnd(56) + (median(times) / 1000).toFixed(2).padStart(10));
  }
  if (failed)
    console.log(
      `warning: ${failed} failed sample(s) across the rounds — the times are of a failing run`,
    );
  const live = await liveTier(pages, options.quick ? 1 : 3);
  return {
    live,
    rounds,
    wallMs: Math.round(wall),
    wallMsAll: walls.map(Math.round),
    aimMs: AIM_MS,
    withinAim: wall < AIM_MS,
    pages: pageMedians,
    failedSamples: failed,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  void run({ quick: process.argv.includes('--quick') });
}
