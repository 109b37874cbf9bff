import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { runDoctests } from '../../scripts/doctest/run.mts';
import {
  buildReport,
  githubAnnotation,
  junit,
  writeReports,
} from '../../scripts/doctest/report.mts';
import { reportSchema } from '../../scripts/doctest/report-schema.mts';
import { secretValues } from '../../scripts/doctest/redact.mts';
import type { TierRun } from '../../scripts/doctest/run.mts';
import schema from '../../scripts/doctest/report.schema.json' with { type: 'json' };

const root = path.resolve(import.meta.dirname, '../..');
const page = path.join(import.meta.dirname, 'fixtures/status/page.mdx');

describe('status and report', async () => {
  const report = await runDoctests({ root, pages: [page] });
  const byLine = (line: number) => report.samples.find((s) => s.line === line);

  it('fails a sample that nothing gives a status, and says what to add', () => {
    expect(byLine(3)?.status).toBe('failed');
    expect(byLine(3)?.reason).toMatch(/no doctest status.*doctest-skip/);
  });

  it('skips with a reason from the fixed list and keeps the free text', () => {
    expect(byLine(7)).toMatchObject({
      status: 'skipped',
      reason: 'needs-real-cluster',
      detail: 'installs the operator with Helm',
    });
  });

  it('fails a skip whose reason is not on the list', () => {
    expect(byLine(11)?.status).toBe('failed');
    expect(byLine(11)?.reason).toMatch(/doctest-skip needs "<reason>: <why>"/);
  });

  it('computes totals and coverage, and the run is not ok', () => {
    expect(report.totals).toMatchObject({ samples: 3, failed: 2, skipped: 1, passed: 0 });
    expect(report.coverage).toBe(0);
    expect(report.ok).toBe(false);
    expect(report.pages[0]?.status).toBe('failed');
  });

  it('writes a report.json that validates against the published JSON Schema, and a junit.xml', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'doctest-report-'));
    try {
      const files = await writeReports(report, dir);
      const written: unknown = JSON.parse(await readFile(files.json, 'utf8'));
      const ajv = new Ajv({ allErrors: true });
      addFormats.default(ajv);
      const validate = ajv.compile(schema);
      expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
      const xml = await readFile(files.junit, 'utf8');
      expect(xml).toContain('<failure message="no doctest status');
      expect(xml).toContain(
        '<skipped message="needs-real-cluster: installs the operator with Helm"/>',
      );
      // the schema rejects a skip without a listed reason
      const bad = structuredClone(written) as { samples: { status: string; reason?: string }[] };
      const skipped = bad.samples.find((s) => s.status === 'skipped');
      if (skipped) skipped.reason = 'because';
      expect(validate(bad)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('junit escapes XML and github annotations escape newlines', () => {
    expect(junit(report)).not.toMatch(/message="[^"]*<[^"]*"/);
    expect(githubAnnotation('docs/a.mdx', 3, 'a\nb: 100%')).toBe(
      '::error file=docs/a.mdx,line=3,title=doctest::a%0Ab: 100%25',
    );
  });

  it('report.schema.json is the one written from report-schema.mts (npm run doctest:schema)', async () => {
    const file = path.join(root, 'scripts/doctest/report.schema.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(reportSchema);
  });

  it('records the tier and what it ran against, per page, per sample and for the run', () => {
    expect(report.pages[0]).toMatchObject({
      tier: 'hermetic',
      against: 'reference proxy (hermetic)',
    });
    expect(report.samples.every((x) => x.tier === 'hermetic')).toBe(true);
    expect(report.tiers.map((t) => [t.tier, t.status])).toEqual([
      ['hermetic', 'failed'],
      ['live', 'not-run'],
    ]);
  });
});

describe('merging into an earlier report', () => {
  const sample = (page: string, tier: 'hermetic' | 'live', status: 'passed' | 'failed') => ({
    id: `${page}:3`,
    page,
    file: page,
    line: 3,
    lang: 'bash',
    hash: 'a'.repeat(64),
    status,
    ...(status === 'passed' ? { kind: 'run' as const } : { reason: 'exit 1', failureLine: 3 }),
    tier,
    against: tier === 'live' ? 'thv v0.44.0' : 'reference proxy (hermetic)',
    durationMs: 1,
  });
  const pageRun = (page: string, tier: 'hermetic' | 'live', status: 'passed' | 'failed') => ({
    page: {
      page,
      tier,
      against: tier === 'live' ? 'thv v0.44.0' : 'reference proxy (hermetic)',
      durationMs: 1,
      status,
    },
    samples: [sample(page, tier, status)],
    interrupted: false,
  });
  const run = (
    tier: 'hermetic' | 'live',
    pages: ReturnType<typeof pageRun>[],
    interrupted: string[] = [],
  ): TierRun => ({
    tier,
    against: tier === 'live' ? 'thv v0.44.0' : 'reference proxy (hermetic)',
    pages,
    interrupted,
    startedAt: new Date('2026-12-01T00:00:00Z'),
    durationMs: 5,
  });
  const earlier = buildReport(
    [
      run('hermetic', [
        pageRun('docs/a.mdx', 'hermetic', 'passed'),
        pageRun('docs/b.mdx', 'hermetic', 'passed'),
      ]),
      run('live', [pageRun('docs/a.mdx', 'live', 'passed')]),
    ],
    root,
  );

  it('replaces only the pages and tier it ran; keeps the rest', () => {
    const merged = buildReport(
      [run('hermetic', [pageRun('docs/b.mdx', 'hermetic', 'failed')])],
      root,
      { previous: earlier },
    );
    expect(merged.samples.map((x) => `${x.page} ${x.tier} ${x.status}`)).toEqual([
      'docs/a.mdx hermetic passed',
      'docs/a.mdx live passed',
      'docs/b.mdx hermetic failed',
    ]);
    expect(merged.tiers.map((t) => `${t.tier} ${t.status}`)).toEqual([
      'hermetic failed',
      'live passed',
    ]);
    expect(merged.ok).toBe(false);
  });

  it('an interrupted page keeps its earlier entries and counts nothing it did not reach as failed', () => {
    const merged = buildReport([run('hermetic', [], ['docs/b.mdx'])], root, { previous: earlier });
    expect(merged.samples.filter((x) => x.status === 'failed')).toEqual([]);
    expect(merged.samples.filter((x) => x.page === 'docs/b.mdx')).toHaveLength(1);
    expect(merged.tiers[0]?.interrupted).toEqual(['docs/b.mdx']);
  });

  it('a live tier this machine skipped drops the live entries and says why', () => {
    const merged = buildReport(
      [run('hermetic', [pageRun('docs/a.mdx', 'hermetic', 'passed')])],
      root,
      {
        previous: earlier,
        skipped: [{ tier: 'live', reason: 'thv is not installed' }],
      },
    );
    expect(merged.samples.some((x) => x.tier === 'live')).toBe(false);
    expect(merged.tiers[1]).toMatchObject({
      tier: 'live',
      status: 'skipped',
      reason: 'thv is not installed',
    });
  });
});

describe('npm run doctest on one page merges into the report', { timeout: 120_000 }, () => {
  const cli = (dir: string, ...pages: string[]) =>
    promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/doctest/cli.mts', '--report-dir', dir, ...pages],
      { cwd: root },
    );
  const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures/report', name);
  const read = async (dir: string) =>
    JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as {
      samples: { page: string; status: string }[];
      pages: { page: string }[];
    };

  it("a run of page b keeps page a's results; a second run of b replaces b's", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'doctest-merge-'));
    try {
      await cli(dir, fixture('a.mdx'));
      await cli(dir, fixture('b.mdx'));
      await cli(dir, fixture('b.mdx'));
      const report = await read(dir);
      const pages = report.pages.map((p) => path.basename(p.page)).sort();
      expect(pages).toEqual(['a.mdx', 'b.mdx']);
      // two samples a page (the command and its output), b's counted once
      expect(report.samples.map((s) => `${path.basename(s.page)} ${s.status}`).sort()).toEqual([
        'a.mdx passed',
        'a.mdx passed',
        'b.mdx passed',
        'b.mdx passed',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('redaction of bound values', () => {
  it('redacts secrets, passwords and tokens, not the token exchange URL', () => {
    expect(
      secretValues({
        EXCHANGE_CLIENT_SECRET: 's3cret',
        USER_ACCESS_TOKEN: 'tok',
        ADMIN_PASSWORD: 'pw',
        TOKEN_EXCHANGE_URL: 'https://dev-123456.okta.com/oauth2/aus9876543210/v1/token',
        BACKEND_AUDIENCE: 'backend-api',
      }),
    ).toEqual(['s3cret', 'tok', 'pw']);
  });
});
