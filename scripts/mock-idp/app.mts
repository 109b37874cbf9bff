// The request handler: routes a request to a tenant and authorization server by
// host (host-routed, real vendor issuer) or by path prefix
// (http://127.0.0.1:PORT/{domain}/…), applies faults, serves the endpoint and
// logs the outcome.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorize } from './authorize.mts';
import { presentedClient } from './client-auth.mts';
import { handleControlPlane, type ControlPlaneContext } from './control-plane.mts';
import { discoveryDocument } from './discovery.mts';
import { introspect, registerClient, revoke, userinfo } from './endpoints.mts';
import type { Fault, FaultRegistry } from './faults.mts';
import {
  Form,
  isFormContentType,
  readBody,
  redirect,
  sendJson,
  sendOAuthError,
  vendorError,
} from './http-util.mts';
import { OAuthError } from './oauth-error.mts';
import { redactParams, type RequestLog, type RequestLogEntry } from './request-log.mts';
import {
  fingerprint,
  issuerOf,
  type Addressing,
  type AuthServer,
  type MockIdpState,
  type Tenant,
} from './state.mts';
import { handleTokenRequest, type TokenFaultFlags } from './token-endpoint.mts';
import type { EndpointName } from './vendors.mts';

export interface AppOptions {
  state: MockIdpState;
  log: RequestLog;
  faults: FaultRegistry;
  /** Serve /__mock/… (off unless enabled). */
  control: boolean;
  /** Listener URLs, for the control plane's list of authorization servers. */
  urls: () => { url: string; tlsUrl?: string };
}

interface Routed {
  tenant: Tenant;
  addressing: Addressing;
  rest: string;
}

function hostnameOf(host: string): string {
  const h = host.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.split(':')[0] ?? '';
}

export function route(
  state: MockIdpState,
  req: IncomingMessage,
  pathname: string,
  secure: boolean,
): Routed | undefined {
  const host = req.headers.host ?? '';
  const byHost = state.tenants.get(hostnameOf(host));
  const trim = (p: string) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);
  if (byHost)
    return {
      tenant: byHost,
      addressing: { base: `https://${byHost.domain}`, mode: 'host' },
      rest: trim(pathname),
    };
  const segments = pathname.split('/');
  let tenant: Tenant | undefined;
  let rest: string;
  if (
    segments[1] === '.well-known' &&
    segments[3] &&
    state.tenants.has(segments[3].toLowerCase())
  ) {
    // RFC 8414 §3.1 host-root form for a path-prefixed issuer:
    // /.well-known/oauth-authorization-server/{domain}/oauth2/{id}
    tenant = state.tenants.get(segments[3].toLowerCase());
    rest =
      `/.well-known/${segments[2]}` +
      (segments.length > 4 ? '/' + segments.slice(4).join('/') : '');
  } else {
    tenant = segments[1] ? state.tenants.get(segments[1].toLowerCase()) : undefined;
    rest = '/' + segments.slice(2).join('/');
  }
  if (!tenant) return undefined;
  const base = `${secure ? 'https' : 'http'}://${host}/${tenant.domain}`;
  return { tenant, addressing: { base, mode: 'path' }, rest: trim(rest) };
}

function serverKey(server: AuthServer): string {
  return `${server.tenant.domain}/${server.id}`;
}

function tokenFaultFlags(faults: Fault[]): TokenFaultFlags {
  const kinds = new Set(faults.map((f) => f.kind));
  return {
    omitIssuedTokenType: kinds.has('missing-issued-token-type'),
    wrongTokenType: kinds.has('wrong-token-type'),
    expiredToken: kinds.has('expired-token'),
    unknownKey: kinds.has('unknown-key'),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createApp(options: AppOptions) {
  const { state, log, faults } = options;
  const resolveIssuer = (issuer: string) => {
    const server = state.serverForIssuer(issuer);
    return server ? serverKey(server) : undefined;
  };

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const secure = Boolean((req.socket as { encrypted?: boolean }).encrypted);
    const url = new URL(req.url ?? '/', 'http://mock.invalid');
    try {
      if (url.pathname.startsWith('/__mock/') || url.pathname === '/__mock') {
        if (!options.control) {
          sendJson(res, 404, {
            error: 'not_found',
            error_description: 'the control plane is off; start the mock with --control',
          });
          return;
        }
        const ctx: ControlPlaneContext = { state, log, faults, urls: options.urls, secure };
        await handleControlPlane(ctx, req, res, url);
        return;
      }
      const routed = route(state, req, url.pathname, secure);
      const match = routed?.tenant.profile.match(routed.rest);
      const server =
        routed &&
        match &&
        (match.serverId === undefined
          ? routed.tenant.servers.values().next().value
          : routed.tenant.servers.get(match.serverId));
      if (!routed || !match || !server) {
        sendJson(res, 404, {
          error: 'not_found',
          error_description: `no mock IdP endpoint at ${url.pathname} (Host ${req.headers.host ?? '-'}); address a tenant by Host header or as /{domain}/… — GET /__mock/authorization-servers lists them when the control plane is on`,
        });
        return;
      }
      await serve(req, res, url, routed, server, match.endpoint);
    } catch (error) {
      if (!res.headersSent)
        sendJson(res, 500, { error: 'server_error', error_description: (error as Error).message });
      else res.destroy();
    }
  };

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    routed: Routed,
    server: AuthServer,
    endpoint: EndpointName,
  ): Promise<void> {
    const { tenant, addressing } = routed;
    const profile = tenant.profile;
    const issuer = issuerOf(server, addressing.base);
    const applied = faults.take(endpoint, serverKey(server), resolveIssuer);
    const entry: Omit<RequestLogEntry, 'seq' | 'time'> = {
      method: req.method ?? 'GET',
      issuer,
      vendor: tenant.vendor,
      endpoint,
      params: {},
      status: 200,
      ...(applied.length ? { faults: applied.map((f) => f.kind) } : {}),
    };
    const logged =
      endpoint === 'token' ||
      endpoint === 'introspect' ||
      endpoint === 'revoke' ||
      endpoint === 'registration' ||
      endpoint === 'authorize';
    const finish = () => {
      if (logged) log.add(entry);
    };

    for (const fault of applied) if (fault.kind === 'delay') await sleep(fault.delayMs ?? 1000);
    const breaking = applied.find(
      (f) => f.kind === 'status' || f.kind === 'reset' || f.kind === 'non-json',
    );
    if (breaking) {
      if (breaking.kind === 'reset') {
        entry.status = 0;
        finish();
        req.socket.destroy();
        return;
      }
      if (breaking.kind === 'non-json') {
        const html =
          '<!DOCTYPE html><html><head><title>Service unavailable</title></head><body><h1>Mock IdP fault: non-JSON body</h1></body></html>';
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-length': Buffer.byteLength(html),
        });
        res.end(html);
        finish();
        return;
      }
      const status = breaking.status ?? 503;
      entry.status = status;
      entry.error = status === 503 ? 'temporarily_unavailable' : 'server_error';
      finish();
      sendJson(res, status, {
        error: entry.error,
        error_description: `injected fault: HTTP ${status}`,
      });
      return;
    }

    let params: Form | undefined;
    try {
      switch (endpoint) {
        case 'openid-configuration':
        case 'oauth-authorization-server':
          sendJson(
            res,
            200,
            discoveryDocument(server, addressing.base, url.searchParams.get('client_id')),
            {
              'cache-control': 'max-age=60',
            },
          );
          return;
        case 'jwks':
          sendJson(res, 200, server.keys.jwks(), { 'cache-control': 'max-age=60' });
          return;
        case 'authorize': {
          const query =
            req.method === 'POST' && isFormContentType(req)
              ? new URLSearchParams(await readBody(req))
              : url.searchParams;
          entry.clientId = query.get('client_id') ?? undefined;
          entry.params = redactParams(new Form(query.toString(), [...new Set(query.keys())]));
          const result = authorize(state, server, query);
          if (result.kind === 'error') throw result.error;
          entry.status = 302;
          const location = new URL(result.location);
          entry.error = location.searchParams.get('error') ?? undefined;
          redirect(res, result.location);
          finish();
          return;
        }
        case 'userinfo':
          sendJson(res, 200, await userinfo(state, server, req));
          return;
        case 'registration': {
          if (req.method !== 'POST') throw methodNotAllowed('POST');
          let metadata: unknown;
          try {
            metadata = JSON.parse(await readBody(req));
          } catch {
            throw new OAuthError(
              400,
              'invalid_client_metadata',
              'registration_metadata',
              'the body must be JSON client metadata',
            );
          }
          const registered = registerClient(tenant, metadata);
          entry.clientId = registered.client_id as string;
          entry.status = 201;
          finish();
          sendJson(res, 201, registered);
          return;
        }
        default:
          break;
      }

      // token, introspect, revoke: POST application/x-www-form-urlencoded.
      if (req.method !== 'POST') throw methodNotAllowed('POST');
      if (!isFormContentType(req))
        throw new OAuthError(
          400,
          'invalid_request',
          'bad_content_type',
          'the body must be application/x-www-form-urlencoded',
        );
      params = new Form(await readBody(req));
      entry.params = redactParams(params);
      entry.grantType = params.get('grant_type');
      const presented = presentedClient(req, params);
      entry.clientId = presented.clientId;
      entry.clientAuthMethod = presented.method;

      if (endpoint === 'token') {
        const outcome = await handleTokenRequest({
          state,
          server,
          issuer,
          req,
          params,
          faults: tokenFaultFlags(applied),
        });
        entry.issuedClaims = outcome.issuedClaims;
        entry.subjectClaims = outcome.subjectClaims;
        if (typeof outcome.body.access_token === 'string')
          entry.issuedTokenFingerprint = fingerprint(outcome.body.access_token);
        finish();
        sendJson(res, 200, outcome.body);
      } else if (endpoint === 'introspect') {
        const { body } = await introspect(state, server, req, params);
        finish();
        sendJson(res, 200, body);
      } else {
        await revoke(state, server, req, params);
        finish();
        res.writeHead(200, { 'content-length': 0, 'cache-control': 'no-store' });
        res.end();
      }
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      const answered = vendorError(error, profile);
      entry.status = answered.status;
      entry.error = answered.body.error;
      entry.errorDescription = answered.body.error_description;
      finish();
      sendOAuthError(res, error, profile);
    }
  }
}

function methodNotAllowed(allow: string): OAuthError {
  return new OAuthError(
    405,
    'invalid_request',
    'method_not_allowed',
    `use ${allow} for this endpoint`,
    { allow },
  );
}
