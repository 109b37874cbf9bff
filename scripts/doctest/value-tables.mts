// Values a reader copies come from the page. A plan's `valueTables` names
// tables of the page (or of a partial it imports) by the heading above them;
// each row whose first cell is `<PLACEHOLDER>` and whose other cells hold
// exactly one code span states that placeholder's value. The run binds the
// placeholder to that value; a plan `bind` that states it again, or
// differently, is a failure at the table row, in the file that holds it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plan } from './plan.mts';

export interface StatedValue {
  name: string;
  value: string;
  /** Repository-relative file and 1-based line of the table row. */
  file: string;
  line: number;
  heading: string;
}

const cells = (row: string) =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

function tablesOf(text: string, file: string, headings: string[]): StatedValue[] {
  const out: StatedValue[] = [];
  let heading = '';
  let inFence = false;
  text.split('\n').forEach((raw, i) => {
    if (/^\s*(```|~~~)/.test(raw)) inFence = !inFence;
    if (inFence) return;
    const h = /^#{1,6}\s+(.+?)\s*$/.exec(raw);
    if (h) heading = h[1] as string;
    if (!raw.trimStart().startsWith('|')) return;
    if (!headings.some((x) => x.toLowerCase() === heading.toLowerCase())) return;
    const [first = '', ...rest] = cells(raw);
    const name = /^`<([A-Z][A-Z0-9_]*)>`$/.exec(first)?.[1];
    if (!name) return;
    const spans = rest.flatMap((c) => [...c.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
    if (spans.length !== 1) return;
    out.push({ name, value: spans[0] as string, file, line: i + 1, heading });
  });
  return out;
}

/** The values the plan's `valueTables` state, in the page and the partials it imports. */
export function statedValues(root: string, pageAbs: string, plan: Plan): StatedValue[] {
  const headings = plan.valueTables;
  if (headings.length === 0) return [];
  const files = [pageAbs];
  const page = readFileSync(pageAbs, 'utf8');
  for (const m of page.matchAll(/^import\s+\w+\s+from\s+['"](\.{1,2}\/[^'"]+\.mdx)['"]/gm))
    files.push(path.resolve(path.dirname(pageAbs), m[1] as string));
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
  return files.flatMap((f) =>
    tablesOf(f === pageAbs ? page : readFileSync(f, 'utf8'), rel(f), headings),
  );
}

export interface ValueProblem {
  name: string;
  file: string;
  line: number;
  message: string;
}

/** Plan bindings that repeat or contradict what the page states. */
export function valueProblems(stated: StatedValue[], plan: Plan, planRel: string): ValueProblem[] {
  const out: ValueProblem[] = [];
  const seen = new Map<string, StatedValue>();
  for (const s of stated) {
    const earlier = seen.get(s.name);
    if (earlier && earlier.value !== s.value) {
      out.push({
        ...s,
        message: `<${s.name}> is \`${s.value}\` here but \`${earlier.value}\` at ${earlier.file}:${earlier.line}; a reader cannot copy both`,
      });
      continue;
    }
    seen.set(s.name, s);
    const bound = plan.bind[s.name];
    if (typeof bound !== 'string') continue;
    out.push({
      ...s,
      message:
        bound === s.value
          ? `${planRel} binds <${s.name}> to the value this table states ("${s.heading}"); remove it from bind: the run takes it from the page`
          : `the page states <${s.name}> = \`${s.value}\` ("${s.heading}"), but the run used \`${bound}\` (${planRel} bind.${s.name}); a reader copies the page's value — change the page or drop the binding`,
    });
  }
  return out;
}
