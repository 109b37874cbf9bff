// Compares a page's claims example with the claims of a token the mock IdP
// really issued: every key the page shows must exist, every value it states
// must match. Volatile claims (times, ids) are compared by type only, and so
// are values the page writes as a placeholder (`<...>`) or `...`.
export const VOLATILE = new Set([
  'iat',
  'exp',
  'nbf',
  'jti',
  'auth_time',
  'uid_hash',
  'at_hash',
  'sid',
]);

export interface ClaimIssue {
  key: string;
  message: string;
}

const typeName = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

export function compareClaims(
  expected: Record<string, unknown>,
  actual: Record<string, unknown>,
): ClaimIssue[] {
  const issues: ClaimIssue[] = [];
  for (const [key, want] of Object.entries(expected)) {
    if (!(key in actual)) {
      issues.push({
        key,
        message: `claim "${key}" is not in the issued token (it has ${Object.keys(actual).join(', ')})`,
      });
      continue;
    }
    const got = actual[key];
    const loose =
      VOLATILE.has(key) || (typeof want === 'string' && (/^<[^>]+>$/.test(want) || want === '...'));
    if (loose) {
      if (typeof want === 'string' && /^<[^>]+>$|^\.\.\.$/.test(want)) continue;
      if (typeName(want) !== typeName(got))
        issues.push({
          key,
          message: `claim "${key}" is a ${typeName(got)} in the issued token, the page shows a ${typeName(want)}`,
        });
      continue;
    }
    if (!sameValue(want, got)) {
      issues.push({
        key,
        message: `claim "${key}": the page shows ${JSON.stringify(want)}, the issued token has ${JSON.stringify(got)}`,
      });
    }
  }
  return issues;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    // order of scope/audience lists carries no meaning
    return a.length === b.length && a.every((x) => b.some((y) => sameValue(x, y)));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) =>
        sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
      )
    );
  }
  return a === b;
}

/** Line (1-based, within the JSON text) where `"key":` first appears. */
export function lineOfKey(json: string, key: string): number | undefined {
  const i =
    json.indexOf(`${JSON.stringify(key)}:`) >= 0
      ? json.indexOf(`${JSON.stringify(key)}:`)
      : json.indexOf(JSON.stringify(key));
  return i < 0 ? undefined : json.slice(0, i).split('\n').length;
}
