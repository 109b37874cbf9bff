// The verification badges: the site hashes a sample exactly as the doctest
// runner does, reads the report honestly, and redacts what it shows.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkFrontmatter from 'remark-frontmatter';
import { visit } from 'unist-util-visit';
import type { Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import sampleVerification from '../../src/remark/sampleVerification.ts';
import { extractPage } from '../../scripts/doctest/extract.mts';
import { redact, summarizeReport } from '../../src/plugins/doctest-report/report.ts';
import { EMPTY, summaryOf, verdictOf } from '../../src/components/Verification/verdict.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function docsPages(dir = path.join(root, 'docs')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return docsPages(full);
    return e.name.endsWith('.mdx') && !e.name.startsWith('_') ? [full] : [];
  });
}

/** Runs the site's remark plugin on a page; returns the summary's `file#hash` list. */
function siteSamples(file: string): { summary: string[]; badges: string[] } {
  const processor = unified().use(remarkParse).use(remarkMdx).use(remarkFrontmatter, ['yaml']);
  const tree = processor.parse(readFileSync(file, 'utf8')) as Root;
  sampleVerification.call(processor, { siteDir: root })(tree, { path: file });
  const badges: string[] = [];
  let summary: string[] = [];
  visit(tree, (node) => {
    if (node.type === 'code') {
      const meta = (node as { meta?: string }).meta ?? '';
      const f = /sample-file=(\S+)/.exec(meta)?.[1];
      const h = /sample-hash=(\S+)/.exec(meta)?.[1];
      if (f && h) badges.push(`${f}#${h}`);
    }
    if (node.type === 'mdxJsxFlowElement') {
      const el = node as unknown as { name: string; attributes: { name: string; value: string }[] };
      const attr = (n: string): string => el.attributes.find((a) => a.name === n)?.value ?? '';
      if (el.name === 'VerificationSummary') summary = attr('samples').split(',');
      if (el.name === 'SampleBadge') badges.push(`${attr('file')}#${attr('hash')}`);
    }
  });
  return { summary, badges };
}

describe('sample identity: the site and the doctest runner agree', () => {
  const pages = docsPages();
  it.each(pages.map((p) => [path.relative(root, p), p]))(
    '%s: the summary lists exactly the samples the doctest extracts',
    (_name, page) => {
      const doctest = extractPage(page, root).map((s) => `${s.file}#${s.hash}`);
      const { summary } = siteSamples(page);
      expect([...summary].sort()).toEqual([...doctest].sort());
    },
  );

  it('puts a badge on every code fence of a page (its own, not its partials)', () => {
    for (const page of pages) {
      const own = extractPage(page, root)
        .filter((s) => s.file === path.relative(root, page))
        .map((s) => `${s.file}#${s.hash}`);
      expect(siteSamples(page).badges.sort(), page).toEqual(own.sort());
    }
  });
});

const jwt =
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZUBleGFtcGxlLmNvbSJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3Qtc2hvdw';
const report = {
  schemaVersion: 2,
  commit: '74f7bd5b27355b88d5f69c4fd5bab6f80cf6edc5',
  dirty: false,
  startedAt: '2026-11-26T07:53:31.858Z',
  tiers: [
    { tier: 'hermetic', status: 'failed', against: 'reference proxy (hermetic)', pages: 1 },
    {
      tier: 'live',
      status: 'skipped',
      reason: 'thv is not installed (npm run live:setup)',
      pages: 0,
    },
  ],
  pages: [
    {
      page: 'docs/a.mdx',
      artefacts: {
        httpSequence: [
          {
            from: 'proxy',
            to: 'idp',
            method: 'POST',
            path: `/token?client_secret=mock-only-exchange-secret&subject_token=${jwt}`,
            status: 200,
            note: `subject token ${jwt}`,
          },
        ],
        claims: {
          subject: { sub: 'alice@example.com', aud: 'mcp-server' },
          exchanged: { sub: 'alice@example.com', aud: 'backend-api', client_secret: 'x' },
        },
      },
    },
  ],
  samples: [
    {
      id: 'docs/a.mdx:3',
      page: 'docs/a.mdx',
      file: 'docs/a.mdx',
      hash: 'a'.repeat(64),
      status: 'passed',
      kind: 'run',
      tier: 'hermetic',
      against: 'reference proxy (hermetic)',
    },
    {
      id: 'docs/a.mdx:3',
      page: 'docs/a.mdx',
      file: 'docs/a.mdx',
      hash: 'a'.repeat(64),
      status: 'passed',
      kind: 'run',
      tier: 'live',
      against: 'thv v0.44.0',
    },
    {
      id: 'docs/a.mdx:5',
      page: 'docs/a.mdx',
      file: 'docs/a.mdx',
      hash: 'f'.repeat(64),
      status: 'passed',
      kind: 'run',
      tier: 'hermetic',
      against: 'reference proxy (hermetic)',
    },
    {
      id: 'docs/a.mdx:7',
      page: 'docs/a.mdx',
      file: 'docs/a.mdx',
      hash: '1'.repeat(64),
      status: 'skipped',
      kind: 'validated',
      reason: 'needs-real-cluster',
      detail: 'installs the operator with Helm',
      tier: 'hermetic',
      against: 'reference proxy (hermetic)',
    },
    {
      id: 'docs/a.mdx:9',
      page: 'docs/a.mdx',
      file: 'docs/a.mdx',
      hash: 'b'.repeat(64),
      status: 'failed',
      reason: 'exit 1',
      tier: 'hermetic',
      against: 'reference proxy (hermetic)',
    },
    {
      id: 'docs/a.mdx:12',
      page: 'docs/a.mdx',
      file: 'docs/a.mdx',
      hash: 'c'.repeat(64),
      status: 'skipped',
      reason: 'interactive',
      detail: 'opens a browser',
      tier: 'hermetic',
      against: 'reference proxy (hermetic)',
    },
    // The same text twice in a file: the worst status wins.
    {
      id: 'docs/a.mdx:20',
      page: 'docs/a.mdx',
      file: 'docs/a.mdx',
      hash: 'd'.repeat(64),
      status: 'passed',
      tier: 'hermetic',
      against: 'reference proxy (hermetic)',
    },
    {
      id: 'docs/a.mdx:30',
      page: 'docs/a.mdx',
      file: 'docs/a.mdx',
      hash: 'd'.repeat(64),
      status: 'failed',
      reason: 'diff',
      tier: 'hermetic',
      against: 'reference proxy (hermetic)',
    },
  ],
} as const;

describe('badges from the report', () => {
  const data = summarizeReport(structuredClone(report) as never);

  it('says which tier verified a sample and against what: live with the thv version, hermetic against the reference proxy, both when both ran', () => {
    const both = verdictOf(data, 'docs/a.mdx', 'a'.repeat(64));
    expect(both).toMatchObject({ kind: 'verified', word: 'Verified' });
    expect(both.text).toBe(
      'verified with thv v0.44.0 and against the reference proxy (hermetic) (2026-11-26 07:53 UTC, commit 74f7bd5)',
    );
    const hermeticOnly = verdictOf(data, 'docs/a.mdx', 'f'.repeat(64));
    expect(hermeticOnly.text).toMatch(/^verified against the reference proxy \(hermetic\) \(/);
    expect(hermeticOnly.text).not.toMatch(/thv v/);
  });

  it('says "validated, not run" for a skipped sample that was validated, with its reason', () => {
    expect(verdictOf(data, 'docs/a.mdx', '1'.repeat(64))).toMatchObject({
      kind: 'validated',
      word: 'Validated',
      text: 'validated, not run — needs-real-cluster: installs the operator with Helm',
    });
  });

  it('sums a page up in one line: by tier, what did not run, and that live was skipped and why', () => {
    const ids = ['a', 'f', '1', 'b', 'c'].map((c) => `docs/a.mdx#${c.repeat(64)}`);
    const s = summaryOf(data, ids);
    expect(s.kind).toBe('failed');
    expect(s.text).toBe(
      '2 of 5 samples verified with thv v0.44.0 (1) and against the reference proxy (hermetic) (2), 2026-11-26 07:53 UTC, commit 74f7bd5; 1 failed, 1 validated, not run, 1 not run.',
    );
    const hermeticRun = summarizeReport({
      ...structuredClone(report),
      samples: report.samples.filter((x) => x.tier === 'hermetic'),
    } as never);
    expect(summaryOf(hermeticRun, ids.slice(0, 2)).text).toBe(
      '2 of 2 samples verified against the reference proxy (hermetic) (2), 2026-11-26 07:53 UTC, commit 74f7bd5; the live tier did not run (thv is not installed (npm run live:setup)).',
    );
  });

  it('never shows an edited sample (unknown hash) as verified', () => {
    expect(verdictOf(data, 'docs/a.mdx', 'e'.repeat(64)).kind).toBe('unverified');
    // Same text in another file is another sample.
    expect(verdictOf(data, 'docs/b.mdx', 'a'.repeat(64)).kind).toBe('unverified');
  });

  it('shows failures and skip reasons', () => {
    expect(verdictOf(data, 'docs/a.mdx', 'b'.repeat(64))).toMatchObject({ kind: 'failed' });
    expect(verdictOf(data, 'docs/a.mdx', 'c'.repeat(64)).text).toBe(
      'not run — interactive: opens a browser',
    );
    expect(verdictOf(data, 'docs/a.mdx', 'd'.repeat(64)).kind).toBe('failed');
  });

  it('says plainly when there is no report', () => {
    const v = verdictOf(EMPTY, 'docs/a.mdx', 'a'.repeat(64));
    expect(v.kind).toBe('no-report');
    expect(v.text).toContain('no doctest report');
  });

  it('redacts token signatures and secrets from the recorded exchange', () => {
    const text = JSON.stringify(data.recordings['docs/a.mdx']);
    expect(text).not.toContain('c2lnbmF0dXJl');
    expect(text).not.toContain('mock-only-exchange-secret');
    expect(text).toContain('[signature redacted]');
    expect(data.recordings['docs/a.mdx']?.claims?.exchanged).toEqual({
      sub: 'alice@example.com',
      aud: 'backend-api',
      client_secret: '[redacted]',
    });
    expect(redact({ token_type: 'Bearer' })).toEqual({ token_type: 'Bearer' });
  });

  it('refuses a report format it does not know', () => {
    expect(() => summarizeReport({ ...report, schemaVersion: 3 } as never)).toThrow(
      /schemaVersion 3/,
    );
  });
});
