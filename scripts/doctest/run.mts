// One doctest run: pages in parallel, each in its own temp workspace, samples
// in page order; every sample ends with a status; everything started is
// stopped and every workspace removed, also on failure, timeout and Ctrl-C.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { extractPage, ExtractError, type Sample } from './extract.mts';
import { loadPlan, PlanError, resolveAnchors, type Anchors } from './plan.mts';
import { buildReport, type PageResult, type Report } from './report.mts';
import {
  skipFromMeta,
  toResult,
  type Deferred,
  type Outcome,
  type SampleResult,
} from './status.mts';
import type { Handler, PageContext } from './context.mts';
import { handlerFor, skippedCheckFor } from './handlers/index.mts';
import { prewarmMermaid, stopMermaid } from './validators/mermaid.mts';
import { stopRunServices } from './services.mts';
import { scheduleVerify } from './verify.mts';
import { redactResult, redactor, secretValues } from './redact.mts';
import { preflight, preflightMessage } from './preflight.mts';

export interface RunOptions {
  root: string;
  pages: string[];
  /** Pages at once (default: twice the CPU count, at least 4). */
  concurrency?: number;
  onPage?: (page: PageResult, samples: SampleResult[]) => void;
  signal?: AbortSignal;
  /** Stop running a page's samples after its first failure (the rest are reported as not run). */
  bail?: boolean;
}

let activeRuns = 0;

export async function runDoctests(opts: RunOptions): Promise<Report> {
  const startedAt = new Date();
  const t0 = performance.now();
  // pages mostly wait on child processes (proxies, npm, curl): run more than one per core
  const limit = opts.concurrency ?? Math.max(4, 2 * os.availableParallelism());
  const results: { page: PageResult; samples: SampleResult[] }[] = new Array(opts.pages.length);
  let next = 0;
  // a tool the samples need is missing: every page fails with its name, nothing runs
  const missingTools = preflightMessage(preflight());
  if (missingTools) {
    const pages = opts.pages.map((p) => ({
      page: path.relative(opts.root, p).split(path.sep).join('/'),
      durationMs: 0,
      status: 'failed' as const,
      error: missingTools,
    }));
    for (const p of pages) opts.onPage?.(p, []);
    return buildReport(startedAt, performance.now() - t0, pages, [], opts.root);
  }
  const worker = async (): Promise<void> => {
    while (next < opts.pages.length) {
      const i = next++;
      const r = await runPage(opts.root, opts.pages[i] as string, opts.signal, opts.bail);
      results[i] = r;
      opts.onPage?.(r.page, r.samples);
    }
  };
  if (opts.pages.length > 0) prewarmMermaid(opts.root);
  activeRuns++;
  try {
    await Promise.all(Array.from({ length: Math.min(limit, opts.pages.length) }, worker));
  } finally {
    // the mock IdP and the mermaid worker are shared by concurrent runs (e.g. the mutation tests)
    if (--activeRuns === 0) {
      await stopMermaid();
      await stopRunServices();
    }
  }
  return buildReport(
    startedAt,
    performance.now() - t0,
    results.map((r) => r.page),
    results.flatMap((r) => r.samples),
    opts.root,
  );
}

export async function runPage(
  root: string,
  pageAbs: string,
  signal?: AbortSignal,
  bail = false,
): Promise<{ page: PageResult; samples: SampleResult[] }> {
  const t0 = performance.now();
  const page = path.relative(root, pageAbs).split(path.sep).join('/');
  const fail = (error: string, samples: SampleResult[] = []) => ({
    page: {
      page,
      durationMs: Math.round(performance.now() - t0),
      status: 'failed' as const,
      error,
    },
    samples,
  });
  let samples: Sample[];
  try {
    samples = extractPage(pageAbs, root);
  } catch (err) {
    if (err instanceof ExtractError) return fail(err.message);
    throw err;
  }
  let plan;
  let anchors: Anchors;
  try {
    const planRel = page.replace(/\.mdx?$/, '.doctest.yaml');
    plan = loadPlan(pageAbs, planRel);
    anchors = resolveAnchors(plan, samples, planRel);
  } catch (err) {
    if (err instanceof PlanError)
      return fail(
        err.message,
        samples.map((s) => toResult(s, planFailure(err), 0)),
      );
    throw err;
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort);
  const workspace = await mkdtemp(
    path.join(os.tmpdir(), `doctest-${path.basename(page, '.mdx')}-`),
  );
  const ctx: PageContext = {
    root,
    page,
    pageAbs,
    plan,
    anchors,
    samples,
    workspace,
    artefacts: {},
    cleanups: [],
    signal: controller.signal,
    services: {},
    afterSample: [],
    endOfPage: [],
  };
  scheduleVerify(ctx);
  let results: SampleResult[] = [];
  const deferred: { index: number; sample: Sample; t: number; d: Deferred }[] = [];
  let pageError: string | undefined;
  try {
    for (const sample of samples) {
      const failedSoFar = () =>
        results.some((r, i) => r.status === 'failed' && !deferred.some((d) => d.index === i));
      if (bail && failedSoFar()) {
        results.push(
          toResult(
            sample,
            skipFromMeta(sample) ?? {
              status: 'failed',
              message: 'not run: an earlier sample failed (bail)',
            },
            0,
          ),
        );
        continue;
      }
      if (controller.signal.aborted) {
        results.push(
          toResult(sample, { status: 'failed', message: 'run interrupted before this sample' }, 0),
        );
        continue;
      }
      const s0 = performance.now();
      let outcome: Outcome | Deferred | undefined;
      try {
        outcome = await runSample(sample, ctx);
      } catch (err) {
        outcome = { status: 'failed', message: `doctest error: ${(err as Error).message}` };
      }
      if (outcome?.status === 'deferred') {
        deferred.push({ index: results.length, sample, t: performance.now() - s0, d: outcome });
        results.push(
          toResult(sample, { status: 'failed', message: 'deferred check did not run' }, 0),
        );
      } else results.push(toResult(sample, outcome, performance.now() - s0));
      for (const hook of ctx.afterSample) await hook(sample);
    }
    const bailed =
      bail && results.some((r, i) => r.status === 'failed' && !deferred.some((d) => d.index === i));
    for (const hook of bailed ? [] : ctx.endOfPage) {
      const err = await hook();
      if (err) pageError ??= err;
    }
    for (const { index, sample, t, d } of deferred) {
      const s0 = performance.now();
      let o: Outcome;
      try {
        o = await d.run();
      } catch (err) {
        o = { status: 'failed', message: `doctest error: ${(err as Error).message}` };
      }
      results[index] = toResult(sample, o, t + performance.now() - s0);
    }
  } catch (err) {
    pageError = `doctest error: ${(err as Error).message}`;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const cleanup of ctx.cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        pageError ??= `cleanup failed: ${(err as Error).message}`;
      }
    }
    await rm(workspace, { recursive: true, force: true });
  }
  const bound =
    (await (ctx.services['placeholders'] as Promise<Record<string, string>> | undefined)?.catch(
      () => ({}),
    )) ?? {};
  const redact = redactor(secretValues(bound));
  results = results.map((r) => redactResult(r, redact));
  if (pageError) pageError = redact(pageError);
  const failed = pageError !== undefined || results.some((r) => r.status === 'failed');
  return {
    page: {
      page,
      durationMs: Math.round(performance.now() - t0),
      status: failed ? 'failed' : 'passed',
      ...(pageError ? { error: pageError } : {}),
      ...(Object.keys(ctx.artefacts).length > 0 ? { artefacts: ctx.artefacts } : {}),
    },
    samples: results,
  };
}

function planFailure(err: Error): Outcome {
  return { status: 'failed', message: `page plan is invalid: ${err.message}` };
}

async function runSample(
  sample: Sample,
  ctx: PageContext,
): Promise<Outcome | Deferred | undefined> {
  const skip = skipFromMeta(sample);
  if (skip) {
    // a skipped sample is still checked for what can be checked without running it
    const check = skip.status === 'skipped' ? skippedCheckFor(sample) : undefined;
    if (!check || skip.status !== 'skipped') return skip;
    return (await check(sample, ctx)) ?? { ...skip, kind: 'validated' };
  }
  const handler: Handler | undefined = handlerFor(sample);
  if (!handler) return undefined;
  return await handler(sample, ctx);
}
