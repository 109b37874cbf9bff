// The run's report: reports/doctest/report.json (shape in report.schema.json,
// documented in README.md), reports/doctest/junit.xml, and GitHub annotations.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Artefacts, SampleResult } from './status.mts';

export const SCHEMA_VERSION = 1;

export interface PageResult {
  page: string;
  durationMs: number;
  status: 'passed' | 'failed';
  /** A failure of the page itself (plan error, set-up failure), not of one sample. */
  error?: string;
  artefacts?: Artefacts;
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  commit: string;
  dirty: boolean;
  startedAt: string;
  durationMs: number;
  node: string;
  totals: {
    samples: number;
    passed: number;
    failed: number;
    skipped: number;
    run: number;
    validated: number;
  };
  /** (run + validated) / samples, 0..1. */
  coverage: number;
  ok: boolean;
  pages: PageResult[];
  samples: SampleResult[];
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

export function buildReport(
  startedAt: Date,
  durationMs: number,
  pages: PageResult[],
  samples: SampleResult[],
  root: string,
): Report {
  const count = (f: (s: SampleResult) => boolean) => samples.filter(f).length;
  const totals = {
    samples: samples.length,
    passed: count((s) => s.status === 'passed'),
    failed: count((s) => s.status === 'failed'),
    skipped: count((s) => s.status === 'skipped'),
    run: count((s) => s.status === 'passed' && s.kind === 'run'),
    validated: count((s) => s.status === 'passed' && s.kind === 'validated'),
  };
  const { commit, dirty } = gitCommit(root);
  return {
    schemaVersion: SCHEMA_VERSION,
    commit,
    dirty,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    node: process.version,
    totals,
    coverage:
      totals.samples === 0
        ? 1
        : Math.round(((totals.run + totals.validated) / totals.samples) * 1e4) / 1e4,
    ok: totals.failed === 0 && pages.every((p) => p.status === 'passed'),
    pages,
    samples,
  };
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
    const cases = report.samples.filter((s) => s.page === p.page);
    const failures = cases.filter((s) => s.status === 'failed').length + (p.error ? 1 : 0);
    const body = cases.map((s) => {
      const head = `    <testcase classname="${xml(p.page)}" name="${xml(s.id)}" file="${xml(s.file)}" line="${s.line}" time="${(s.durationMs / 1000).toFixed(3)}"`;
      if (s.status === 'passed') return `${head}/>`;
      if (s.status === 'skipped')
        return `${head}>\n      <skipped message="${xml(`${s.reason}: ${s.detail ?? ''}`)}"/>\n    </testcase>`;
      const text = [s.command && `$ ${s.command}`, s.output, s.diff].filter(Boolean).join('\n');
      return `${head}>\n      <failure message="${xml(s.reason ?? 'failed')}">${xml(text)}</failure>\n    </testcase>`;
    });
    if (p.error)
      body.push(
        `    <testcase classname="${xml(p.page)}" name="${xml(p.page)} (page)">\n      <failure message="${xml(p.error)}"/>\n    </testcase>`,
      );
    return `  <testsuite name="${xml(p.page)}" tests="${body.length}" failures="${failures}" skipped="${cases.filter((s) => s.status === 'skipped').length}" time="${(p.durationMs / 1000).toFixed(3)}">\n${body.join('\n')}\n  </testsuite>`;
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
