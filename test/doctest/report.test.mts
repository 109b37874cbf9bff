import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { runDoctests } from '../../scripts/doctest/run.mts';
import { githubAnnotation, junit, writeReports } from '../../scripts/doctest/report.mts';
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
});
