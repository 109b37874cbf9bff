// How ToolHive edits a client's JSON config file, for standard JSON: it
// parses the file with github.com/tailscale/hujson, adds the path to the
// servers object when missing, applies a JSON Patch `add` (or `remove`) of
// the server entry, and writes `hujson.Format` of the result
// (pkg/client/config_editor.go:62-101 JSONConfigUpdater.Upsert/Remove and
// :591 ensurePathExists @v0.44.0; hujson at the version ToolHive's go.mod
// pins, format.go). What a reader then sees in the file follows hujson's
// rules, reproduced here:
//
// - every object or array is printed on one line, or expanded with one
//   member per line, indented by tabs; it is expanded when the file had a
//   newline right after its `{`/`[`, after one of its commas or before its
//   `}`/`]`, or when one of its lines would be longer than 80 bytes
//   (indentation not counted; format.go expandComposites);
// - `name: value` with one space, `, ` between inline members, no trailing
//   comma in standard JSON; an empty object or array is `{}`/`[]`;
// - in an expanded object, the values of consecutive one-line members are
//   aligned (format.go alignObjectValues);
// - the file ends with exactly one newline.
//
// A value a patch inserts is `json.Marshal`ed, so it has no newlines of its
// own; a replaced member keeps its place.

type HuNode =
  | { t: 'lit'; raw: string }
  | { t: 'obj'; members: { name: string; value: HuNode }[]; nl: boolean }
  | { t: 'arr'; elements: HuNode[]; nl: boolean };

/** Parses standard JSON, remembering which composites had a newline where hujson looks. */
export function parseHuJson(text: string): HuNode {
  let i = 0;
  const ws = () => {
    const start = i;
    while (i < text.length && /[ \t\r\n]/.test(text[i] as string)) i++;
    return text.slice(start, i).includes('\n');
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`invalid JSON at offset ${i}: ${what}`);
  };
  const str = () => {
    const start = i;
    if (text[i] !== '"') fail('expected a string');
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return text.slice(start, i);
  };
  const value = (): HuNode => {
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      let nl = ws();
      const members: { name: string; value: HuNode }[] = [];
      const elements: HuNode[] = [];
      if (text[i] === close) {
        i++;
        // format.go normalize: an empty object or array is simply {} or []
        return c === '{' ? { t: 'obj', members, nl: false } : { t: 'arr', elements, nl: false };
      }
      for (;;) {
        if (c === '{') {
          const name = str();
          ws();
          if (text[i] !== ':') fail('expected ":"');
          i++;
          ws();
          members.push({ name, value: value() });
        } else elements.push(value());
        nl = ws() || nl;
        if (text[i] === ',') {
          i++;
          nl = ws() || nl;
          continue;
        }
        if (text[i] === close) {
          i++;
          break;
        }
        fail(`expected "," or "${close}"`);
      }
      return c === '{' ? { t: 'obj', members, nl } : { t: 'arr', elements, nl };
    }
    if (c === '"') return { t: 'lit', raw: str() };
    const m = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) return fail('expected a value');
    i += m[0].length;
    return { t: 'lit', raw: m[0] };
  };
  ws();
  const v = value();
  ws();
  if (i !== text.length) fail('trailing data');
  return v;
}

const PUNCH_CARD_WIDTH = 80; // format.go:55
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

interface LineStats {
  first: number;
  last: number;
  multiline: boolean;
}

/** format.go expandComposites: which composites print one member per line. */
function expandComposites(v: HuNode, expand: Set<HuNode>): LineStats {
  if (v.t === 'lit') return { first: bytes(v.raw), last: bytes(v.raw), multiline: false };
  let lineLength = 1; // "{" or "["
  const lineLengths: number[] = [];
  const add = (s: LineStats) => {
    lineLength += s.first;
    if (s.multiline) {
      lineLengths.push(lineLength);
      lineLength = s.last;
    }
  };
  if (v.t === 'obj') {
    for (const m of v.members) {
      add({ first: bytes(m.name), last: bytes(m.name), multiline: false });
      lineLength += 2; // ": "
      add(expandComposites(m.value, expand));
      lineLength += 2; // ", "
    }
  } else {
    for (const e of v.elements) {
      add(expandComposites(e, expand));
      lineLength += 2; // ", "
    }
  }
  lineLength += 1; // "}" or "]"
  lineLengths.push(lineLength);
  const wide = lineLengths.some((n) => n > PUNCH_CARD_WIDTH);
  if (v.nl || wide) {
    expand.add(v);
    return { first: 1, last: 1, multiline: true };
  }
  return {
    first: lineLengths[0] as number,
    last: lineLengths[lineLengths.length - 1] as number,
    multiline: lineLengths.length > 1,
  };
}

function print(v: HuNode, depth: number, expand: Set<HuNode>): string {
  if (v.t === 'lit') return v.raw;
  const tabs = (n: number) => '\t'.repeat(n);
  const expanded = expand.has(v);
  if (v.t === 'arr') {
    if (v.elements.length === 0) return '[]';
    const items = v.elements.map((e) => print(e, expanded ? depth + 1 : depth, expand));
    return expanded
      ? `[${items.map((x) => `\n${tabs(depth + 1)}${x}`).join(',')}\n${tabs(depth)}]`
      : `[${items.join(', ')}]`;
  }
  if (v.members.length === 0) return '{}';
  const values = v.members.map((m) => print(m.value, expanded ? depth + 1 : depth, expand));
  if (!expanded) return `{${v.members.map((m, i) => `${m.name}: ${values[i]}`).join(', ')}}`;
  // format.go alignObjectValues: runs of one-line members get their values aligned
  const pad: number[] = v.members.map(() => 0);
  let run: number[] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map((i) => bytes(v.members[i]?.name ?? '')));
    for (const i of run) pad[i] = width - bytes(v.members[i]?.name ?? '');
    run = [];
  };
  values.forEach((x, i) => {
    if (x.includes('\n')) flush();
    else run.push(i);
  });
  flush();
  const lines = v.members.map(
    (m, i) => `\n${tabs(depth + 1)}${m.name}:${' '.repeat(1 + (pad[i] as number))}${values[i]}`,
  );
  return `{${lines.join(',')}\n${tabs(depth)}}`;
}

/** hujson.Format of a parsed document: the text ToolHive writes. */
export function formatHuJson(v: HuNode): string {
  const expand = new Set<HuNode>();
  expandComposites(v, expand);
  return `${print(v, 0, expand)}\n`;
}

/**
 * The file after ToolHive's Upsert of `name` under the top-level `key`
 * (`value` as json.Marshal writes it); `text` is the file's content, '' when
 * it does not exist.
 */
export function huUpsert(text: string, key: string, name: string, value: unknown): string {
  const doc = parseHuJson(text.length === 0 ? '{}' : text);
  if (doc.t !== 'obj') throw new SyntaxError('the client config file is not a JSON object');
  let servers = doc.members.find((m) => JSON.parse(m.name) === key);
  if (!servers) {
    // ensurePathExists: an empty object at the path, added at the end
    servers = { name: JSON.stringify(key), value: { t: 'obj', members: [], nl: false } };
    doc.members.push(servers);
  }
  if (servers.value.t !== 'obj') throw new SyntaxError(`"${key}" is not a JSON object`);
  const entry = parseHuJson(JSON.stringify(value));
  const existing = servers.value.members.find((m) => JSON.parse(m.name) === name);
  if (existing) existing.value = entry;
  else servers.value.members.push({ name: JSON.stringify(name), value: entry });
  return formatHuJson(doc);
}

/** The file after ToolHive's Remove of `name` under `key`, or undefined when it is not there. */
export function huRemove(text: string, key: string, name: string): string | undefined {
  if (text.length === 0) return undefined;
  const doc = parseHuJson(text);
  if (doc.t !== 'obj') return undefined;
  const servers = doc.members.find((m) => JSON.parse(m.name) === key)?.value;
  if (servers?.t !== 'obj') return undefined;
  const at = servers.members.findIndex((m) => JSON.parse(m.name) === name);
  if (at < 0) return undefined;
  servers.members.splice(at, 1);
  return formatHuJson(doc);
}
