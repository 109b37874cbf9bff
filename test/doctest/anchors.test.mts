// Plans point at samples by doctest-id (or, for compatibility, by line); an
// anchor that matches no sample is a hard error naming the plan file and key.
import { describe, expect, it } from 'vitest';
import { PlanError, PlanSchema, resolveAnchors } from '../../scripts/doctest/plan.mts';

const page = 'docs/p.mdx';
const s = (line: number, id?: string, file = page) => ({
  id: file === page ? `${page}:${line}` : `${page}>${file}:${line}`,
  page,
  file,
  line,
  meta: (id ? { 'doctest-id': id } : {}) as Record<string, string | true>,
});
const samples = [s(10, 'get-code'), s(20), s(30, 'last-check'), s(5, undefined, 'docs/_part.mdx')];
const plan = (x: object) => PlanSchema.parse({ version: 1, ...x });
const resolve = (x: object) => resolveAnchors(plan(x), samples, 'docs/p.doctest.yaml');

describe('plan anchors', () => {
  it('resolve doctest-ids, page lines and partial lines to sample ids', () => {
    const a = resolve({
      before: { 'get-code': 'x=1', '20': 'y=2', 'docs/_part.mdx:5': 'z=3' },
      samples: { 'last-check': { timeout: 5 } },
      verify: { after: 'last-check', url: 'http://localhost:8080/mcp', expect: { audience: 'a' } },
    });
    expect([...a.before.keys()].sort()).toEqual([
      'docs/p.mdx:10',
      'docs/p.mdx:20',
      'docs/p.mdx>docs/_part.mdx:5',
    ]);
    expect(a.before.get('docs/p.mdx:10')).toBe('x=1');
    expect(a.samples.get('docs/p.mdx:30')).toEqual({ timeout: 5 });
    expect(a.verifyAfter).toBe('docs/p.mdx:30');
  });

  it('fail on an id no sample has, naming the plan file, the key and the ids there are', () => {
    expect(() => resolve({ before: { 'get-cod': 'x' } })).toThrow(PlanError);
    expect(() => resolve({ before: { 'get-cod': 'x' } })).toThrow(
      'docs/p.doctest.yaml: before."get-cod": no sample on the page has doctest-id="get-cod" (ids on the page: get-code, last-check)',
    );
    expect(() =>
      resolve({
        verify: { after: 'nope', url: 'http://localhost:8080/mcp', expect: { audience: 'a' } },
      }),
    ).toThrow('docs/p.doctest.yaml: verify.after: no sample on the page has doctest-id="nope"');
  });

  it('fail on a line where no sample starts (the page moved under the plan)', () => {
    expect(() => resolve({ samples: { '21': { timeout: 1 } } })).toThrow(
      /docs\/p\.doctest\.yaml: samples\."21": no sample starts at line 21 of the page .*doctest-id/,
    );
    expect(() =>
      resolve({
        verify: { after: 11, url: 'http://localhost:8080/mcp', expect: { audience: 'a' } },
      }),
    ).toThrow(/verify\.after: no sample starts at line 11/);
  });

  it('fail on an id two samples share', () => {
    expect(() =>
      resolveAnchors(plan({ before: { dup: 'x' } }), [s(1, 'dup'), s(2, 'dup')], 'p.doctest.yaml'),
    ).toThrow(/"dup" matches 2 samples/);
  });
});
