// A failure points at its cause. When a shell sample fails because an earlier
// sample set something wrong — a variable holding a scope, a tool name, a
// URL — the failure surfaces in the later sample, but the line to fix is the
// earlier one. After each passing shell sample the run records which
// variables it assigned and their values; a failing sample that uses one of
// them gets the assigning sample named as the likely cause:
//   - `NAME: unbound variable` (set -u): no earlier sample set NAME — and, if
//     one set a name a typo away, that sample;
//   - the value of a variable the failing sample uses appears in its output
//     (an error quoting the bad scope, the unknown tool): that variable's sample;
//   - otherwise the failure lists the earlier samples whose variables it used.
import type { PageContext } from './context.mts';
import type { Sample } from './extract.mts';
import type { Outcome } from './status.mts';

type Failed = Extract<Outcome, { status: 'failed' }>;

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
/** `X=…`, `export X=…`, `local X=…`, `read [-r] X`, `for X in` at a command's start. */
const ASSIGN = new RegExp(
  `(?:^|[;&|({]\\s*|\\b(?:export|local|readonly|declare(?:\\s+-\\w+)?)\\s+)(${NAME})(?:\\+)?=|\\bread\\s+(?:-\\w+\\s+)*(${NAME})|\\bfor\\s+(${NAME})\\s+in\\b`,
  'gm',
);
const USE = new RegExp(`\\$(?:\\{)?(${NAME})`, 'g');

export function assignedNames(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(ASSIGN)) {
    const n = m[1] ?? m[2] ?? m[3];
    if (n) out.add(n);
  }
  return [...out];
}

export function usedNames(text: string): string[] {
  return [...new Set([...text.matchAll(USE)].map((m) => m[1] as string))];
}

/** After a passing shell sample: remember which sample set which variable, and to what. */
export async function recordProvenance(
  sample: Sample,
  text: string,
  ctx: PageContext,
): Promise<void> {
  const names = assignedNames(text).filter((n) => !n.startsWith('__doctest'));
  if (names.length === 0) return;
  const shell = await ctx.shell();
  // one NUL-separated line of values, read in the same shell (the values a later sample sees)
  const r = await shell.run(names.map((n) => `printf '%s\\0' "\${${n}-}"`).join('\n'), 5000);
  const values = r.exitCode === 0 ? r.output.split('\0') : [];
  names.forEach((n, i) => {
    const value = values[i];
    ctx.provenance.set(n, { sample, ...(value !== undefined ? { value } : {}) });
  });
}

const at = (s: Sample) => `${s.file}:${s.line}`;

/** Levenshtein distance: `$TOKN` is a typo of `$TOKEN`. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, sub));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/** Adds the likely cause (an earlier sample's line) to a shell sample's failure. */
export function likelyCause(o: Failed, sample: Sample, text: string, ctx: PageContext): Failed {
  const output = o.output ?? '';
  const unbound = new RegExp(`(${NAME}): unbound variable`).exec(output)?.[1];
  if (unbound) {
    const near = [...ctx.provenance.entries()].find(
      ([n]) => n !== unbound && distance(n.toLowerCase(), unbound.toLowerCase()) <= 2,
    );
    const message = near
      ? `${o.message}; $${unbound} is set by no earlier sample — likely cause: ${at(near[1].sample)} sets $${near[0]}`
      : `${o.message}; $${unbound} is set by no earlier sample on the page`;
    return {
      ...o,
      message,
      ...(near
        ? {
            cause: {
              file: near[1].sample.file,
              line: near[1].sample.line,
              what: `sets $${near[0]}`,
            },
          }
        : {}),
    };
  }
  const used = usedNames(text)
    .map((n) => [n, ctx.provenance.get(n)] as const)
    .filter(
      (e): e is readonly [string, NonNullable<(typeof e)[1]>] =>
        e[1] !== undefined && e[1].sample !== sample,
    );
  if (used.length === 0) return o;
  const shown = used.filter(
    ([, p]) => p.value !== undefined && p.value.length >= 3 && output.includes(p.value),
  );
  const culprit = shown[shown.length - 1];
  if (culprit) {
    const [n, p] = culprit;
    return {
      ...o,
      message: `${o.message} — likely cause: ${at(p.sample)} sets $${n}, and its value appears in the error`,
      cause: { file: p.sample.file, line: p.sample.line, what: `sets $${n}` },
    };
  }
  const bySample = new Map<Sample, string[]>();
  for (const [n, p] of used) bySample.set(p.sample, [...(bySample.get(p.sample) ?? []), `$${n}`]);
  const list = [...bySample].map(([s, ns]) => `${ns.join(', ')} from ${at(s)}`).join('; ');
  return { ...o, message: `${o.message} (it uses ${list})` };
}
