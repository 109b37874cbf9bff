// npm run doctest [-- paths…] [--live | --all-tiers] [--watch] [--grep PATTERN] [--bail] [--concurrency N]
import { watch } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { extractPage } from './extract.mts';
import { findPages } from './pages.mts';
import { loadPlan } from './plan.mts';
import { failureBlock, progressLine, summaryLine } from './print.mts';
import {
  buildReport,
  githubAnnotation,
  readPreviousReport,
  writeReports,
  type SkippedTier,
} from './report.mts';
import { runTier, type TierRun } from './run.mts';
import { preflight, preflightMessage } from './preflight.mts';
import { installSignalPolicy } from './signals.mts';
import type { Tier } from './world.mts';
import { loadWorld } from './worlds/index.mts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const USAGE = `usage: npm run doctest [-- [paths…] [--live | --all-tiers] [--watch] [--grep PATTERN] [--bail] [--concurrency N] [--report-dir DIR]]
  paths        pages or folders (default: docs/); partials run inside the pages that import them
  --live       run the pages the live tier covers (plan \`tiers: [hermetic, live]\`) with the real thv, not the stand-ins
  --all-tiers  every page hermetic, then the live pages live where this machine can (else one line says why not)
  --grep P     only pages whose path, or one of whose samples' id, title or text, matches the regular expression P
  --watch      run again when a page, a partial or a plan changes
  --bail       stop each page at its first failing sample
Results merge into reports/doctest/report.json by page and tier.`;

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        live: { type: 'boolean', default: false },
        'all-tiers': { type: 'boolean', default: false },
        watch: { type: 'boolean', default: false },
        bail: { type: 'boolean', default: false },
        grep: { type: 'string' },
        concurrency: { type: 'string' },
        'report-dir': { type: 'string', default: 'reports/doctest' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    console.error(`doctest: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

type Values = ReturnType<typeof parse>['values'];

function selectPages(positionals: string[], grep: string | undefined): string[] {
  const pages = findPages(root, positionals);
  if (!grep) return pages;
  const re = new RegExp(grep);
  return pages.filter((p) => {
    if (re.test(path.relative(root, p))) return true;
    try {
      return extractPage(p, root).some(
        (s) => re.test(s.id) || re.test(s.title ?? '') || re.test(s.text),
      );
    } catch {
      return true; // let the run report the parse error
    }
  });
}

/** Pages whose plan names the tier (a plan the run cannot read: hermetic only, where it fails). */
function coveredBy(tier: Tier, pages: string[]): string[] {
  if (tier === 'hermetic') return pages;
  return pages.filter((p) => {
    try {
      return loadPlan(p, path.relative(root, p)).tiers.includes(tier);
    } catch {
      return false;
    }
  });
}

/** The tiers to run and the tiers skipped; a `--live` this machine cannot run is an error (exit 2). */
async function planTiers(values: Values): Promise<{ run: Tier[]; skipped: SkippedTier[] }> {
  if (!values.live && !values['all-tiers']) return { run: ['hermetic'], skipped: [] };
  const mod = await loadWorld('live');
  const available =
    'reason' in mod ? { ok: false as const, reason: mod.reason } : mod.availability(root);
  if (values.live) {
    if (!available.ok) {
      console.error(`doctest: --live: the live tier cannot run here: ${available.reason}`);
      process.exit(2);
    }
    return { run: ['live'], skipped: [] };
  }
  if (available.ok) return { run: ['hermetic', 'live'], skipped: [] };
  console.log(`doctest: live tier skipped: ${available.reason}`);
  return { run: ['hermetic'], skipped: [{ tier: 'live', reason: available.reason }] };
}

async function once(values: Values, positionals: string[], signal: AbortSignal): Promise<boolean> {
  const { run: tiers, skipped } = await planTiers(values);
  const selected = selectPages(positionals, values.grep);
  const concurrency = values.concurrency ? Number(values.concurrency) : undefined;
  const runs: TierRun[] = [];
  for (const tier of tiers) {
    if (signal.aborted) break;
    const pages = coveredBy(tier, selected);
    if (pages.length === 0) {
      console.log(`doctest: no pages selected for the ${tier} tier`);
      continue;
    }
    if (tiers.length > 1 || tier !== 'hermetic') console.log(`doctest: ${tier} tier`);
    runs.push(
      await runTier({
        root,
        pages,
        tier,
        signal,
        bail: values.bail,
        ...(concurrency ? { concurrency } : {}),
        onPage: (page, samples) => console.log(progressLine(page, samples)),
      }),
    );
  }
  const thisRun = buildReport(runs, root);
  const texts = new Map<string, string>();
  for (const p of selected) for (const s of safeExtract(p)) texts.set(s.id, s.text);
  const failures = thisRun.samples.filter((s) => s.status === 'failed');
  if (failures.length > 0) {
    console.log('');
    for (const f of failures) console.log(`${failureBlock(f, texts.get(f.id))}\n`);
  }
  if (process.env['GITHUB_ACTIONS']) {
    for (const f of failures)
      console.log(
        githubAnnotation(f.failureFile ?? f.file, f.failureLine ?? f.line, f.reason ?? 'failed'),
      );
    for (const p of thisRun.pages.filter((x) => x.error))
      console.log(githubAnnotation(p.page, 1, p.error as string));
  }
  const dir = path.resolve(root, values['report-dir']);
  const merged = buildReport(runs, root, {
    previous: readPreviousReport(path.join(dir, 'report.json')),
    skipped,
  });
  const files = await writeReports(merged, dir);
  const interrupted = runs.flatMap((r) => r.interrupted.map((p) => `${p} (${r.tier})`));
  if (interrupted.length > 0)
    console.log(
      `doctest: interrupted; not recorded (earlier results kept): ${interrupted.join(', ')}`,
    );
  const unchecked = thisRun.pages.flatMap((p) => (p.unasserted ?? []).filter((u) => !u.reason));
  if (unchecked.length > 0)
    console.log(
      `doctest: ${unchecked.length} shell samples print output nothing checks (add a doctest-output block, samples.<id>.expect in the plan, or samples.<id>.unasserted: "<why>"): ${unchecked.map((u) => `${u.file}:${u.line}`).join(', ')}`,
    );
  console.log(summaryLine(thisRun));
  console.log(`report: ${path.relative(root, files.json)}, ${path.relative(root, files.junit)}`);
  return thisRun.ok;
}

function safeExtract(p: string) {
  try {
    return extractPage(p, root);
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parse();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.live && values['all-tiers']) {
    console.error(`doctest: --live and --all-tiers exclude each other\n${USAGE}`);
    process.exit(2);
  }
  const tools = preflight();
  const missing = preflightMessage(tools);
  if (missing) {
    console.error(missing);
    process.exitCode = 2;
    return;
  }
  if (tools.jqFromNpm)
    console.log('doctest: no jq on PATH: samples get jq 1.7 compiled to WebAssembly (npm jq-web)');
  const controller = new AbortController();
  installSignalPolicy(controller);

  if (!values.watch) {
    const ok = await once(values, positionals, controller.signal);
    finish(controller.signal.aborted ? 130 : ok ? 0 : 1);
    return;
  }
  let running: Promise<void> | undefined;
  let again = false;
  const go = (): void => {
    if (controller.signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        await once(values, positionals, controller.signal);
      } catch (err) {
        console.error(`doctest: ${(err as Error).message}`);
      }
      running = undefined;
      if (controller.signal.aborted) return;
      console.log('doctest: watching docs/ for changes (Ctrl-C to stop)');
      if (again) {
        again = false;
        go();
      }
    })();
  };
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(path.join(root, 'docs'), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(go, 200);
  });
  // Ctrl-C under --watch: the run in progress unwinds (clean-up, report), then the process ends
  controller.signal.addEventListener('abort', () => {
    watcher.close();
    clearTimeout(timer);
    void (running ?? Promise.resolve()).then(() => finish(130));
  });
  go();
}

/**
 * Ends the process once the report is written. Everything a run starts is on
 * a clean-up stack and already stopped; should anything still hold the event
 * loop, the run does not wait for it — it says so and exits.
 */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    console.error('doctest: something the run started is still open after the report; exiting');
    process.exit(code);
  }, 2000).unref();
}

main().catch((err: unknown) => {
  console.error(`doctest: ${(err as Error).message}`);
  process.exitCode = 2;
});
