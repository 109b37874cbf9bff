// npm run fidelity [-- [--cli] [--only PREFIX…]]: the differential suite. Prints one
// line per case that differs and `fidelity: N/M cases agree`, and writes
// reports/live/fidelity.json.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createSealedNetwork, sealedNetworkUnavailable } from '../sealed-network.mts';
import { REPO_ROOT } from './processes.mts';
import { runFidelity, type CaseResult, type FidelityReport } from './suite.mts';
import { cliUnavailable, runCliCases, type CliCaseResult } from './cli-runner.mts';
import { liveAvailability } from '../environment.mts';
import { VENDOR_HOSTS } from './world.mts';

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

const selectedBy = (only: string[]) => (id: string) =>
  !only.length || only.some((p) => id.startsWith(p));

export function summaryOf(report: FidelityReport): string {
  return `fidelity: ${report.agree}/${report.total} cases agree${report.skipped ? ` (${report.skipped} skipped)` : ''}`;
}

/**
 * The suite runs inside a sealed network namespace: ToolHive's OIDC client
 * ignores HTTPS_PROXY and refuses loopback and private addresses, so the
 * vendor host names must resolve, as for a real user, to an address it
 * accepts (scripts/live/sealed-network.mts). This re-runs the runner there.
 */
function inSealedNetwork(argv: string[], env: NodeJS.ProcessEnv): number {
  const net = createSealedNetwork(VENDOR_HOSTS, 'fidelity');
  try {
    const r = spawnSync(
      net.wrapper[0] as string,
      [
        ...net.wrapper.slice(1),
        'env',
        `FIDELITY_NETNS=${net.name}`,
        process.execPath,
        '--import',
        'tsx',
        import.meta.filename,
        ...argv,
      ],
      { stdio: 'inherit', env },
    );
    return r.status ?? 1;
  } finally {
    net.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const cli = argv.includes('--cli');
  const at = argv.indexOf('--report');
  const reportPath = at >= 0 ? resolve(argv[at + 1] ?? '') : REPORT_PATH;
  const only = argv.filter(
    (a, i) => a !== '--only' && a !== '--cli' && a !== '--report' && i !== at + 1,
  );
  const available = liveAvailability();
  if (!available.ok) {
    process.stderr.write(`fidelity: skipped: ${available.reason}\n`);
    return 0;
  }
  if (process.env.FIDELITY_NETNS === undefined) {
    const why = sealedNetworkUnavailable();
    if (why) {
      process.stderr.write(`fidelity: skipped: the sealed network namespace ${why}\n`);
      return 0;
    }
    // The CLI cases first, out here: the live runtime makes its own namespace.
    const env = { ...process.env };
    if (cli) {
      const why = await cliUnavailable();
      if (!why) {
        const file = join(tmpdir(), `fidelity-cli-${process.pid}.json`);
        await writeFile(file, JSON.stringify(await runCliCases(selectedBy(only))));
        env.FIDELITY_CLI_RESULTS = file;
      }
    }
    try {
      return inSealedNetwork(argv, env);
    } finally {
      if (env.FIDELITY_CLI_RESULTS) await rm(env.FIDELITY_CLI_RESULTS, { force: true });
    }
  }
  const cliFile = process.env.FIDELITY_CLI_RESULTS;
  const cliResults = cliFile
    ? (JSON.parse(await readFile(cliFile, 'utf8')) as CliCaseResult[])
    : undefined;
  const report = await runFidelity({
    thv: available.thv,
    version: available.version,
    only,
    cli,
    ...(cliResults ? { cliResults } : {}),
    onResult: (r) => {
      if (!r.skipped && !r.agree) process.stdout.write(`${lineOf(r)}\n`);
    },
  });
  for (const r of report.cases.filter((c) => c.skipped))
    process.stdout.write(`skipped  ${r.id}  ${r.skipped}\n`);
  await mkdir(dirname(reportPath), { recursive: true });
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${summaryOf(report)}\nreport: ${reportPath}\n`);
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
