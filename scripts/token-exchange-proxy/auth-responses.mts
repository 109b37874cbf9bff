// What the proxy answers when it refuses a request: RFC 6750 §3 challenges,
// RFC 9728 protected resource metadata, and 5xx for failures of the IdP.
import type { ServerResponse } from 'node:http';
import { sendJson } from '../lib/send-json.mts';
import type { CredentialError, DependencyError } from './errors.mts';

export interface ChallengeSettings {
  issuer?: string;
  resourceUrl?: string;
  /** Only explicitly configured scopes appear in the challenge (pkg/auth/token.go@v0.44.0 buildWWWAuthenticate). */
  scopes?: string[];
  compat: boolean;
}

const quote = (v: string): string => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * RFC 6750 §3: error_description is `1*( %x20-21 / %x23-5B / %x5D-7E )` —
 * printable ASCII without `"` and `\`. A description may quote text from a
 * token (a kid, an alg, a claim); anything else is replaced, so hostile text
 * can neither break the header nor make Node refuse to write it. At most 200
 * characters.
 */
export function bearerErrorDescription(text: string): string {
  const clean = text.replace(/"/g, "'").replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 197)}...` : clean;
}

/** RFC 9728 §5.1 (pkg/auth/token.go@v0.44.0 buildWWWAuthenticate): scheme+host, the well-known path, then the resource's path. */
export function resourceMetadataUrl(resourceUrl: string): string {
  const u = new URL(resourceUrl);
  const path = u.pathname === '/' ? '' : u.pathname;
  return `${u.protocol}//${u.host}/.well-known/oauth-protected-resource${path}`;
}

/** RFC 6750 §3, parameters in ToolHive's order (pkg/auth/token.go@v0.44.0 buildWWWAuthenticate). */
export function wwwAuthenticate(
  s: ChallengeSettings,
  err?: CredentialError,
  description = err ? bearerErrorDescription(err.description) : '',
): string {
  const params: string[] = [];
  if (s.issuer) params.push(`realm=${quote(s.issuer)}`);
  if (s.resourceUrl) params.push(`resource_metadata=${quote(resourceMetadataUrl(s.resourceUrl))}`);
  if (s.scopes && s.scopes.length) params.push(`scope=${quote(s.scopes.join(' '))}`);
  // RFC 6750 §3.1: "If the request lacks any authentication information …, the
  // resource server SHOULD NOT include an error code". ToolHive always does.
  if (err && (err.credentialSent || s.compat)) {
    params.push(`error=${quote(err.code)}`, `error_description="${description}"`);
  }
  return params.length ? `Bearer ${params.join(', ')}` : 'Bearer';
}

/**
 * JSON as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029
 * escaped (json.Marshal's HTML-safe default); json.Encoder adds a newline.
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * ToolHive's 401 (pkg/auth/token.go@v0.44.0 Middleware, writeOAuthError): the
 * challenge carries the error text as it is, quotes escaped (EscapeQuotes);
 * the body prefixes `Invalid token: ` for invalid_token; no Cache-Control.
 */
function sendToolhiveUnauthorized(
  res: ServerResponse,
  s: ChallengeSettings,
  err: CredentialError,
): void {
  const header = err.description
    .replace(/[\\"]/g, (c) => `\\${c}`)
    // a header value cannot carry control or non-ASCII characters (Go's net/http drops them too)
    .replace(/[^\x20-\x7e]/g, '?');
  const body =
    err.code === 'invalid_token' && err.description !== 'Invalid authentication claims'
      ? `Invalid token: ${err.description}`
      : err.description;
  const text = goJson({ error: err.code, error_description: body });
  res.writeHead(401, {
    'www-authenticate': wwwAuthenticate(s, err, header),
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendUnauthorized(
  res: ServerResponse,
  s: ChallengeSettings,
  err: CredentialError,
): void {
  if (s.compat) return sendToolhiveUnauthorized(res, s, err);
  const description = bearerErrorDescription(
    s.compat && err.code === 'invalid_token' && err.description !== 'Invalid authentication claims'
      ? `Invalid token: ${err.description}`
      : err.description,
  );
  sendJson(
    res,
    401,
    { error: err.code, error_description: description },
    {
      'www-authenticate': wwwAuthenticate(s, err, description),
      'cache-control': 'no-store',
    },
  );
}

export function sendDependencyFailure(res: ServerResponse, err: DependencyError): void {
  const headers: Record<string, string | number> = { 'cache-control': 'no-store' };
  if (err.retryAfterSeconds !== undefined) headers['retry-after'] = err.retryAfterSeconds;
  sendJson(
    res,
    err.status,
    {
      error: 'temporarily_unavailable',
      error_description: bearerErrorDescription(err.description),
    },
    headers,
  );
}

/** ToolHive's answer to every exchange failure, Go's http.Error (pkg/oauthproto/tokenexchange/middleware.go@v0.44.0). */
export function sendToolhiveExchangeFailed(res: ServerResponse): void {
  res.writeHead(401, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  });
  res.end('Token exchange failed\n');
}

/**
 * ToolHive's /health (pkg/healthcheck/healthcheck.go@v0.44.0 ServeHTTP): GET
 * only; `thv proxy` has no MCP pinger, so the status is always healthy.
 */
export function sendToolhiveHealth(res: ServerResponse, method: string): number {
  if (method !== 'GET') {
    res.writeHead(405, {
      'content-type': 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
    });
    res.end('Method not allowed\n');
    return 405;
  }
  const body = `${goJson({ status: 'healthy', timestamp: new Date().toISOString(), transport: '' })}\n`;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
  return 200;
}

/** RFC 9728 §3.2, with ToolHive's fields and CORS (pkg/auth/well_known.go@v0.44.0). */
export function sendResourceMetadata(
  res: ServerResponse,
  method: string,
  origin: string | undefined,
  s: ChallengeSettings,
): void {
  const cors = {
    'access-control-allow-origin': origin ?? '*',
    'access-control-allow-methods': 'GET, OPTIONS',
    'access-control-allow-headers': 'mcp-protocol-version, Content-Type, Authorization',
    'access-control-max-age': '86400',
  };
  // ToolHive sets CORS and answers OPTIONS before it looks at the resource URL
  // (pkg/auth/token.go@v0.44.0 NewAuthInfoHandler).
  if (!s.resourceUrl && !(s.compat && method === 'OPTIONS')) {
    res.writeHead(404, { ...(s.compat ? cors : {}), 'content-length': 0 });
    res.end();
    return;
  }
  if (method === 'OPTIONS') {
    res.writeHead(204, cors);
    res.end();
    return;
  }
  const doc = {
    resource: s.resourceUrl,
    // Never [""]: start-up refuses --resource-url without --oidc-issuer (startup-checks.mts).
    authorization_servers: [s.issuer],
    bearer_methods_supported: ['header'],
    scopes_supported: s.scopes && s.scopes.length ? s.scopes : ['openid'],
  };
  // json.NewEncoder(w).Encode: Go's escaping and a trailing newline.
  const body = s.compat ? `${goJson(doc)}\n` : JSON.stringify(doc);
  res.writeHead(200, {
    ...cors,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
