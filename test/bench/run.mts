/**
 * `npm run bench`: runs every benchmark suite of the project in one process
 * tree and prints figures and ratios. Suites live beside this file as
 * `<area>.bench.mts` and export `run(options)`; each prints its own table and
 * returns a summary that is collected into reports/bench/summary.json, by
 * suite: a run of some suites replaces their entries and keeps the others',
 * each entry with when and on which Node it was measured.
 *
 *   npm run bench                 # all suites
 *   npm run bench -- proxy site   # only these suites
 *   npm run bench -- proxy --profile   # where the proxy's CPU goes (node --cpu-prof), not its figures
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export interface BenchOptions {
  /** Fewer and shorter rounds. */
  quick: boolean;
  /** Profile instead of measuring, where a suite can (proxy). */
  profile?: boolean;
}

export interface BenchSuite {
  /** Runs the suite, prints its table, returns figures for the summary file. */
  run(options: BenchOptions): Promise<Record<string, unknown>>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

/** When and how a suite's figures were taken, stored beside them. */
function measured(quick: boolean): Record<string, unknown> {
  return { measuredAt: new Date().toISOString(), node: process.version, quick };
}

/** The summary file's suites as an earlier run left them; none when it is absent. */
async function previousSummary(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const suites = { ...(parsed as Record<string, unknown>) };
      // Files from before the summary was kept by suite carried these at the top.
      delete suites.startedAt;
      delete suites.node;
      return suites;
    }
  } catch {
    // fall through
  }
  console.warn(`bench: ${path.relative(root, file)} is not a JSON object; starting it afresh`);
  return {};
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const profile = args.includes('--profile');
  const wanted = args.filter((a) => !a.startsWith('--'));
  const files = (await readdir(here)).filter((f) => f.endsWith('.bench.mts')).sort();
  const suites = files
    .map((f) => ({ name: f.replace(/\.bench\.mts$/, ''), file: path.join(here, f) }))
    .filter((s) => wanted.length === 0 || wanted.includes(s.name));
  const unknown = wanted.filter((w) => !suites.some((s) => s.name === w));
  if (unknown.length > 0) {
    const known = files.map((f) => f.replace(/\.bench\.mts$/, '')).join(', ');
    throw new Error(`bench: no suite named ${unknown.join(', ')} (suites: ${known})`);
  }

  const out = path.join(root, 'reports/bench/summary.json');
  const summary = await previousSummary(out);
  let failed = false;
  for (const suite of suites) {
    console.log(`\n=== bench: ${suite.name} ===`);
    const started = performance.now();
    // A profile is not a measurement: it does not replace the suite's figures.
    const key = profile ? `${suite.name}:profile` : suite.name;
    try {
      const mod = (await import(pathToFileURL(suite.file).href)) as Partial<BenchSuite>;
      if (typeof mod.run !== 'function') {
        throw new Error(`${path.relative(root, suite.file)} does not export run(options)`);
      }
      const figures = await mod.run({ quick, profile });
      summary[key] = { ...measured(quick), ...figures };
    } catch (error) {
      failed = true;
      console.error(`bench ${suite.name} failed: ${(error as Error).stack ?? String(error)}`);
      summary[key] = { ...measured(quick), error: (error as Error).message };
    }
    console.log(`(${suite.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }

  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nbench: summary written to ${path.relative(root, out)}`);
  if (failed) process.exitCode = 1;
}

await main();
