// RFC 8693 token exchange, sent exactly as ToolHive sends it (pkg/oauthproto/
// tokenexchange/exchange.go@v0.44.0) and checked as ToolHive checks the answer (grants.go). Failures are told
// apart: the IdP refusing the subject token, or the IdP failing.
import { decodeJwt } from 'jose';
import type { Dispatcher } from 'undici';
import { CredentialError, DependencyError } from './errors.mts';
import { idpRequest, IdpUnreachableError } from './idp-http.mts';
import { TOKEN_TYPE_URN, type TokenExchangeOptions } from './options.mts';
import { formEncode } from './token-validator.mts';

export const GRANT_TYPE_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

export interface ExchangedToken {
  accessToken: string;
  /** ms since the epoch, when known (expires_in, or the issued JWT's exp). */
  expiresAtMs?: number;
}

/** The form body: Go's url.Values.Encode sorts the keys (pkg/oauthproto/grants.go@v0.44.0). */
export function buildExchangeBody(cfg: TokenExchangeOptions, subjectToken: string): string {
  const fields: Record<string, string> = {
    // RFC 8693 §2.1
    grant_type: GRANT_TYPE_TOKEN_EXCHANGE,
    subject_token: subjectToken,
    subject_token_type: cfg.subjectTokenType ?? TOKEN_TYPE_URN.access_token,
    requested_token_type: TOKEN_TYPE_URN.access_token,
  };
  if (cfg.audience) fields.audience = cfg.audience;
  // RFC 6749 §3.3: scope is a space-delimited list.
  if (cfg.scopes && cfg.scopes.length > 0) fields.scope = cfg.scopes.join(' ');
  return Object.keys(fields)
    .sort()
    .map((k) => `${formEncode(k)}=${formEncode(fields[k] as string)}`)
    .join('&');
}

/** Headers: Content-Type, and HTTP Basic only when both id and secret are set (exchange.go@v0.44.0). */
export function buildExchangeHeaders(cfg: TokenExchangeOptions): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (cfg.clientId && cfg.clientSecret) {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
    const pair = `${formEncode(cfg.clientId)}:${formEncode(cfg.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  return headers;
}

// RFC 6750 §2.1 b64token: what may follow `Bearer ` in a header.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The issued token types that are access tokens (RFC 8693 §3). */
const ACCESS_TOKEN_TYPES = new Set<string>([TOKEN_TYPE_URN.access_token, TOKEN_TYPE_URN.jwt]);

/**
 * The exchange answer must carry a token the proxy can send as
 * `Authorization: Bearer …`: RFC 8693 §2.2.1 `issued_token_type` an access
 * token, `token_type` Bearer (RFC 6749 §7.1, case-insensitive per §5.1; `N_A`
 * says the token is not usable as an access token), and the token itself
 * b64token syntax (RFC 6750 §2.1) so it cannot break the header it goes in.
 * ToolHive checks only that the fields are non-empty; `--compat toolhive`
 * keeps that, but never puts a token that is not b64token into a header.
 */
export function checkIssuedToken(
  accessToken: string,
  tokenType: string,
  issuedTokenType: string,
  compat: boolean,
): void {
  if (!B64TOKEN.test(accessToken)) {
    throw new DependencyError(
      502,
      'the token endpoint issued an access_token that is not RFC 6750 §2.1 token syntax',
    );
  }
  if (compat) return;
  if (!ACCESS_TOKEN_TYPES.has(issuedTokenType)) {
    throw new DependencyError(
      502,
      `the token endpoint issued a token of type ${printable(issuedTokenType)}, not an access token (RFC 8693 §2.2.1)`,
    );
  }
  if (tokenType.toLowerCase() !== 'bearer') {
    throw new DependencyError(
      502,
      `the token endpoint issued token_type ${printable(tokenType)}; the proxy sends only Bearer tokens ` +
        '(RFC 6749 §7.1; N_A means not usable as an access token, RFC 8693 §2.2.1)',
    );
  }
}

/** At most 80 printable ASCII characters of a value from the IdP, for a message. */
const printable = (v: string): string =>
  JSON.stringify(v.replace(/[^\x20-\x7e]/g, '?').slice(0, 80));

function retryAfter(headers: Record<string, string | string[] | undefined>): number {
  const v = Number(headers['retry-after']);
  return Number.isFinite(v) && v >= 0 && v <= 3600 ? Math.ceil(v) : 5;
}

export async function exchangeToken(
  dispatcher: Dispatcher,
  cfg: TokenExchangeOptions,
  subjectToken: string,
  timeoutMs: number,
  signal?: AbortSignal,
  compat = false,
): Promise<ExchangedToken> {
  let res;
  try {
    res = await idpRequest(dispatcher, cfg.tokenUrl, {
      method: 'POST',
      headers: buildExchangeHeaders(cfg),
      body: buildExchangeBody(cfg, subjectToken),
      timeoutMs,
      signal,
    });
  } catch (e) {
    if (e instanceof IdpUnreachableError) {
      throw e.reason === 'timeout'
        ? new DependencyError(
            504,
            `the token endpoint did not answer within ${timeoutMs} ms`,
            undefined,
            e.url,
          )
        : new DependencyError(503, `the token endpoint is unreachable (${e.message})`, 5, e.url);
    }
    throw e;
  }
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(res.text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const ok = res.status >= 200 && res.status < 300;
  const error = typeof body?.error === 'string' ? body.error : undefined;
  if (!ok || error) {
    // RFC 6749 §5.2: keep the IdP's own error fields (operators read them in the log)
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    const oauth = error
      ? {
          error,
          status: res.status,
          ...(str(body?.error_description)
            ? { error_description: str(body?.error_description) }
            : {}),
          ...(str(body?.error_uri) ? { error_uri: str(body?.error_uri) } : {}),
        }
      : { status: res.status };
    const withOauth = <E extends CredentialError | DependencyError>(e: E): E => {
      e.oauth = oauth;
      return e;
    };
    // RFC 8693 §2.2.2 / RFC 6749 §5.2: invalid_grant means the subject token
    // was refused; the client must get a new one.
    if (error === 'invalid_grant' || error === 'invalid_token') {
      throw withOauth(
        new CredentialError(
          'invalid_token',
          'the identity provider refused to exchange this token',
        ),
      );
    }
    if (res.status === 429 || res.status === 503) {
      throw withOauth(
        new DependencyError(
          503,
          `the token endpoint is unavailable (HTTP ${res.status})`,
          retryAfter(res.headers),
        ),
      );
    }
    // invalid_client, unauthorized_client, invalid_scope, invalid_target, 5xx:
    // the proxy's configuration or the IdP is at fault, not the client's token.
    throw withOauth(
      new DependencyError(
        502,
        `the token endpoint answered HTTP ${res.status}${error ? ` ${error}` : ''}`,
      ),
    );
  }
  if (!body)
    throw new DependencyError(502, 'the token endpoint answered 2xx without a JSON object');
  // RFC 8693 §2.2.1: access_token, issued_token_type and token_type are required.
  for (const field of ['access_token', 'token_type', 'issued_token_type'] as const) {
    if (typeof body[field] !== 'string' || body[field] === '') {
      throw new DependencyError(502, `the token endpoint's answer has no ${field}`);
    }
  }
  const accessToken = body.access_token as string;
  checkIssuedToken(
    accessToken,
    body.token_type as string,
    body.issued_token_type as string,
    compat,
  );
  let expiresAtMs: number | undefined;
  const expiresIn = Number(body.expires_in); // a number or a numeric string (grants.go ParseTokenResponse@v0.44.0)
  if (body.expires_in !== undefined && Number.isFinite(expiresIn))
    expiresAtMs = Date.now() + expiresIn * 1000;
  try {
    const exp = decodeJwt(accessToken).exp;
    if (typeof exp === 'number') expiresAtMs = Math.min(expiresAtMs ?? Infinity, exp * 1000);
  } catch {
    // An opaque access token: expires_in is all we know.
  }
  return { accessToken, expiresAtMs };
}
