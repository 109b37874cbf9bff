// One page's run in one world: samples in page order, the plan's verify step
// after its anchor (or after the last sample), then the deferred checks that
// compare with what verify recorded. Every sample it reaches ends with a
// status; everything the page started is on its one clean-up stack, unwound
// once at the end — also on failure, timeout and Ctrl-C. An interrupted page
// reports only the samples it finished (`interrupted: true`): the samples it
// did not reach are not failures, they have no result.
import { symlink } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Cleanups } from './cleanups.mts';
import type { Handler, PageContext } from './context.mts';
import { extractPage, ExtractError, type Sample } from './extract.mts';
import { handlerFor, skippedCheckFor } from './handlers/index.mts';
import { bindPlaceholders, missingMessage, PLACEHOLDER } from './placeholders.mts';
import { loadPlan, PlanError, resolveAnchors } from './plan.mts';
import { redactResult, redactor, secretValues } from './redact.mts';
import type { PageResult } from './report.mts';
import { PageShell } from './shell.mts';
import {
  skipFromMeta,
  toResult,
  type Deferred,
  type Final,
  type Outcome,
  type SampleResult,
} from './status.mts';
import type { World } from './world.mts';
import { pageLocal } from './page-local.mts';
import { statedValues, valueProblems } from './value-tables.mts';
import {
  failureShown,
  isForegroundShell,
  outputBlockAfter,
  unmetExpectation,
  type Unasserted,
} from './output-assertions.mts';
import { likelyCause } from './cause.mts';

export interface PageRun {
  page: PageResult;
  samples: SampleResult[];
  /** Ctrl-C stopped the page before its end: `samples` holds only those it finished. */
  interrupted: boolean;
}

export async function runPage(
  root: string,
  pageAbs: string,
  world: World,
  signal: AbortSignal | undefined,
  bail = false,
): Promise<PageRun> {
  const t0 = performance.now();
  const page = path.relative(root, pageAbs).split(path.sep).join('/');
  const result = (samples: SampleResult[], error?: string, interrupted = false): PageRun => ({
    page: {
      page,
      tier: world.tier,
      against: world.against,
      durationMs: Math.round(performance.now() - t0),
      status:
        error !== undefined || samples.some((r) => r.status === 'failed') ? 'failed' : 'passed',
      ...(error !== undefined ? { error } : {}),
    },
    samples,
    interrupted,
  });
  const done = (s: Sample, o: Final | undefined, ms: number) => toResult(s, o, ms, world);
  let samples: Sample[];
  try {
    samples = extractPage(pageAbs, root);
  } catch (err) {
    if (err instanceof ExtractError) return result([], err.message);
    throw err;
  }
  const planRel = page.replace(/\.mdx?$/, '.doctest.yaml');
  let plan, anchors;
  try {
    plan = loadPlan(pageAbs, planRel);
    anchors = resolveAnchors(plan, samples, planRel);
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    const o: Final = { status: 'failed', message: `page plan is invalid: ${err.message}` };
    return result(
      samples.map((s) => done(s, o, 0)),
      err.message,
    );
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (signal?.aborted) controller.abort();
  signal?.addEventListener('abort', onAbort);
  const cleanups = new Cleanups();
  const workspace = mkdtempSync(path.join(os.tmpdir(), `doctest-${path.basename(page, '.mdx')}-`));
  cleanups.dir(workspace); // first in, last out: removed after everything that ran in it
  const artefacts = {};
  const pageWorld = world.openPage({
    root,
    page,
    pageAbs,
    plan,
    workspace,
    signal: controller.signal,
    cleanups,
    artefacts,
  });
  let placeholders: Promise<Record<string, string>> | undefined;
  let shell: Promise<PageShell> | undefined;
  const ctx: PageContext = {
    root,
    page,
    pageAbs,
    plan,
    anchors,
    samples,
    workspace,
    tier: world.tier,
    world: pageWorld,
    artefacts,
    cleanups,
    signal: controller.signal,
    provenance: new Map(),
    stated: [],
    written: new Map(),
    placeholders: () => (placeholders ??= pageWorld.placeholders()),
    shell: () => (shell ??= startShell(ctx)),
  };
  const results: SampleResult[] = [];
  const unasserted: Unasserted[] = [];
  const deferred: { index: number; sample: Sample; t: number; d: Deferred }[] = [];
  let pageError: string | undefined;
  let interrupted = false;
  let verified = false;
  const verify = async () => {
    if (verified || !plan.verify) return;
    verified = true;
    await ctx.shell(); // the hidden setup may start the page's proxy (a page without shell samples)
    const failed = await pageWorld.verify(plan.verify);
    if (failed === undefined) return;
    // say where: the plan's step, and the page's sample it runs after
    const after = samples.find((x) => x.id === anchors.verifyAfter);
    const at = after
      ? `, after the sample at ${after.file}:${after.line}`
      : ', after the last sample';
    pageError ??= `${planRel} (verify${at}): ${failed.replace(/^verify: /, '')}`;
  };
  const failedSoFar = () =>
    results.some((r, i) => r.status === 'failed' && !deferred.some((d) => d.index === i));
  try {
    for (const [index, sample] of samples.entries()) {
      if (controller.signal.aborted) {
        interrupted = true;
        break;
      }
      if (bail && failedSoFar()) {
        const o = skipFromMeta(sample) ?? {
          status: 'failed' as const,
          message: 'not run: an earlier sample failed (bail)',
        };
        results.push(done(sample, o, 0));
        continue;
      }
      const s0 = performance.now();
      let outcome: Outcome | Deferred | undefined;
      try {
        outcome = await runSample(sample, ctx);
      } catch (err) {
        outcome = controller.signal.aborted
          ? { status: 'interrupted' }
          : { status: 'failed', message: `doctest error: ${(err as Error).message}` };
      }
      if (outcome?.status === 'interrupted') {
        interrupted = true;
        break;
      }
      if (outcome?.status === 'deferred') {
        deferred.push({ index: results.length, sample, t: performance.now() - s0, d: outcome });
        results.push(done(sample, { status: 'failed', message: 'deferred check did not run' }, 0));
      } else {
        const checked =
          outcome && (await checkOutputAsserted(sample, index, outcome, ctx, unasserted));
        // (an interruption has left the loop above)
        results.push(done(sample, checked ?? outcome, performance.now() - s0));
      }
      if (sample.id === anchors.verifyAfter) await verify();
    }
    if (!interrupted && !(bail && failedSoFar())) await verify();
    for (const { index, sample, t, d } of interrupted ? [] : deferred) {
      const s0 = performance.now();
      let o: Outcome;
      try {
        o = await d.run();
      } catch (err) {
        o = { status: 'failed', message: `doctest error: ${(err as Error).message}` };
      }
      if (o.status === 'interrupted') {
        interrupted = true;
        break;
      }
      results[index] = done(sample, o, t + performance.now() - s0);
    }
  } catch (err) {
    if (controller.signal.aborted) interrupted = true;
    else pageError ??= `doctest error: ${(err as Error).message}`;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const e of await cleanups.run()) pageError ??= `cleanup failed: ${e}`;
  }
  const bound = (await placeholders?.catch(() => ({}))) ?? {};
  const redact = redactor(secretValues(bound));
  // an interrupted page keeps what it finished; a deferred check it never ran is no result
  const kept = interrupted
    ? results.filter((_, i) => !deferred.some((d) => d.index === i))
    : results;
  const run = result(
    kept.map((r) => redactResult(r, redact)),
    interrupted ? undefined : pageError && redact(pageError),
    interrupted,
  );
  if (!interrupted && Object.keys(artefacts).length > 0) run.page.artefacts = artefacts;
  if (!interrupted && unasserted.length > 0) run.page.unasserted = unasserted;
  return run;
}

async function startShell(ctx: PageContext): Promise<PageShell> {
  if (ctx.plan.repo) {
    // samples that run the project's own npm scripts, as from a clone
    for (const f of ['package.json', 'node_modules', 'scripts', 'tsconfig.json']) {
      await symlink(path.join(ctx.root, f), path.join(ctx.workspace, f)).catch(() => {});
    }
  }
  const env = await ctx.world.shellEnv();
  const shell = new PageShell(ctx.workspace, env, ctx);
  ctx.cleanups.push(() => shell.stop(), 'page shell');
  if (ctx.plan.setup) {
    const setup = bindPlaceholders(ctx.plan.setup, await ctx.placeholders());
    if (setup.missing.length > 0) throw new Error(missingMessage(setup.missing, ctx.page));
    const r = await shell.run(setup.text, ctx.plan.timeout * 1000);
    if (r.interrupted) throw new Error('interrupted');
    if (r.exitCode !== 0)
      throw new Error(`the plan's hidden setup failed (exit ${r.exitCode}):\n${r.output}`);
  }
  return shell;
}

async function runSample(
  sample: Sample,
  ctx: PageContext,
): Promise<Outcome | Deferred | undefined> {
  const stated = valueTableProblem(sample, ctx);
  if (stated) return stated;
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

/** Plan bindings that repeat or contradict the page's value tables, computed once per page. */
const valueTableProblems = pageLocal((ctx: PageContext) =>
  valueProblems(
    statedValues(ctx.root, ctx.pageAbs, ctx.plan),
    ctx.plan,
    ctx.page.replace(/\.mdx?$/, '.doctest.yaml'),
  ),
);

/** A placeholder this sample uses whose value the page states otherwise than the run binds it. */
function valueTableProblem(sample: Sample, ctx: PageContext): Outcome | undefined {
  const used = new Set([...sample.text.matchAll(PLACEHOLDER)].map((m) => m[1]));
  const p = valueTableProblems(ctx).find((x) => used.has(x.name));
  return p && { status: 'failed', message: p.message, line: p.line, file: p.file };
}

/**
 * A shell sample's output must be checked: by the `doctest-output` block after
 * it, the plan's expectation (`samples.<id>.expect`), or the plan's reason.
 * Records it in `unasserted` when neither block nor expectation checks it.
 * Without an output block, an output that shows a failure (failureShown) or
 * lacks what the plan expects fails the sample, at its own line.
 */
async function checkOutputAsserted(
  sample: Sample,
  index: number,
  outcome: Outcome,
  ctx: PageContext,
  unasserted: Unasserted[],
): Promise<Final | undefined> {
  const shell = ctx.lastShell;
  if (outcome.status !== 'passed' || outcome.kind !== 'run' || shell?.sample !== sample) return;
  if (!isForegroundShell(sample) || outputBlockAfter(ctx.samples, index)) return;
  const settings = ctx.anchors.samples.get(sample.id);
  const fail = (message: string) =>
    likelyCause(
      { status: 'failed', message, command: shell.command, output: shell.output },
      sample,
      shell.command,
      ctx,
    );
  const expect = settings?.expect;
  if (!expect && shell.output.trim() !== '')
    unasserted.push({
      id: sample.id,
      file: sample.file,
      line: sample.line,
      ...(settings?.unasserted ? { reason: settings.unasserted } : {}),
    });
  // a reason says why the output is not compared verbatim, never that a failure is fine
  const failure = failureShown(shell.command, shell.output);
  if (failure)
    return fail(
      `the sample ${failure}, and the page shows no output for it: a reader gets a failure here, not the value the page promises. Fix what fails (or the command), or add a doctest-output block with what it prints`,
    );
  if (!expect) return;
  const values = await ctx.placeholders();
  const bound = {
    ...(expect.contains
      ? { contains: expect.contains.map((c) => bindPlaceholders(c, values).text) }
      : {}),
    ...(expect.jq ? { jq: bindPlaceholders(expect.jq, values).text } : {}),
  };
  const planKey = `${ctx.page.replace(/\.mdx?$/, '.doctest.yaml')}: samples.${sample.meta['doctest-id'] ?? sample.line}.expect`;
  const unmet = await unmetExpectation(shell.output, bound, planKey);
  if (unmet) return fail(unmet);
}
