/**
 * `npm run bench`: runs every benchmark suite of the project in one process
 * tree and prints figures and ratios. Suites live beside this file as
 * `<area>.bench.mts` and export `run(options)`; each prints its own table and
 * returns a summary that is collected into reports/bench/summary.json.
 *
 *   npm run bench                 # all suites
 *   npm run bench -- proxy site   # only these suites
 *   npm run bench -- proxy --profile   # where the proxy's CPU goes (node --cpu-prof), not its figures
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
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

  const summary: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    node: process.version,
  };
  let failed = false;
  for (const suite of suites) {
    console.log(`\n=== bench: ${suite.name} ===`);
    const started = performance.now();
    try {
      const mod = (await import(pathToFileURL(suite.file).href)) as Partial<BenchSuite>;
      if (typeof mod.run !== 'function') {
        throw new Error(`${path.relative(root, suite.file)} does not export run(options)`);
      }
      summary[suite.name] = await mod.run({ quick, profile });
    } catch (error) {
      failed = true;
      console.error(`bench ${suite.name} failed: ${(error as Error).stack ?? String(error)}`);
      summary[suite.name] = { error: (error as Error).message };
    }
    console.log(`(${suite.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }

  const out = path.join(root, 'reports/bench/summary.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nbench: summary written to ${path.relative(root, out)}`);
  if (failed) process.exitCode = 1;
}

await main();
