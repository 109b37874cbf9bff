// The run's report: reports/doctest/report.json (shape in report.schema.json,
// documented in README.md), reports/doctest/junit.xml, and GitHub annotations.
// A run of some pages in some tiers MERGES into the report by page and tier:
// the entries of what it ran replace the earlier ones, everything else stays.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TierRun } from './run.mts';
import {
  reportSchema,
  type PageJson,
  type ReportJson,
  type TierJson,
  type TotalsJson,
} from './report-schema.mts';
import type { SampleResult } from './status.mts';
import { TIERS, type Tier } from './world.mts';

export const SCHEMA_VERSION = reportSchema.properties.schemaVersion.const;

// The shapes are the report schema's (report-schema.mts), derived once.
export type PageResult = PageJson;
export type Totals = TotalsJson;
export type TierStatus = TierJson;
export type Report = ReportJson;

/** A tier this run did not run, and why (e.g. live without thv). */
export interface SkippedTier {
  tier: Tier;
  reason: string;
}

export function gitCommit(root: string): { commit: string; dirty: boolean } {
  try {
    // stderr ignored: outside a git checkout (Vercel's build, a copied tree)
    // the environment's commit is used instead, and git's "fatal" is noise.
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'docs'], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() !== '';
    return { commit, dirty };
  } catch {
    return {
      commit: process.env['VERCEL_GIT_COMMIT_SHA'] ?? process.env['GITHUB_SHA'] ?? 'unknown',
      dirty: false,
    };
  }
}

export function totalsOf(samples: SampleResult[]): Totals {
  const count = (f: (s: SampleResult) => boolean) => samples.filter(f).length;
  const passed = (kind: SampleResult['kind']) =>
    count((s) => s.status === 'passed' && s.kind === kind);
  return {
    samples: samples.length,
    passed: count((s) => s.status === 'passed'),
    failed: count((s) => s.status === 'failed'),
    skipped: count((s) => s.status === 'skipped'),
    run: passed('run'),
    validated: passed('validated'),
    validatedNotRun: count((s) => s.status === 'skipped' && s.kind === 'validated'),
  };
}

/**
 * The report of `runs` merged into `previous` (an earlier report.json, if
 * any, of the same schemaVersion): a (page, tier) this run finished replaces
 * that page's entries in that tier; an interrupted page keeps its earlier
 * ones; a tier this run `skipped` loses its earlier entries (this machine
 * can no longer vouch for them).
 */
export function buildReport(
  runs: TierRun[],
  root: string,
  opts: { previous?: Report; skipped?: SkippedTier[] } = {},
): Report {
  const { commit, dirty } = gitCommit(root);
  const started = runs.map((r) => r.startedAt.getTime());
  const startedAt = new Date(started.length > 0 ? Math.min(...started) : Date.now());
  const ran = new Set(runs.flatMap((r) => r.pages.map((p) => `${r.tier} ${p.page.page}`)));
  const dropped = new Set(opts.skipped?.map((s) => s.tier));
  const keep = (tier: Tier, page: string) => !ran.has(`${tier} ${page}`) && !dropped.has(tier);
  const prev = opts.previous;
  const pages: PageResult[] = [
    ...(prev?.pages.filter((p) => keep(p.tier, p.page)) ?? []),
    ...runs.flatMap((r) =>
      r.pages.map((p) => ({ ...p.page, startedAt: r.startedAt.toISOString(), commit, dirty })),
    ),
  ].sort((a, b) => a.page.localeCompare(b.page) || TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier));
  const samples: SampleResult[] = [
    ...(prev?.samples.filter((s) => keep(s.tier, s.page)) ?? []),
    ...runs.flatMap((r) => r.pages.flatMap((p) => p.samples)),
  ].sort(
    (a, b) =>
      a.page.localeCompare(b.page) ||
      TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier) ||
      a.file.localeCompare(b.file) ||
      a.line - b.line,
  );
  const tiers = TIERS.map((tier): TierStatus => {
    const mine = pages.filter((p) => p.tier === tier);
    const theirs = samples.filter((s) => s.tier === tier);
    const run = runs.find((r) => r.tier === tier);
    const skip = opts.skipped?.find((s) => s.tier === tier);
    const before = prev?.tiers.find((t) => t.tier === tier);
    const failed = mine.some((p) => p.status === 'failed');
    const against = run?.against ?? mine[0]?.against ?? before?.against;
    const interrupted = run ? run.interrupted : before?.interrupted;
    return {
      tier,
      status: skip ? 'skipped' : mine.length === 0 ? 'not-run' : failed ? 'failed' : 'passed',
      ...(against ? { against } : {}),
      ...(skip ? { reason: skip.reason } : {}),
      ...(interrupted && interrupted.length > 0 ? { interrupted } : {}),
      pages: mine.length,
      totals: totalsOf(theirs),
    };
  });
  const totals = totalsOf(samples);
  const checked = totals.run + totals.validated;
  return {
    schemaVersion: SCHEMA_VERSION,
    commit,
    dirty,
    startedAt: startedAt.toISOString(),
    durationMs: runs.reduce((n, r) => n + r.durationMs, 0),
    node: process.version,
    tiers,
    totals,
    coverage: totals.samples === 0 ? 1 : Math.round((checked / totals.samples) * 1e4) / 1e4,
    ok: totals.failed === 0 && pages.every((p) => p.status === 'passed'),
    ...fidelityBlock(root),
    pages,
    samples,
  };
}

/**
 * The stand-ins' measured fidelity, from the last `npm run fidelity`
 * (scripts/live/differential/run.mts writes reports/live/fidelity.json): kept
 * only when it compared against the release the guides are written for.
 */
export function fidelityBlock(root: string): { fidelity?: NonNullable<Report['fidelity']> } {
  const file = path.join(root, 'reports/live/fidelity.json');
  if (!existsSync(file)) return {};
  try {
    const f = JSON.parse(readFileSync(file, 'utf8')) as Partial<NonNullable<Report['fidelity']>>;
    const pinned = (
      JSON.parse(readFileSync(path.join(root, 'toolhive-release.json'), 'utf8')) as {
        toolhive: string;
      }
    ).toolhive;
    const { toolhive, agree, total, skipped, generatedAt } = f;
    if (toolhive !== pinned || typeof agree !== 'number' || typeof total !== 'number') return {};
    if (typeof skipped !== 'number' || typeof generatedAt !== 'string') return {};
    return { fidelity: { toolhive, agree, total, skipped, generatedAt } };
  } catch {
    return {};
  }
}

/** The report at `file` when it exists and has this schemaVersion; otherwise nothing to merge into. */
export function readPreviousReport(file: string): Report | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as { schemaVersion?: unknown };
    return r.schemaVersion === SCHEMA_VERSION ? (r as Report) : undefined;
  } catch {
    return undefined;
  }
}

const xml = (s: string) =>
  s
    .replace(
      /[<>&"]/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string,
    )
    // XML 1.0 forbids most control characters
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junit(report: Report): string {
  const suites = report.pages.map((p) => {
    const cases = report.samples.filter((s) => s.page === p.page && s.tier === p.tier);
    const failures = cases.filter((s) => s.status === 'failed').length + (p.error ? 1 : 0);
    const body = cases.map((s) => {
      const head = `    <testcase classname="${xml(`${p.page} (${p.tier})`)}" name="${xml(s.id)}" file="${xml(s.file)}" line="${s.line}" time="${(s.durationMs / 1000).toFixed(3)}"`;
      if (s.status === 'passed') return `${head}/>`;
      if (s.status === 'skipped')
        return `${head}>\n      <skipped message="${xml(`${s.reason}: ${s.detail ?? ''}`)}"/>\n    </testcase>`;
      const text = [s.command && `$ ${s.command}`, s.output, s.diff].filter(Boolean).join('\n');
      return `${head}>\n      <failure message="${xml(s.reason ?? 'failed')}">${xml(text)}</failure>\n    </testcase>`;
    });
    if (p.error)
      body.push(
        `    <testcase classname="${xml(`${p.page} (${p.tier})`)}" name="${xml(p.page)} (page)">\n      <failure message="${xml(p.error)}"/>\n    </testcase>`,
      );
    return `  <testsuite name="${xml(`${p.page} (${p.tier})`)}" tests="${body.length}" failures="${failures}" skipped="${cases.filter((s) => s.status === 'skipped').length}" time="${(p.durationMs / 1000).toFixed(3)}">\n${body.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="doctest" tests="${report.totals.samples}" failures="${report.totals.failed}" time="${(report.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** GitHub workflow command; data escaped as the runner expects (%, CR, LF). */
export function githubAnnotation(file: string, line: number, message: string): string {
  const data = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (v: string) => v.replace(/%/g, '%25').replace(/,/g, '%2C').replace(/:/g, '%3A');
  return `::error file=${prop(file)},line=${line},title=doctest::${data}`;
}

export async function writeReports(
  report: Report,
  dir: string,
): Promise<{ json: string; junit: string }> {
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, 'report.json');
  const junitFile = path.join(dir, 'junit.xml');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(junitFile, junit(report));
  return { json, junit: junitFile };
}
