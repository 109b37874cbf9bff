// One doctest run of one tier: pages in parallel, each in its own temp
// workspace and page world (world.mts), samples in page order (page.mts).
import os from 'node:os';
import path from 'node:path';
import { runPage, type PageRun } from './page.mts';
import { preflight, preflightMessage } from './preflight.mts';
import { buildReport, type PageResult, type Report } from './report.mts';
import type { SampleResult } from './status.mts';
import { prewarmMermaid, stopMermaid } from './validators/mermaid.mts';
import type { Tier, World } from './world.mts';
import { loadWorld } from './worlds/index.mts';

export interface RunOptions {
  root: string;
  pages: string[];
  /** The tier to run the pages in (default: hermetic). */
  tier?: Tier;
  /** Pages at once (default: twice the CPU count, at least 4). */
  concurrency?: number;
  onPage?: (page: PageResult, samples: SampleResult[]) => void;
  signal?: AbortSignal;
  /** Stop running a page's samples after its first failure (the rest are reported as not run). */
  bail?: boolean;
}

export interface TierRun {
  tier: Tier;
  against: string;
  /** Pages that ran to their end (an interrupted page is not among them). */
  pages: PageRun[];
  /** Pages Ctrl-C stopped before their end, or never started. */
  interrupted: string[];
  startedAt: Date;
  durationMs: number;
}

let activeRuns = 0;

const rel = (root: string, p: string) => path.relative(root, p).split(path.sep).join('/');

/** Runs the pages in one tier; an unavailable world fails every page with its reason. */
export async function runTier(opts: RunOptions): Promise<TierRun> {
  const tier = opts.tier ?? 'hermetic';
  const startedAt = new Date();
  const t0 = performance.now();
  const finish = (world: Pick<World, 'against'>, pages: PageRun[], interrupted: string[]) => ({
    tier,
    against: world.against,
    pages,
    interrupted,
    startedAt,
    durationMs: Math.round(performance.now() - t0),
  });
  const failAll = (against: string, error: string) =>
    finish(
      { against },
      opts.pages.map((p) => {
        const page: PageResult = {
          page: rel(opts.root, p),
          tier,
          against,
          durationMs: 0,
          status: 'failed',
          error,
        };
        opts.onPage?.(page, []);
        return { page, samples: [], interrupted: false };
      }),
      [],
    );
  // a tool the samples need is missing: every page fails with its name, nothing runs
  const missingTools = preflightMessage(preflight());
  const mod = await loadWorld(tier);
  if ('reason' in mod) return failAll(tier, mod.reason);
  const available = mod.availability(opts.root);
  if (!available.ok) return failAll(tier, available.reason);
  if (missingTools) return failAll(tier, missingTools);
  // pages mostly wait on child processes (proxies, npm, curl): run more than one per core
  const limit = opts.concurrency ?? Math.max(4, 2 * os.availableParallelism());
  const signal = opts.signal ?? new AbortController().signal;
  const results: (PageRun | undefined)[] = new Array(opts.pages.length);
  if (opts.pages.length > 0) prewarmMermaid(opts.root);
  activeRuns++;
  const world = await mod.openWorld({ root: opts.root, signal });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < opts.pages.length && !signal.aborted) {
      const i = next++;
      const r = await runPage(opts.root, opts.pages[i] as string, world, signal, opts.bail);
      results[i] = r;
      if (!r.interrupted) opts.onPage?.(r.page, r.samples);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, opts.pages.length) }, worker));
  } finally {
    await world.close();
    // the mermaid worker is shared by concurrent runs (e.g. the mutation tests)
    if (--activeRuns === 0) await stopMermaid();
  }
  const complete = results.filter((r): r is PageRun => r !== undefined && !r.interrupted);
  const interrupted = opts.pages
    .filter((_, i) => results[i] === undefined || results[i]?.interrupted)
    .map((p) => rel(opts.root, p));
  return finish(world, complete, interrupted);
}

/** Runs the pages in one tier and returns that run's report (not merged with any earlier one). */
export async function runDoctests(opts: RunOptions): Promise<Report> {
  const run = await runTier(opts);
  return buildReport([run], opts.root);
}
