// The test control plane under /__mock/ (off unless enabled):
//   GET    /__mock/authorization-servers   every authorization server and its URLs
//   GET    /__mock/requests[?issuer=&endpoint=&since=]   the request log
//   DELETE /__mock/requests                clear the log
//   POST   /__mock/tokens                  mint an access token for a user directly
//   POST   /__mock/keys/rotate             rotate signing keys (one issuer or all)
//   GET    /__mock/faults                  list faults
//   POST   /__mock/faults                  add a fault
//   DELETE /__mock/faults[/ID]             remove one or all faults
//   POST   /__mock/reset                   clear log and faults
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultRegistry, FaultSpec } from './faults.mts';
import { FAULT_KINDS } from './faults.mts';
import { readBody, sendJson } from './http-util.mts';
import type { RequestLog } from './request-log.mts';
import {
  endpointUrls,
  isLoopback,
  issuerOf,
  type AuthServer,
  type MockIdpState,
} from './state.mts';
import { issueAccessToken } from './token-endpoint.mts';
import { ENDPOINT_NAMES, type EndpointName } from './vendors.mts';
import type { Vendor } from './config.mts';

export interface AuthorizationServerInfo {
  vendor: Vendor;
  domain: string;
  id: string;
  name?: string;
  /** Path-prefixed issuer on the plain HTTP listener: http://127.0.0.1:PORT/{domain}{issuerPath}. */
  issuer: string;
  /** The real vendor issuer, served when the Host header is the tenant's domain. */
  vendorIssuer: string;
  /** Path-prefixed issuer on the TLS listener, when there is one. */
  tlsIssuer?: string;
  audiences: string[];
  scopes: string[];
  /** Endpoints under `issuer` (path-prefixed, plain HTTP). */
  endpoints: Partial<Record<EndpointName, string>>;
  /** Endpoints under `vendorIssuer`. */
  vendorEndpoints: Partial<Record<EndpointName, string>>;
  /** Current signing key id. */
  kid: string;
}

export function describeServers(
  state: MockIdpState,
  urls: { url: string; tlsUrl?: string },
): AuthorizationServerInfo[] {
  return state.servers().map((server) => {
    const base = `${urls.url}/${server.tenant.domain}`;
    const vendorBase = `https://${server.tenant.domain}`;
    return {
      vendor: server.tenant.vendor,
      domain: server.tenant.domain,
      id: server.id,
      ...(server.config.name ? { name: server.config.name } : {}),
      issuer: issuerOf(server, base),
      vendorIssuer: issuerOf(server, vendorBase),
      ...(urls.tlsUrl
        ? { tlsIssuer: issuerOf(server, `${urls.tlsUrl}/${server.tenant.domain}`) }
        : {}),
      audiences: server.config.audiences,
      scopes: server.config.scopes,
      endpoints: endpointUrls(server, base),
      vendorEndpoints: endpointUrls(server, vendorBase),
      kid: server.keys.active.kid,
    };
  });
}

export interface ControlPlaneContext {
  state: MockIdpState;
  log: RequestLog;
  faults: FaultRegistry;
  urls: () => { url: string; tlsUrl?: string };
  secure: boolean;
}

/** Body of POST /__mock/tokens. */
export interface MintTokenRequest {
  /** Issuer of the authorization server, in either addressing mode. */
  issuer: string;
  /** User login; defaults to the tenant's first user. Use `subject` for a non-user token. */
  user?: string;
  subject?: string;
  clientId?: string;
  audience?: string;
  scopes?: string[];
  /** Negative for an already expired token. */
  expiresInSeconds?: number;
  claims?: Record<string, unknown>;
  /** Sign with a key that is not in the JWKS. */
  unknownKey?: boolean;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ControlError(400, 'the body must be a JSON object');
}

function serverFor(state: MockIdpState, issuer: unknown): AuthServer {
  if (typeof issuer !== 'string') throw new ControlError(400, 'issuer (string) is required');
  const server = state.serverForIssuer(issuer);
  if (!server) throw new ControlError(404, `no authorization server has the issuer ${issuer}`);
  return server;
}

function loopbackAuthority(authority: string): boolean {
  try {
    return isLoopback(new URL(`http://${authority}`).hostname);
  } catch {
    return false;
  }
}

/**
 * Why a control-plane request is refused, or undefined. The control plane
 * mints tokens and injects faults, so no web page may drive it:
 * - `Host` must be a loopback name (DNS rebinding: a page on a host name that
 *   resolves to 127.0.0.1 sends its own name);
 * - `Origin`, when a browser sends one, must be the control plane's own origin
 *   (a cross-origin "simple" POST needs no CORS preflight);
 * - `Sec-Fetch-Site`, when sent, must be `same-origin` or `none`;
 * - a body must be `application/json` (HTML forms can send only
 *   form-urlencoded, multipart or text/plain bodies).
 */
export function controlPlaneRefusal(
  req: IncomingMessage,
): { status: number; message: string } | undefined {
  const host = req.headers.host;
  if (!host || !loopbackAuthority(host))
    return {
      status: 403,
      message: `the control plane answers only with a loopback Host header (127.0.0.1, localhost, [::1]); got ${JSON.stringify(host ?? '')}`,
    };
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let sameOrigin = false;
    try {
      const o = new URL(origin);
      sameOrigin =
        (o.protocol === 'http:' || o.protocol === 'https:') && o.host === host.toLowerCase();
    } catch {
      sameOrigin = false;
    }
    if (!sameOrigin)
      return {
        status: 403,
        message: `cross-origin requests to the control plane are refused (Origin ${JSON.stringify(origin)})`,
      };
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return {
      status: 403,
      message: `cross-site requests to the control plane are refused (Sec-Fetch-Site ${site})`,
    };
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if ((hasBody || type !== '') && type !== 'application/json')
    return {
      status: 415,
      message: `control-plane bodies must be application/json (got ${JSON.stringify(req.headers['content-type'] ?? '')})`,
    };
  return undefined;
}

export async function handleControlPlane(
  ctx: ControlPlaneContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  const { state, log, faults } = ctx;
  const path = url.pathname.replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  const refusal = controlPlaneRefusal(req);
  if (refusal) return sendJson(res, refusal.status, { error: refusal.message });
  try {
    if (path === '/__mock/authorization-servers' && method === 'GET')
      return sendJson(res, 200, { authorizationServers: describeServers(state, ctx.urls()) });
    if (path === '/__mock/requests' && method === 'GET') {
      const since = url.searchParams.get('since');
      return sendJson(res, 200, {
        requests: log.list({
          issuer: url.searchParams.get('issuer') ?? undefined,
          endpoint: url.searchParams.get('endpoint') ?? undefined,
          since: since ? Number(since) : undefined,
        }),
      });
    }
    if (path === '/__mock/requests' && method === 'DELETE') {
      log.clear();
      return sendJson(res, 200, { cleared: true });
    }
    if (path === '/__mock/tokens' && method === 'POST')
      return sendJson(
        res,
        200,
        await mint(state, (await jsonBody(req)) as unknown as MintTokenRequest),
      );
    if (path === '/__mock/keys/rotate' && method === 'POST') {
      const body = await jsonBody(req);
      const servers = body.issuer === undefined ? state.servers() : [serverFor(state, body.issuer)];
      const rotated = [];
      for (const server of servers)
        rotated.push({
          domain: server.tenant.domain,
          id: server.id,
          kid: await state.rotateKeys(server, body.keepPrevious !== false),
        });
      return sendJson(res, 200, { rotated });
    }
    if (path === '/__mock/faults' && method === 'GET')
      return sendJson(res, 200, { faults: faults.list() });
    if (path === '/__mock/faults' && method === 'POST')
      return sendJson(res, 201, faults.add(checkFault(state, await jsonBody(req))));
    if (path === '/__mock/faults' && method === 'DELETE') {
      faults.clear();
      return sendJson(res, 200, { cleared: true });
    }
    const one = /^\/__mock\/faults\/([\w-]+)$/.exec(path);
    if (one && method === 'DELETE') {
      if (!faults.remove(one[1] as string)) throw new ControlError(404, `no fault ${one[1]}`);
      return sendJson(res, 200, { removed: one[1] });
    }
    if (path === '/__mock/reset' && method === 'POST') {
      log.clear();
      faults.clear();
      return sendJson(res, 200, { reset: true });
    }
    throw new ControlError(404, `no control-plane route ${method} ${path}`);
  } catch (error) {
    if (error instanceof ControlError) return sendJson(res, error.status, { error: error.message });
    throw error;
  }
}

function checkFault(state: MockIdpState, body: Record<string, unknown>): FaultSpec {
  if (!ENDPOINT_NAMES.includes(body.endpoint as EndpointName))
    throw new ControlError(400, `endpoint must be one of ${ENDPOINT_NAMES.join(', ')}`);
  if (!FAULT_KINDS.includes(body.kind as FaultSpec['kind']))
    throw new ControlError(400, `kind must be one of ${FAULT_KINDS.join(', ')}`);
  if (body.issuer !== undefined) serverFor(state, body.issuer);
  for (const field of ['delayMs', 'status', 'times'] as const)
    if (
      body[field] !== undefined &&
      (typeof body[field] !== 'number' || !Number.isInteger(body[field]))
    )
      throw new ControlError(400, `${field} must be an integer`);
  if (body.status !== undefined && ((body.status as number) < 400 || (body.status as number) > 599))
    throw new ControlError(400, 'status must be 400-599');
  return body as unknown as FaultSpec;
}

/** A client that may use this server (a public login client first), for the `cid`/`azp` of minted tokens. */
function defaultClientFor(server: AuthServer): string {
  const clients = [...server.tenant.clients.values()].filter((c) =>
    c.access?.some((a) => a.server === server.id),
  );
  const login = clients.find((c) => c.grantTypes.includes('authorization_code'));
  return (login ?? clients[0])?.clientId ?? 'mock-minted-token';
}

async function mint(state: MockIdpState, body: MintTokenRequest) {
  const server = serverFor(state, body.issuer);
  const tenant = server.tenant;
  const user = body.subject
    ? undefined
    : (tenant.users.find((u) => u.login === body.user) ??
      (body.user ? undefined : tenant.users[0]));
  if (body.user && !user)
    throw new ControlError(404, `no user ${body.user} in tenant ${tenant.domain}`);
  const audience = body.audience ?? server.config.audiences[0];
  const scopes = body.scopes ?? server.config.scopes;
  const issued = await issueAccessToken(
    { state, server, issuer: body.issuer, faults: { unknownKey: body.unknownKey } },
    {
      audience: audience as string,
      scopes,
      clientId: body.clientId ?? defaultClientFor(server),
      user,
      subject: body.subject,
      lifetimeSeconds: body.expiresInSeconds,
      extraClaims: body.claims,
    },
  );
  return {
    access_token: issued.token,
    token_type: 'Bearer',
    expires_in: issued.lifetime,
    scope: scopes.join(' '),
    claims: issued.claims,
  };
}
