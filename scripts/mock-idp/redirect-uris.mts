// Redirect URIs: which ones a client may register (RFC 7591 §2, RFC 9700 §2.1,
// RFC 8252 §7) and how a requested one is compared with the registered ones
// (RFC 9700 §4.1.3 exact matching, RFC 8252 §7.3 loopback port).
import { isLoopback } from './state.mts';

/** Schemes that run code or read local data in the user agent; never a redirect target. */
const DANGEROUS_SCHEMES = new Set([
  'javascript:',
  'data:',
  'file:',
  'vbscript:',
  'blob:',
  'about:',
]);

/**
 * RFC 3986 §3.3 dot-segments, raw or percent-encoded ("%2e"). WHATWG URL
 * parsing removes them, so a check on the parsed URL would not see them.
 */
function hasDotSegment(uri: string): boolean {
  const path = uri.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/)[0] ?? '';
  return path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
}

/**
 * Why a redirect URI cannot be registered, or undefined when it can. Allowed:
 * `https:` URIs, `http:` on a loopback address (RFC 8252 §7.3), and private-use
 * schemes of native apps (RFC 8252 §7.1). Refused: fragments (RFC 6749 §3.1.2),
 * userinfo, dot-segments, remote `http:` (RFC 9700 §2.1: no cleartext), and
 * schemes that run code or read files in the browser (RFC 7591 §5).
 */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (DANGEROUS_SCHEMES.has(url.protocol))
    return `uses the scheme "${url.protocol}", which runs code or reads local data in the browser`;
  if (uri.includes('#')) return 'has a fragment (RFC 6749 §3.1.2)';
  if (url.username || url.password) return 'has userinfo (user:password@) before the host';
  if (hasDotSegment(uri)) return 'has a "." or ".." path segment';
  if (url.protocol === 'http:' && !isLoopback(url.hostname))
    return 'uses http: on a host other than a loopback address (RFC 9700 §2.1, RFC 8252 §7.3)';
  return undefined;
}

/**
 * Whether `requested` matches one of the client's registered redirect URIs.
 * Exact string comparison (RFC 9700 §4.1.3), except that for `http:` loopback
 * URIs the port is not compared (RFC 8252 §7.3: native apps pick an ephemeral
 * port). The loopback rule never relaxes anything else: a URI with userinfo, a
 * fragment or a dot-segment does not match.
 */
export function redirectUriAllowed(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  if (redirectUriProblem(requested) !== undefined) return false;
  const req = new URL(requested);
  if (req.protocol !== 'http:' || !isLoopback(req.hostname)) return false;
  return registered.some((candidate) => {
    if (!URL.canParse(candidate)) return false;
    const r = new URL(candidate);
    return (
      r.protocol === 'http:' &&
      r.hostname === req.hostname &&
      r.pathname === req.pathname &&
      r.search === req.search
    );
  });
}
