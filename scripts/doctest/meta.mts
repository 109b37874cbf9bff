// Parses a code fence's meta string (everything after the language) into
// key=value pairs. Docusaurus reads `title="…"`; the doctest reads `doctest-*`.
// A bare key (`doctest-output`) is `true`.

export type Meta = Record<string, string | true>;

const PAIR = /([A-Za-z_][\w.-]*)(?:=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"'{][^\s]*)))?(?=\s|$)/gy;

export class MetaSyntaxError extends Error {}

export function parseMeta(meta: string | null | undefined): Meta {
  const out: Meta = {};
  if (!meta) return out;
  let i = 0;
  while (i < meta.length) {
    if (/\s/.test(meta[i] ?? '')) {
      i++;
      continue;
    }
    // Docusaurus line highlighting: {1,3-4}
    if (meta[i] === '{') {
      const end = meta.indexOf('}', i);
      if (end < 0) throw new MetaSyntaxError(`unclosed "{" in fence meta: ${meta}`);
      out['highlight'] = meta.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    PAIR.lastIndex = i;
    const m = PAIR.exec(meta);
    if (!m || m.index !== i) {
      throw new MetaSyntaxError(
        `cannot read fence meta at "${meta.slice(i)}": write key=value or key="value with spaces"`,
      );
    }
    const key = m[1] as string;
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? m[4]);
    out[key] = value ?? true;
    i = PAIR.lastIndex;
  }
  return out;
}
