// What earlier samples set that later ones use, recorded as each sample
// passes, for cause.mts to name when a later sample fails:
//   - shell variables and their values (`recordVariables`);
//   - files a shell sample writes (`> f`, `>> f`, `tee f`, a heredoc
//     `cat > f <<EOF`), and the `key: value` / `KEY=value` lines a heredoc
//     writes into them;
//   - the flag values of an earlier `thv` command (`thv run --resource-url …`);
//   - the scalar values of a YAML manifest (an audience, a scope, a Secret's
//     key, a reference's name), each at its own line.
import { isPair, isScalar, visit, type Document, type LineCounter } from 'yaml';
import type { PageContext, Stated } from './context.mts';
import type { Sample } from './extract.mts';
import { SECRET_KEY } from './redact.mts';

/** A flag, heredoc key or field whose value is a secret: never recorded (a cause's words are shown). */
const secretName = (name: string) => SECRET_KEY.test(name.replace(/^-+/, '').replace(/-/g, '_'));

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
export async function recordVariables(
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

/** The file line of line `i` (0-based) of a sample's text: line 1 of the text follows the fence. */
const fileLine = (sample: Sample, i: number) => sample.line + 1 + i;

/** A literal word of shell: no expansion, quotes removed. */
function literal(word: string): string | undefined {
  const w = /^'([^']*)'$/.exec(word)?.[1] ?? /^"([^"$`\\]*)"$/.exec(word)?.[1] ?? word;
  return /[$`*?(){}<>|;&'"\\]/.test(w) ? undefined : w;
}

const REDIRECT = /(?:^|[^<>&\d])(?:\d?>>?|&>)\s*([^\s;&|<>()]+)|\btee\s+(?:-a\s+)?([^\s;&|<>()]+)/g;
const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_]\w*)\1/;

/**
 * After a passing shell sample: the files it wrote, the values a heredoc put
 * into them, and the flags of its `thv` commands, each at its own line.
 */
export function recordShellFacts(sample: Sample, text: string, ctx: PageContext): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    for (const m of line.matchAll(REDIRECT)) {
      const file = literal((m[1] ?? m[2]) as string);
      if (!file || file === '/dev/null' || file.startsWith('.doctest/') || file.startsWith('&'))
        continue;
      ctx.written.set(file, {
        sample,
        file: sample.file,
        line: fileLine(sample, i),
        value: file,
        what: `writes ${file}`,
      });
      const here = HEREDOC.exec(line);
      if (!here) continue;
      // the heredoc's body, up to its delimiter: each `key: value` / `KEY=value` is a value it states
      for (let j = i + 1; j < lines.length && (lines[j] as string).trim() !== here[2]; j++) {
        const kv = /^\s*(?:export\s+)?([\w.-]+)\s*(?::|=)\s*(.+?)\s*$/.exec(lines[j] as string);
        const value = kv && unquote(kv[2] as string);
        if (kv && value && !secretName(kv[1] as string))
          ctx.stated.push({
            sample,
            file: sample.file,
            line: fileLine(sample, j),
            value,
            what: `writes ${kv[1]}: ${value} into ${file}`,
          });
      }
    }
  }
  // a command continued over lines (`\` at the end) is one command: its flags keep their own line
  let command = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!command && /^\s*thv\s/.test(line))
      command = /^\s*(thv(?:\s+[a-z][\w-]*){0,2})/.exec(line)?.[1] ?? 'thv';
    if (command)
      for (const f of line.matchAll(
        /(?:^|\s)(--[\w-]+)(?:=|\s+)("[^"]*"|'[^']*'|[^\s\\-][^\s\\]*)/g,
      )) {
        const value = literal(f[2] as string);
        if (!value || secretName(f[1] as string)) continue;
        const what = `passes ${f[1]} ${value} to ${command.replace(/\s+/g, ' ')}`;
        const at = { sample, file: sample.file, line: fileLine(sample, i), field: f[1] as string };
        ctx.stated.push({ ...at, value, what });
        // a list flag's items one by one: an error names the one scope, not the list
        const items = value.split(',');
        if (items.length > 1)
          for (const item of items.filter(Boolean)) ctx.stated.push({ ...at, value: item, what });
      }
    if (!/\\\s*$/.test(line)) command = '';
  }
}

const unquote = (v: string) => /^'(.*)'$/.exec(v)?.[1] ?? /^"(.*)"$/.exec(v)?.[1] ?? v;

/** After a YAML sample passed: each scalar value of its manifests, at its line, with its field path. */
export function recordYamlValues(
  sample: Sample,
  docs: { yaml?: Document; lineCounter?: LineCounter; kind: string; name: string }[],
  ctx: PageContext,
): void {
  for (const d of docs) {
    const lc = d.lineCounter;
    if (!d.yaml || !lc) continue;
    visit(d.yaml, {
      Pair(_, pair, path) {
        if (!isScalar(pair.value) || !pair.value.range) return;
        const keys = [...path, pair]
          .filter(isPair)
          .map((p) => (isScalar(p.key) ? String(p.key.value) : '?'));
        const field = keys.join('.');
        // the type of a document is checked against the schemas, not a value a later sample uses
        if (field === 'apiVersion' || field === 'kind') return;
        // a Secret's data, or any secret-looking field, is never recorded
        if (
          (d.kind === 'Secret' && /^(data|stringData)\./.test(field)) ||
          keys.some((k) => secretName(k) && !/Ref$/.test(k))
        )
          return;
        const value = String(pair.value.value);
        ctx.stated.push({
          sample,
          file: sample.file,
          line: lc.linePos(pair.value.range[0]).line + sample.line,
          value,
          field,
          what: `sets ${field}: ${value}${sample.title ? ` in ${sample.title}` : ''} (${d.kind} ${d.name})`,
        });
      },
    });
  }
}

export type { Stated };
