// `doctest-output`: the block is the expected output of the shell sample just
// before it. A line `...` matches any number of lines; `...` inside a line
// matches any text. Trailing whitespace is ignored.
import type { Handler } from '../context.mts';
import { likelyCause } from '../cause.mts';
import { lineDiff } from '../diff.mts';

export const outputHandler: Handler = async (sample, ctx) => {
  if (sample.meta['doctest-output'] === undefined) return undefined;
  const last = ctx.lastShell;
  if (!last) {
    return {
      status: 'failed',
      message: 'doctest-output needs a bash sample before it on the page',
    };
  }
  const expected = sample.text.replace(/\s+$/, '');
  const actual = last.output.replace(/\s+$/, '');
  if (matchOutput(expected.split('\n'), actual.split('\n')))
    return { status: 'passed', kind: 'validated' };
  // an earlier sample's value in the lines that differ is the likely cause (cause.mts)
  const wanted = new Set(expected.split('\n').map((l) => l.trim()));
  const differing = actual
    .split('\n')
    .filter((l) => !wanted.has(l.trim()))
    .join('\n');
  return await likelyCause(
    {
      status: 'failed',
      message: `output of the sample at ${last.sample.file}:${last.sample.line} does not match this block`,
      command: last.command,
      output: last.output,
      diff: lineDiff(expected, actual),
    },
    last.sample,
    last.command,
    ctx,
    differing,
  );
};

export function matchOutput(expected: string[], actual: string[]): boolean {
  const lineMatches = (pattern: string, line: string): boolean => {
    const p = pattern.trimEnd();
    const l = line.trimEnd();
    if (!p.includes('...')) return p === l;
    const re = new RegExp(
      `^${p
        .split('...')
        .map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    return re.test(l);
  };
  const go = (i: number, j: number): boolean => {
    if (i === expected.length) return j === actual.length;
    if ((expected[i] as string).trim() === '...') {
      for (let k = j; k <= actual.length; k++) if (go(i + 1, k)) return true;
      return false;
    }
    return (
      j < actual.length &&
      lineMatches(expected[i] as string, actual[j] as string) &&
      go(i + 1, j + 1)
    );
  };
  return go(0, 0);
}
