// What the proxy answers when it refuses a request: RFC 6750 §3 challenges,
// RFC 9728 protected resource metadata, and 5xx for failures of the IdP.
import type { ServerResponse } from 'node:http';
import { sendJson } from '../lib/send-json.mts';
import type { CredentialError, DependencyError } from './errors.mts';

export interface ChallengeSettings {
  issuer?: string;
  resourceUrl?: string;
  /** Only explicitly configured scopes appear in the challenge (b.5). */
  scopes?: string[];
  compat: boolean;
}

const quote = (v: string): string => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** RFC 9728 §5.1 / b.5: scheme+host, the well-known path, then the resource's path. */
export function resourceMetadataUrl(resourceUrl: string): string {
  const u = new URL(resourceUrl);
  const path = u.pathname === '/' ? '' : u.pathname;
  return `${u.protocol}//${u.host}/.well-known/oauth-protected-resource${path}`;
}

/** RFC 6750 §3, parameters in ToolHive's order (b.5). */
export function wwwAuthenticate(s: ChallengeSettings, err?: CredentialError): string {
  const params: string[] = [];
  if (s.issuer) params.push(`realm=${quote(s.issuer)}`);
  if (s.resourceUrl) params.push(`resource_metadata=${quote(resourceMetadataUrl(s.resourceUrl))}`);
  if (s.scopes && s.scopes.length) params.push(`scope=${quote(s.scopes.join(' '))}`);
  // RFC 6750 §3.1: "If the request lacks any authentication information …, the
  // resource server SHOULD NOT include an error code". ToolHive always does.
  if (err && (err.credentialSent || s.compat)) {
    params.push(`error=${quote(err.code)}`, `error_description=${quote(err.description)}`);
  }
  return params.length ? `Bearer ${params.join(', ')}` : 'Bearer';
}

export function sendUnauthorized(
  res: ServerResponse,
  s: ChallengeSettings,
  err: CredentialError,
): void {
  const description =
    s.compat && err.code === 'invalid_token' && err.description !== 'Invalid authentication claims'
      ? `Invalid token: ${err.description}`
      : err.description;
  sendJson(
    res,
    401,
    { error: err.code, error_description: description },
    { 'www-authenticate': wwwAuthenticate(s, err), 'cache-control': 'no-store' },
  );
}

export function sendDependencyFailure(res: ServerResponse, err: DependencyError): void {
  const headers: Record<string, string | number> = { 'cache-control': 'no-store' };
  if (err.retryAfterSeconds !== undefined) headers['retry-after'] = err.retryAfterSeconds;
  sendJson(
    res,
    err.status,
    { error: 'temporarily_unavailable', error_description: err.description },
    headers,
  );
}

/** a.7: ToolHive's answer to every exchange failure, Go's http.Error. */
export function sendToolhiveExchangeFailed(res: ServerResponse): void {
  res.writeHead(401, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  });
  res.end('Token exchange failed\n');
}

/** RFC 9728 §3.2, with ToolHive's fields and CORS (b.6). */
export function sendResourceMetadata(
  res: ServerResponse,
  method: string,
  origin: string | undefined,
  s: ChallengeSettings,
): void {
  if (!s.resourceUrl) {
    res.writeHead(404, { 'content-length': 0 });
    res.end();
    return;
  }
  const cors = {
    'access-control-allow-origin': origin ?? '*',
    'access-control-allow-methods': 'GET, OPTIONS',
    'access-control-allow-headers': 'mcp-protocol-version, Content-Type, Authorization',
    'access-control-max-age': '86400',
  };
  if (method === 'OPTIONS') {
    res.writeHead(204, cors);
    res.end();
    return;
  }
  const body = JSON.stringify({
    resource: s.resourceUrl,
    authorization_servers: [s.issuer ?? ''],
    bearer_methods_supported: ['header'],
    scopes_supported: s.scopes && s.scopes.length ? s.scopes : ['openid'],
  });
  res.writeHead(200, {
    ...cors,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
