// Doctest bench: wall time of the full run (every page, in parallel) and each
// page's time. Aim: all pages in under 10 s on 2 cores (BENCHMARKS.md).
// `npm run bench -- doctest` (wired by test/bench/run.mts), or run this file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPages } from '../../scripts/doctest/pages.mts';
import { runDoctests } from '../../scripts/doctest/run.mts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const AIM_MS = 10_000;

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
  return {
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
