import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { extractPage, ExtractError, sha256 } from '../../scripts/doctest/extract.mts';
import { parseMeta } from '../../scripts/doctest/meta.mts';

const root = path.resolve(import.meta.dirname, '../..');
const fx = (f: string) => path.join(import.meta.dirname, 'fixtures/extract', f);

describe('extractPage', () => {
  it('returns samples in reading order, with partial samples at each place of use', () => {
    const samples = extractPage(fx('page.mdx'), root);
    expect(
      samples.map((s) => [s.file.replace(/.*fixtures\/extract\//, ''), s.line, s.lang]),
    ).toEqual([
      ['page.mdx', 9, 'bash'],
      ['_partials/_shared.mdx', 5, 'yaml'],
      ['page.mdx', 15, 'json'],
      ['_partials/_shared.mdx', 5, 'yaml'],
    ]);
  });

  it('keeps title, meta, text and hash', () => {
    const [bash, yaml, json] = extractPage(fx('page.mdx'), root);
    expect(bash?.title).toBe('first step');
    expect(bash?.text).toBe('echo one');
    expect(bash?.hash).toBe(sha256('echo one'));
    expect(yaml?.title).toBe('client.yaml');
    expect(yaml?.page).toMatch(/fixtures\/extract\/page\.mdx$/);
    expect(yaml?.id).toMatch(/page\.mdx>.*_shared\.mdx:5$/);
    expect(yaml?.via[0]).toMatch(/page\.mdx:13$/);
    expect(json?.meta).toEqual({ 'doctest-claims': 'subject', note: 'x y' });
  });

  it('gives samples used twice from a partial distinct ids per page, one id per place', () => {
    const samples = extractPage(fx('page.mdx'), root);
    expect(samples[1]?.id).toBe(samples[3]?.id); // same page, same partial line
    expect(samples[1]?.via).not.toEqual(samples[3]?.via);
  });

  it('names file and line on a parse error', () => {
    expect(() => extractPage(fx('broken.mdx.txt'), root)).toThrow(ExtractError);
    expect(() => extractPage(fx('broken.mdx.txt'), root)).toThrow(
      /broken\.mdx\.txt:\d+: MDX parse error/,
    );
  });
});

describe('parseMeta', () => {
  it('reads bare keys, quoted and unquoted values and highlight ranges', () => {
    expect(parseMeta('title="a b" doctest-output doctest-exit=1 {1,3-4}')).toEqual({
      title: 'a b',
      'doctest-output': true,
      'doctest-exit': '1',
      highlight: '1,3-4',
    });
  });
  it('rejects meta it cannot read', () => {
    expect(() => parseMeta('title="unclosed')).toThrow(/cannot read fence meta/);
  });
});
