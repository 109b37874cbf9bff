// The two kinds of failure the proxy tells apart: the client's credential is
// not acceptable (401, RFC 6750 §3.1), or a server the proxy depends on failed
// (502/503/504, never a login challenge).

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
}

export class DependencyError extends Error {
  constructor(
    readonly status: 502 | 503 | 504,
    readonly description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
    this.name = 'DependencyError';
  }
}
