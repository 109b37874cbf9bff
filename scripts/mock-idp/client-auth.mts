// Client authentication at the token, introspection and revocation endpoints
// (RFC 6749 §2.3.1): client_secret_basic, client_secret_post, or none for a
// public client.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ClientAuthMethod, ClientConfig } from './config.mts';
import type { Form } from './http-util.mts';
import { OAuthError } from './oauth-error.mts';
import type { Tenant } from './state.mts';

export interface AuthenticatedClient {
  client: ClientConfig;
  method: ClientAuthMethod;
}

/** What the request presented, before it is checked (secrets stay out of logs). */
export interface PresentedClient {
  clientId?: string;
  method: ClientAuthMethod;
}

export function allowedMethods(client: ClientConfig): ClientAuthMethod[] {
  return (
    client.tokenEndpointAuthMethods ??
    (client.clientSecret ? ['client_secret_basic', 'client_secret_post'] : ['none'])
  );
}

function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined with ":" and base64-encoded. */
function decodeFormComponent(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

export function presentedClient(req: IncomingMessage, params: Form): PresentedClient {
  const basic = parseBasic(req);
  if (basic) return { clientId: basic.clientId, method: 'client_secret_basic' };
  const clientId = params.get('client_id');
  if (params.has('client_secret')) return { clientId, method: 'client_secret_post' };
  return { clientId, method: 'none' };
}

function parseBasic(
  req: IncomingMessage,
): { clientId: string; secret: string; malformed?: true } | undefined {
  const header = req.headers.authorization;
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { clientId: '', secret: '', malformed: true };
  try {
    return {
      clientId: decodeFormComponent(decoded.slice(0, colon)),
      secret: decodeFormComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return { clientId: '', secret: '', malformed: true };
  }
}

/**
 * Authenticates the client of a token-endpoint request. A failure is 401
 * invalid_client with WWW-Authenticate (RFC 6749 §5.2: MUST when the client
 * used the Authorization header; sent always, as a hint of the scheme).
 */
export function authenticateClient(
  req: IncomingMessage,
  params: Form,
  tenant: Tenant,
): AuthenticatedClient {
  const challenge = { 'www-authenticate': `Basic realm="${tenant.domain}", charset="UTF-8"` };
  const fail = (reason: 'client_authentication_failed' | 'unknown_client', description: string) =>
    new OAuthError(401, 'invalid_client', reason, description, challenge);

  const basic = parseBasic(req);
  if (basic?.malformed)
    throw fail(
      'client_authentication_failed',
      'malformed Basic credentials: the client id and secret must each be form-urlencoded, joined by ":" and base64-encoded (RFC 6749 §2.3.1)',
    );
  const postSecret = params.get('client_secret');
  if (basic && (postSecret !== undefined || params.has('client_assertion')))
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
    throw new OAuthError(
      tenant.vendor === 'okta' ? 401 : 400,
      'invalid_request',
      'multiple_client_credentials',
      'more than one client authentication method in one request (RFC 6749 §2.3)',
      challenge,
    );
  if (basic && params.has('client_id') && params.get('client_id') !== basic.clientId)
    throw new OAuthError(
      400,
      'invalid_request',
      'multiple_client_credentials',
      'client_id does not match the Basic credentials',
    );

  const clientId = basic?.clientId ?? params.get('client_id');
  if (!clientId) throw fail('unknown_client', 'no client authentication included');
  const client = tenant.clients.get(clientId);
  if (!client) throw fail('unknown_client', `unknown client "${clientId}"`);
  const method: ClientAuthMethod = basic
    ? 'client_secret_basic'
    : postSecret !== undefined
      ? 'client_secret_post'
      : 'none';
  if (!allowedMethods(client).includes(method))
    throw fail(
      'client_authentication_failed',
      method === 'none'
        ? `client "${clientId}" is confidential and must authenticate (${allowedMethods(client).join(', ')})`
        : `client "${clientId}" may not authenticate with ${method} (allowed: ${allowedMethods(client).join(', ')})`,
    );
  if (method !== 'none') {
    const secret = basic ? basic.secret : (postSecret as string);
    if (!client.clientSecret || !secretsEqual(secret, client.clientSecret))
      throw fail('client_authentication_failed', `wrong client secret for client "${clientId}"`);
  }
  return { client, method };
}
