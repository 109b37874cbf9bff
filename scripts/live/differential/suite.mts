// Runs every case against the real `thv proxy` and the reference proxy in
// `--compat toolhive` mode, configuration by configuration, and builds the
// fidelity report. One configuration's two proxies run at a time.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  configFor,
  MEASURED_DIFFERENCES,
  PROXY_CASES,
  type ConfigName,
  type ProxyCase,
} from './cases.mts';
import { CLI_CASES } from './cli-cases.mts';
import {
  CLI_RULES,
  cliUnavailable,
  runCliCases,
  type CliCaseResult,
  type CliObservation,
} from './cli-runner.mts';
import { compare, makeToken, observe, type Difference, type Observation } from './observe.mts';
import { startSide, type Started } from './processes.mts';
import { startWorld } from './world.mts';

export interface CaseResult {
  id: string;
  title: string;
  surface: 'proxy' | 'cli';
  config?: string;
  /** Set when the case did not run, with why. */
  skipped?: string;
  agree: boolean;
  differences: Difference[];
  /** The README "Measured differences" rows that explain a difference. */
  listed?: string[];
  thv?: Observation;
  standin?: Observation;
  /** CLI cases: what the real thv and the shim showed. */
  cli?: { thv: CliObservation; shim: CliObservation };
}

export interface FidelityReport {
  generatedAt: string;
  toolhive: string;
  thv: string;
  /** What was normalised before comparing, and nothing else. */
  normalised: string[];
  agree: number;
  total: number;
  skipped: number;
  cases: CaseResult[];
}

export const NORMALISED = [
  'loopback ports (127.0.0.1:<port>)',
  'RFC 3339 timestamps (<timestamp>)',
  'token values: the client token (<client token>), tokens the IdP issued during the case (<exchanged token>)',
  'Basic client credentials decoded to id and <the client secret>',
  ...CLI_RULES.map((r) => `CLI: ${r.name}: ${r.why}`),
];

function startupDifference(side: Started): Difference {
  return {
    field: 'startup',
    thv: side.side === 'thv' ? side.exited : 'listening',
    standin: side.side === 'standin' ? side.exited : 'listening',
  };
}

async function runConfig(
  world: Awaited<ReturnType<typeof startWorld>>,
  thv: string,
  name: ConfigName,
  cases: ProxyCase[],
  onResult: (r: CaseResult) => void,
): Promise<void> {
  const config = configFor(name, world);
  for (const [file, text] of Object.entries(config.files ?? {}))
    await writeFile(join(world.dir, file), text, { mode: 0o600 });
  const sides: Started[] = [];
  try {
    sides.push(await startSide('thv', world, thv, `fidelity-${name}`, config.flags, config.env));
    sides.push(
      await startSide('standin', world, thv, `fidelity-${name}`, config.flags, config.env),
    );
    const [t, s] = sides as [Started, Started];
    for (const c of cases) {
      const base = {
        id: c.id,
        title: c.title,
        surface: 'proxy' as const,
        config: name,
        listed: MEASURED_DIFFERENCES[c.id],
      };
      if (t.exited || s.exited) {
        const d = [t, s].filter((x) => x.exited).map(startupDifference);
        onResult({ ...base, agree: false, differences: d });
        continue;
      }
      const token = c.token ? await makeToken(world, c.token) : undefined;
      const thvObs = await observe(world, t.url, c, token);
      const standinObs = await observe(world, s.url, c, token);
      const differences = compare(thvObs, standinObs);
      onResult({
        ...base,
        agree: differences.length === 0,
        differences,
        thv: thvObs,
        standin: standinObs,
      });
    }
  } finally {
    await Promise.all(sides.map((x) => x.stop()));
  }
}

export async function runFidelity(opts: {
  thv: string;
  version: string;
  /** Only cases whose id starts with one of these. */
  only?: string[];
  onResult?: (r: CaseResult) => void;
  /** Also run the CLI cases (they need the live runtime and take about a minute each). */
  cli?: boolean;
  /** CLI results run beforehand (outside the sealed namespace: the live runtime makes its own). */
  cliResults?: CliCaseResult[];
}): Promise<FidelityReport> {
  const results: CaseResult[] = [];
  const push = (r: CaseResult) => {
    results.push(r);
    opts.onResult?.(r);
  };
  const selected = (id: string) => !opts.only?.length || opts.only.some((p) => id.startsWith(p));
  const world = await startWorld();
  try {
    const byConfig = new Map<ConfigName, ProxyCase[]>();
    for (const c of PROXY_CASES.filter((x) => selected(x.id))) {
      byConfig.set(c.config, [...(byConfig.get(c.config) ?? []), c]);
    }
    for (const [name, cases] of byConfig) await runConfig(world, opts.thv, name, cases, push);
  } finally {
    await world.close();
  }
  const cliSkip = opts.cliResults
    ? undefined
    : opts.cli
      ? await cliUnavailable()
      : 'not requested: `npm run fidelity -- --cli` runs them (live runtime; about a minute per case)';
  if (cliSkip) {
    for (const c of CLI_CASES.filter((x) => selected(x.id))) {
      push({
        id: c.id,
        title: c.title,
        surface: 'cli',
        skipped: cliSkip,
        agree: false,
        differences: [],
      });
    }
  } else {
    for (const r of opts.cliResults ?? (await runCliCases(selected))) {
      push({
        id: r.id,
        title: r.title,
        surface: 'cli',
        agree: r.agree,
        differences: r.differences,
        listed: MEASURED_DIFFERENCES[r.id],
        cli: { thv: r.thv, shim: r.shim },
      });
    }
  }
  const ran = results.filter((r) => !r.skipped);
  return {
    generatedAt: new Date().toISOString(),
    toolhive: opts.version,
    thv: opts.thv,
    normalised: NORMALISED,
    agree: ran.filter((r) => r.agree).length,
    total: ran.length,
    skipped: results.length - ran.length,
    cases: results,
  };
}
