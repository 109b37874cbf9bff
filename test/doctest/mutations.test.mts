// Mutation self-tests: broken copies of the real guides must fail the doctest
// run at the right file:line, and the unmutated guides must pass. Each
// mutation runs in its own copy of docs/ (scripts and node_modules linked),
// with --bail, several at once.
import { afterAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runDoctests } from '../../scripts/doctest/run.mts';
import type { Report } from '../../scripts/doctest/report.mts';
import { MUTATIONS } from './mutations/index.mts';
import { CLI, CONCEPT, K8S, type Mutation } from './mutations/types.mts';

const root = path.resolve(import.meta.dirname, '../..');

const lineOf = (text: string, needle: string) => {
  const i = text.indexOf(needle);
  return i < 0 ? -1 : text.slice(0, i).split('\n').length;
};

async function mutatedRoot(mut?: Mutation, fixed = false): Promise<{ dir: string; text?: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'doctest-mutant-'));
  await cp(path.join(root, 'docs'), path.join(dir, 'docs'), { recursive: true });
  for (const f of [
    'scripts',
    'node_modules',
    'package.json',
    'tsconfig.json',
    'toolhive-release.json',
  ])
    await symlink(path.join(root, f), path.join(dir, f));
  if (!mut) return { dir };
  const file = path.join(dir, mut.file);
  const text = await readFile(file, 'utf8');
  if (!text.includes(mut.find))
    throw new Error(`mutation "${mut.kind}": text not found in ${mut.file}: ${mut.find}`);
  let mutated = text.replace(mut.find, mut.replace);
  if (fixed && mut.fixedBy) {
    if (!mutated.includes(mut.fixedBy.find))
      throw new Error(`mutation "${mut.kind}": fixedBy text not found: ${mut.fixedBy.find}`);
    mutated = mutated.replace(mut.fixedBy.find, mut.fixedBy.replace);
  }
  await writeFile(file, mutated);
  return { dir, text: mutated };
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function pool<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) {
        const k = i++;
        out[k] = await f(items[k] as T);
      }
    }),
  );
  return out;
}

// MUTATIONS_GREP=text runs only the mutations whose kind contains it (and the unmutated guides)
const grep = process.env['MUTATIONS_GREP'];
const SELECTED = grep ? MUTATIONS.filter((x) => x.kind.includes(grep)) : MUTATIONS;

describe('mutation self-tests', { timeout: 900_000 }, async () => {
  // keep a run open so the mock IdP and the mermaid worker are shared by all mutants
  const FIXED = SELECTED.filter((x) => x.fixedBy);
  const jobs: { mut?: Mutation; fixed: boolean }[] = [
    { fixed: false },
    ...SELECTED.map((mut) => ({ mut, fixed: false })),
    ...FIXED.map((mut) => ({ mut, fixed: true })),
  ];
  const all = await pool(jobs, 2, async ({ mut, fixed }) => {
    const { dir, text } = await mutatedRoot(mut, fixed);
    dirs.push(dir);
    const page = mut ? (mut.page ?? mut.file) : undefined;
    const pages = page ? [path.join(dir, page)] : [CLI, K8S, CONCEPT].map((p) => path.join(dir, p));
    const report: Report = await runDoctests({ root: dir, pages, bail: !!mut, concurrency: 3 });
    // the line is looked up in the file the failure must name (the mutated file by default)
    const expectText =
      mut?.expectFile && mut.expectFile !== mut.file
        ? await readFile(path.join(dir, mut.expectFile), 'utf8')
        : text;
    return { mut, text: expectText, report };
  });
  const results = all.slice(0, SELECTED.length + 1);
  const fixedResults = all.slice(SELECTED.length + 1);

  it('the unmutated guides pass', () => {
    const base = results[0]?.report;
    const failures = base?.samples
      .filter((s) => s.status === 'failed')
      .map((s) => `${s.file}:${s.failureLine}: ${s.reason}`);
    expect(failures).toEqual([]);
    expect(base?.pages.map((p) => p.error).filter(Boolean)).toEqual([]);
  });

  it('never puts a token or a bound secret into a report, not even of failing runs', () => {
    for (const r of results) {
      const text = JSON.stringify(r.report);
      expect(text).not.toMatch(/eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]+/);
      expect(text.match(/"(command|output|diff)":"[^"]*mock-only-exchange-secret/)).toBeNull();
    }
  });

  for (const [i, mut] of FIXED.entries()) {
    it(`passes once the mistake is corrected another way — ${mut.kind}`, () => {
      const report = (fixedResults[i] as (typeof fixedResults)[number]).report;
      const failures = report.samples
        .filter((s) => s.status === 'failed')
        .map((s) => `${s.file}:${s.failureLine}: ${s.reason}`);
      expect(failures).toEqual([]);
    });
  }

  it(`has at least 20 kinds of mutation`, () => {
    expect(new Set(MUTATIONS.map((x) => x.kind)).size).toBeGreaterThanOrEqual(20);
  });

  for (const [i, mut] of SELECTED.entries()) {
    it(`fails at the right file:line — ${mut.kind}`, () => {
      const r = results[i + 1] as (typeof results)[number];
      const expectFile = mut.expectFile ?? mut.file;
      const expectLine = lineOf(r.text as string, mut.expectAt ?? mut.replace);
      expect(expectLine).toBeGreaterThan(0);
      const failures = r.report.samples.filter(
        (s) => s.status === 'failed' && !/^not run: /.test(s.reason ?? ''),
      );
      if (mut.expectPageError) {
        const shown = JSON.stringify(failures.map((f) => `${f.file}:${f.failureLine} ${f.reason}`));
        expect(failures, `no sample fails, the verify step does: ${shown}`).toEqual([]);
        const error = r.report.pages[0]?.error ?? 'no page error';
        expect(error).toMatch(mut.expectPageError);
        expect(error).toContain(`after the sample at ${expectFile}:${expectLine}`);
        return;
      }
      const first = failures[0];
      expect(
        first ? `${first.failureFile ?? first.file}:${first.failureLine}` : 'no failure',
        JSON.stringify(failures.map((f) => `${f.file}:${f.failureLine} ${f.reason}`)),
      ).toBe(`${expectFile}:${expectLine}`);
      if (mut.expectCause) {
        const causeLine = lineOf(r.text as string, mut.expectCause);
        expect(causeLine).toBeGreaterThan(0);
        expect(
          first?.cause ? `${first.cause.file}:${first.cause.line}` : 'no cause named',
          first?.reason,
        ).toBe(`${expectFile}:${causeLine}`);
      }
    });
  }
});
