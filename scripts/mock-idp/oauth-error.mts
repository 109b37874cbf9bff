// OAuth error responses. Every vendor the mock reproduces answers its token,
// introspection and revocation endpoints with the RFC 6749 §5.2 shape
// `{"error": "...", "error_description": "..."}`; vendors differ only in the
// wording of error_description (see vendors.mts for sources).

/** RFC 6749 §5.2, RFC 8693 §2.2.2 (invalid_target), RFC 7591 §3.2.2, RFC 6750 §3.1 error codes. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_token'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'unsupported_response_type'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable';

/**
 * Why an error happened, independent of vendor wording. Vendor profiles map a
 * reason to their own error_description.
 */
export type ErrorReason =
  | 'method_not_allowed'
  | 'bad_content_type'
  | 'duplicate_parameter'
  | 'missing_parameter'
  | 'multiple_client_credentials'
  | 'client_authentication_failed'
  | 'client_auth_method_not_allowed'
  | 'unsupported_grant_type'
  | 'grant_not_allowed'
  | 'unsupported_token_type'
  | 'subject_token_invalid'
  | 'subject_token_untrusted'
  | 'subject_token_expired'
  | 'subject_token_revoked'
  | 'subject_token_audience'
  | 'audience_not_allowed'
  | 'audience_unknown'
  | 'subject_token_type_unsupported'
  | 'public_client_exchange'
  | 'audience_malformed'
  | 'scope_not_allowed'
  | 'code_invalid'
  | 'pkce_failed'
  | 'redirect_uri_mismatch'
  | 'refresh_token_invalid'
  | 'unknown_client'
  | 'response_type'
  | 'registration_metadata'
  | 'bearer_token_invalid'
  | 'injected_fault';

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly status: number,
    readonly error: OAuthErrorCode,
    readonly reason: ErrorReason,
    /** Vendor-neutral description, used when the vendor profile has no wording of its own. */
    readonly description: string,
    readonly headers: Record<string, string> = {},
    /** The offending value (a scope string, an audience, a parameter name), for vendor wording. */
    readonly detail?: string,
  ) {
    super(`${error}: ${description}`);
  }
}

/** How a vendor answers an error: status, code and wording, each optional. */
export interface VendorAnswer {
  status?: number;
  error?: OAuthErrorCode;
  description?: string;
}
