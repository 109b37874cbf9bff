// The two kinds of failure the proxy tells apart: the client's credential is
// not acceptable (401, RFC 6750 §3.1), or a server the proxy depends on failed
// (502/503/504, never a login challenge).
import { STATUS_CODES } from 'node:http';

/** RFC 6749 §5.2: the error fields of a token endpoint's answer, when it gave them. */
export interface OAuthErrorBody {
  error: string;
  error_description?: string;
  error_uri?: string;
  /** HTTP status of the answer. */
  status: number;
}

/** RFC 6750 §3.1 error codes. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export class CredentialError extends Error {
  constructor(
    readonly code: BearerErrorCode,
    readonly description: string,
    /** false when the request carried no credential at all (RFC 6750 §3.1: then no error code). */
    readonly credentialSent = true,
  ) {
    super(description);
    this.name = 'CredentialError';
  }
  /** The IdP's own error, when this failure is the IdP's answer. */
  oauth?: OAuthErrorBody | { status: number };
}

/**
 * What ToolHive logs as the `error` of its `Token exchange failed` warning
 * (pkg/oauthproto/tokenexchange/middleware.go:346@v0.44.0): Go's
 * oauth2.RetrieveError string (golang.org/x/oauth2 token.go:201), with the
 * body scrubbed (pkg/oauthproto/tokenexchange/exchange.go:281@v0.44.0).
 */
export function toolhiveExchangeErrorText(e: unknown): string {
  const oauth = (e as { oauth?: OAuthErrorBody | { status: number } }).oauth;
  if (oauth && 'error' in oauth) {
    const q = (s: string) => JSON.stringify(s);
    return `oauth2: ${q(oauth.error)}${oauth.error_description ? ` ${q(oauth.error_description)}` : ''}${oauth.error_uri ? ` ${q(oauth.error_uri)}` : ''}`;
  }
  if (oauth)
    return `oauth2: cannot fetch token: ${oauth.status} ${STATUS_CODES[oauth.status] ?? ''}\nResponse: `;
  return (e as Error).message;
}

export class DependencyError extends Error {
  constructor(
    readonly status: 502 | 503 | 504,
    /** What the client is told: no internal URL (those go in `detail`). */
    readonly description: string,
    readonly retryAfterSeconds?: number,
    /** For the log only: which IdP URL (userinfo and query removed, see redactUrl). */
    readonly detail?: string,
  ) {
    super(description);
    this.name = 'DependencyError';
  }
  /** The IdP's own error (or just its status), when this failure is the IdP's answer. */
  oauth?: OAuthErrorBody | { status: number };
}

/**
 * An IdP URL as the logs show it: scheme, host and path. Userinfo (a password
 * in a URL, RFC 3986 §3.2.1 deprecates it) and the query are left out.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '[unparseable URL]';
  }
}
