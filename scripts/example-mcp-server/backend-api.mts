// The backend API that the example MCP server's tools call. It accepts only
// tokens issued for it (RFC 9068-style checks: issuer, signature against the
// IdP's JWKS, audience `backend-api`, required scopes) and records what it
// received — verified claims and the header they came in, never a raw token —
// at GET /__received, so a test or a reader can see that the exchange happened.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload } from 'jose';
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import { sendJson as json } from '../lib/send-json.mts';

export interface BackendApiOptions {
  /** Expected `iss` of the tokens. */
  issuer: string;
  /** JWKS URL; default: OIDC discovery of the issuer. */
  jwksUrl?: string;
  /** Expected audience (default `backend-api`). */
  audience?: string;
  host?: string;
  port?: number;
  clockSkewSeconds?: number;
}

export interface ReceivedRequest {
  at: string;
  method: string;
  path: string;
  /** The header the backend read the token from. */
  header: string;
  /** Which header the MCP server said it received the token in (X-Token-Received-In). */
  mcpServerReceivedIn?: string;
  status: number;
  error?: string;
  /** Verified claims (only when the token verified). */
  claims?: JWTPayload;
}

export interface RunningBackendApi {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

const ROUTES: Record<string, { scope: string; answer: (claims: JWTPayload) => unknown }> = {
  'GET /api/profile': {
    scope: 'api:read',
    answer: (c) => ({ sub: c.sub, uid: c.uid, scopes: scopesOf(c) }),
  },
  'GET /api/items': {
    scope: 'api:read',
    answer: (c) => ({
      owner: c.sub,
      items: [
        { id: 1, name: 'first item' },
        { id: 2, name: 'second item' },
      ],
    }),
  },
  'POST /api/items': {
    scope: 'api:write',
    answer: (c) => ({ owner: c.sub, created: true }),
  },
};

function scopesOf(c: JWTPayload): string[] {
  // `scope` (RFC 8693 §4.2, space-separated) or Okta's `scp` array.
  if (typeof c.scope === 'string') return c.scope.split(' ').filter(Boolean);
  if (Array.isArray(c.scp)) return c.scp.map(String);
  return [];
}

async function discoverJwks(issuer: string, fetchImpl: typeof undiciFetch): Promise<string> {
  const res = await fetchImpl(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  const doc = (await res.json()) as { jwks_uri?: string };
  if (!doc.jwks_uri) throw new Error(`no jwks_uri in the discovery document of ${issuer}`);
  return doc.jwks_uri;
}

export async function startBackendApi(options: BackendApiOptions): Promise<RunningBackendApi> {
  const audience = options.audience ?? 'backend-api';
  const dispatcher = new EnvHttpProxyAgent();
  const fetchImpl = ((url: string, init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(url, { ...init, dispatcher })) as typeof undiciFetch;
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const getJwks = async () => {
    if (!jwks) {
      const url = options.jwksUrl ?? (await discoverJwks(options.issuer, fetchImpl));
      jwks = createRemoteJWKSet(new URL(url), { [customFetch]: fetchImpl as never });
    }
    return jwks;
  };
  const received: ReceivedRequest[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (path === '/__received') {
      if (req.method === 'DELETE') {
        received.length = 0;
        res.writeHead(204).end();
        return;
      }
      json(res, 200, received);
      return;
    }
    if (path === '/health') return json(res, 200, { status: 'ok' });
    const route = ROUTES[`${req.method} ${path}`];
    if (!route) return json(res, 404, { error: 'not_found' });
    const record: ReceivedRequest = {
      at: new Date().toISOString(),
      method: req.method ?? 'GET',
      path,
      header: 'authorization',
      mcpServerReceivedIn: req.headers['x-token-received-in'] as string | undefined,
      status: 0,
    };
    received.push(record);
    const fail = (status: number, error: string, description: string) => {
      record.status = status;
      record.error = `${error}: ${description}`;
      // RFC 6750 §3
      json(
        res,
        status,
        { error, error_description: description },
        {
          'www-authenticate': `Bearer realm="backend-api", error="${error}", error_description="${description}"`,
        },
      );
    };
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer '))
      return fail(401, 'invalid_request', 'a Bearer token is required');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(auth.slice(7), await getJwks(), {
        issuer: options.issuer,
        audience,
        clockTolerance: options.clockSkewSeconds ?? 30,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (e) {
      return fail(
        401,
        'invalid_token',
        `token rejected: ${(e as Error).message.replace(/"/g, "'")}`,
      );
    }
    record.claims = claims;
    if (!scopesOf(claims).includes(route.scope)) {
      return fail(403, 'insufficient_scope', `scope ${route.scope} is required`);
    }
    record.status = 200;
    json(res, 200, route.answer(claims));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) =>
      json(res, 500, { error: 'server_error', error_description: (e as Error).message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.close();
    },
  };
}
