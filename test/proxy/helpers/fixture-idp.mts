// A tiny in-test identity provider: OIDC discovery, JWKS, an RFC 8693 token
// endpoint, RFC 7662 introspection, a request log and fault injection.
// Small on purpose; the project's full mock IdP lives in scripts/mock-idp/.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  createLocalJWKSet,
  type JWK,
  type JWTPayload,
} from 'jose';
import type {
  OidcOptions,
  ProxyOptions,
  TokenExchangeOptions,
} from '../../../scripts/token-exchange-proxy/options.mts';

export const MCP_AUDIENCE = 'mcp-server';
export const BACKEND_AUDIENCE = 'backend-api';
export const EXCHANGE_CLIENT_ID = '0oa0987654321fedcba';
export const EXCHANGE_CLIENT_SECRET = 'mock-only-exchange-secret';

export interface LoggedRequest {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  form: Record<string, string>;
}

export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'reset' };

export interface FixtureIdp {
  url: string;
  issuer: string;
  tokenUrl: string;
  jwksUrl: string;
  introspectionUrl: string;
  log: LoggedRequest[];
  /** Fault for the next requests to a path ('/token', '/jwks', …); `undefined` clears. */
  faults: Map<string, Fault>;
  /** A delay on every token-endpoint answer (ms). */
  tokenDelayMs: number;
  /** Opaque tokens the introspection endpoint knows. */
  opaque: Map<string, JWTPayload & { active: boolean }>;
  mint(
    claims?: JWTPayload,
    opts?: {
      alg?: 'RS256' | 'ES256';
      kid?: string;
      expiresIn?: number;
      key?: 'primary' | 'secondary';
    },
  ): Promise<string>;
  /** Key material, for tests that forge tokens. */
  keys: {
    rsaPublicJwk: JWK;
    rsaPrivate: CryptoKey;
    secondaryPrivate: CryptoKey;
    publishSecondary: boolean;
  };
  exchanges(): LoggedRequest[];
  close(): Promise<void>;
}

export async function startFixtureIdp(): Promise<FixtureIdp> {
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const secondary = await generateKeyPair('RS256', { extractable: true });
  const rsaPublicJwk = {
    ...(await exportJWK(rsa.publicKey)),
    kid: 'rsa-1',
    alg: 'RS256',
    use: 'sig',
  };
  const ecJwk = { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' };
  const secondaryJwk = {
    ...(await exportJWK(secondary.publicKey)),
    kid: 'rsa-2',
    alg: 'RS256',
    use: 'sig',
  };
  const log: LoggedRequest[] = [];
  const faults = new Map<string, Fault>();
  const opaque = new Map<string, JWTPayload & { active: boolean }>();
  let url = '';
  const state = {
    tokenDelayMs: 0,
    publishSecondary: false,
  };
  const jwks = () => ({
    keys: state.publishSecondary ? [rsaPublicJwk, ecJwk, secondaryJwk] : [rsaPublicJwk, ecJwk],
  });

  async function mint(
    claims: JWTPayload = {},
    opts: Parameters<FixtureIdp['mint']>[1] = {},
  ): Promise<string> {
    const alg = opts.alg ?? 'RS256';
    const key =
      opts.key === 'secondary'
        ? secondary.privateKey
        : alg === 'ES256'
          ? ec.privateKey
          : rsa.privateKey;
    const kid =
      opts.kid ?? (opts.key === 'secondary' ? 'rsa-2' : alg === 'ES256' ? 'ec-1' : 'rsa-1');
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = {
      sub: 'alice@example.com',
      uid: '00u1a2b3c4d5e6f7g8h9',
      scp: ['openid', 'mcp:tools:call'],
      iss: url,
      aud: MCP_AUDIENCE,
      iat: now,
      exp: now + (opts.expiresIn ?? 3600),
      jti: `${now}-${Math.random().toString(36).slice(2)}`,
      ...claims,
    };
    // A claim given as undefined is left out.
    const present = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
    return new SignJWT(present).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
  }

  const json = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] as string;
    const form = Object.fromEntries(new URLSearchParams(body));
    log.push({ path, method: req.method ?? 'GET', headers: { ...req.headers }, body, form });
    const fault = faults.get(path);
    if (fault) {
      if (fault.kind === 'hang') return; // never answers
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
      if (fault.kind === 'status') {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? '');
        return;
      }
    }
    if (path === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer: url,
        jwks_uri: `${url}/jwks`,
        token_endpoint: `${url}/token`,
        introspection_endpoint: `${url}/introspect`,
      });
    }
    if (path === '/jwks') return json(res, 200, jwks());
    if (path === '/introspect') {
      const claims = opaque.get(form.token ?? '');
      return json(res, 200, claims ?? { active: false });
    }
    if (path === '/token') {
      if (state.tokenDelayMs) await new Promise((r) => setTimeout(r, state.tokenDelayMs));
      const auth = req.headers.authorization ?? '';
      const expected = `Basic ${Buffer.from(`${EXCHANGE_CLIENT_ID}:${EXCHANGE_CLIENT_SECRET}`).toString('base64')}`;
      if (auth !== expected) return json(res, 401, { error: 'invalid_client' });
      if (form.grant_type !== 'urn:ietf:params:oauth:grant-type:token-exchange') {
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      let subject: JWTPayload;
      try {
        ({ payload: subject } = await jwtVerify(
          form.subject_token ?? '',
          createLocalJWKSet(jwks()),
          { issuer: url },
        ));
      } catch {
        return json(res, 400, {
          error: 'invalid_grant',
          error_description: 'subject token invalid',
        });
      }
      const scope = form.scope ?? 'api:read';
      const issued = await new SignJWT({
        sub: subject.sub,
        uid: subject.uid,
        scope,
        act: undefined,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1', typ: 'at+jwt' })
        .setIssuer(url)
        .setAudience(form.audience ?? BACKEND_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(rsa.privateKey);
      return json(res, 200, {
        access_token: issued,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: 3600,
        scope,
      });
    }
    json(res, 404, { error: 'not_found' });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((e: unknown) =>
        json(res, 500, { error: String(e) }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp: FixtureIdp = {
    url,
    issuer: url,
    tokenUrl: `${url}/token`,
    jwksUrl: `${url}/jwks`,
    introspectionUrl: `${url}/introspect`,
    log,
    faults,
    opaque,
    get tokenDelayMs() {
      return state.tokenDelayMs;
    },
    set tokenDelayMs(v: number) {
      state.tokenDelayMs = v;
    },
    mint,
    keys: {
      rsaPublicJwk,
      rsaPrivate: rsa.privateKey,
      secondaryPrivate: secondary.privateKey,
      get publishSecondary() {
        return state.publishSecondary;
      },
      set publishSecondary(v: boolean) {
        state.publishSecondary = v;
      },
    },
    exchanges: () => log.filter((r) => r.path === '/token'),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return idp;
}

/**
 * The proxy's token validation and RFC 8693 exchange pointed at this fixture
 * IdP: MCP audience in, backend audience out, the fixture exchange client.
 * `oidc` and `exchange` add to (or override) those fields.
 */
export function fixtureAuth(
  idp: Pick<FixtureIdp, 'issuer' | 'tokenUrl'>,
  overrides: { oidc?: Partial<OidcOptions>; exchange?: Partial<TokenExchangeOptions> } = {},
): Required<Pick<ProxyOptions, 'oidc' | 'tokenExchange'>> {
  return {
    oidc: { issuer: idp.issuer, audience: MCP_AUDIENCE, ...overrides.oidc },
    tokenExchange: {
      tokenUrl: idp.tokenUrl,
      clientId: EXCHANGE_CLIENT_ID,
      clientSecret: EXCHANGE_CLIENT_SECRET,
      audience: BACKEND_AUDIENCE,
      ...overrides.exchange,
    },
  };
}
