// npm run fidelity [-- --only PREFIX…]: the differential suite. Prints one
// line per case that differs and `fidelity: N/M cases agree`, and writes
// reports/live/fidelity.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './processes.mts';
import { runFidelity, type CaseResult, type FidelityReport } from './suite.mts';
import { thvAvailability } from './thv-binary.mts';

export const REPORT_PATH = join(REPO_ROOT, 'reports/live/fidelity.json');

const short = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s && s.length > 160 ? `${s.slice(0, 157)}…` : s;
};

export function lineOf(r: CaseResult): string {
  const first = r.differences[0];
  const what = first
    ? `${first.field}: thv ${short(first.thv)} | stand-in ${short(first.standin)}`
    : '';
  const more = r.differences.length > 1 ? ` (+${r.differences.length - 1} more)` : '';
  return `differs  ${r.id}  ${what}${more}${r.listed ? `  [listed: ${r.listed.join('; ')}]` : '  [NOT LISTED]'}`;
}

export function summaryOf(report: FidelityReport): string {
  return `fidelity: ${report.agree}/${report.total} cases agree${report.skipped ? ` (${report.skipped} skipped)` : ''}`;
}

async function main(argv: string[]): Promise<number> {
  const only = argv.filter((a) => a !== '--only');
  const available = await thvAvailability();
  if (!available.ok) {
    process.stderr.write(`fidelity: skipped: ${available.reason}\n`);
    return 0;
  }
  const report = await runFidelity({
    thv: available.thv,
    version: available.version,
    only,
    onResult: (r) => {
      if (!r.skipped && !r.agree) process.stdout.write(`${lineOf(r)}\n`);
    },
  });
  for (const r of report.cases.filter((c) => c.skipped))
    process.stdout.write(`skipped  ${r.id}  ${r.skipped}\n`);
  await mkdir(join(REPO_ROOT, 'reports/live'), { recursive: true });
  await writeFile(REPORT_PATH, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${summaryOf(report)}\nreport: ${REPORT_PATH}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`fidelity: error: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
