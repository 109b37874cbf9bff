// The request target the proxy accepts and the path it forwards.
//
// RFC 9112 §3.2: a request to an origin server uses the origin form
// (`/path?query`). The absolute form (`http://other.example/x`) is for
// forward proxies, the authority form for CONNECT and the asterisk form for
// a server-wide OPTIONS; none of them names a resource of the MCP server, so
// they are refused. Go's net/http, which ToolHive uses, accepts the absolute
// form and serves its path; `--compat toolhive` does the same.
//
// RFC 3986 §5.2.4: dot-segments are removed before the path is placed under
// the target's path, so `/mcp/../admin` cannot climb out of it. `%2E` is a
// dot (RFC 3986 §2.3: unreserved characters are equivalent to their
// percent-encoding). A dot-segment hidden behind an encoded slash or a
// backslash (`..%2Fadmin`, `..\admin`) is refused: upstream servers differ in
// whether they decode it, so no single answer is safe.

export class RequestTargetError extends Error {
  constructor(readonly description: string) {
    super(description);
    this.name = 'RequestTargetError';
  }
}

const isDotSegment = (s: string): boolean => s === '.' || s === '..';

/** `%2e`/`%2E` → `.`; nothing else is decoded. */
const decodeDots = (s: string): string => s.replace(/%2e/gi, '.');

/** RFC 3986 §5.2.4 remove_dot_segments, on a path that starts with `/`. */
export function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split('/');
  // segments[0] is '' (the path starts with '/').
  for (let i = 1; i < segments.length; i++) {
    const seg = decodeDots(segments[i] as string);
    const last = i === segments.length - 1;
    if (seg === '..') {
      out.pop();
      if (last) out.push('');
    } else if (seg === '.') {
      if (last) out.push('');
    } else {
      out.push(segments[i] as string);
    }
  }
  return `/${out.join('/')}`;
}

/**
 * The origin-form target of a request (`/path?query`), dot-segments removed;
 * throws RequestTargetError for any other form.
 */
export function originFormTarget(raw: string, compat: boolean): string {
  let target = raw;
  if (!target.startsWith('/')) {
    if (compat && /^https?:\/\//i.test(target)) {
      // Go's net/http parses the absolute form and ToolHive serves its path.
      try {
        const u = new URL(target);
        target = `${u.pathname}${u.search}`;
      } catch {
        throw new RequestTargetError('the request target is not a valid URI');
      }
    } else {
      throw new RequestTargetError(
        target === '*'
          ? 'the asterisk-form request target is not served (RFC 9112 §3.2.4)'
          : 'only origin-form request targets (/path?query) are served (RFC 9112 §3.2)',
      );
    }
  }
  // The warm path: no dot, no percent sign, no backslash, nothing to do.
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  if (!/[.%\\]/.test(path)) return target;
  const pieces = decodeDots(path).split(/\/|%2f|%5c|\\/i);
  if (!pieces.some(isDotSegment)) return target;
  if (/%2f|%5c|\\/i.test(path)) {
    throw new RequestTargetError(
      'a dot-segment behind an encoded slash or a backslash is ambiguous; send a normalized path',
    );
  }
  return removeDotSegments(path) + (q === -1 ? '' : target.slice(q));
}
