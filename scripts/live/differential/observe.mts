// Sends one case to one proxy and writes down what a client, the IdP and the
// backend could observe, with the run-specific parts (ports, timestamps, token
// values) replaced by placeholders. Nothing else is normalised.
import { generateKeyPair, SignJWT } from 'jose';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { MintTokenRequest } from '../../mock-idp/control-plane.mts';
import {
  EXCHANGE_CLIENT_ID,
  EXCHANGE_CLIENT_SECRET,
  OKTA_ISSUER,
  requestOf,
  type ProxyCase,
  type Relative,
  type TokenSpec,
} from './cases.mts';
import type { IdpRequest, World } from './world.mts';

/** Response headers a client can act on. */
const RESPONSE_HEADERS = [
  'content-type',
  'www-authenticate',
  'retry-after',
  'cache-control',
  'x-content-type-options',
  'mcp-session-id',
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
];

export interface TokenRequestObservation {
  host: string;
  path: string;
  contentType: string;
  /** Basic credentials decoded, or "(none)". */
  authorization: string;
  /** Form field names in the order they were sent. */
  fields: string[];
  form: Record<string, string>;
}

export interface UpstreamObservation {
  method: string;
  path: string;
  body: string;
  /** Every header that carries a token (client's or exchanged), with which. */
  tokenHeaders: Record<string, string>;
  /** X-Forwarded-* as the backend sees them (RFC 7239's predecessors). */
  forwarded: Record<string, string>;
}

export interface Observation {
  status: number;
  headers: Record<string, string>;
  body: string;
  tokenRequests: TokenRequestObservation[];
  upstream: UpstreamObservation | null;
}

const isRelative = (v: unknown): v is Relative =>
  typeof v === 'object' && v !== null && 'in' in v && Object.keys(v).length === 1;

function resolveClaims(claims: Record<string, unknown>): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return Object.fromEntries(
    Object.entries(claims).map(([k, v]) => [k, isRelative(v) ? now + v.in : v]),
  );
}

let forgeKey: Promise<CryptoKey> | undefined;

/** Makes the token a case describes; the same value goes to both sides. */
export async function makeToken(world: World, spec: TokenSpec): Promise<string> {
  if ('mint' in spec) {
    const m = spec.mint;
    const request: MintTokenRequest = {
      issuer: OKTA_ISSUER,
      ...(m.audience ? { audience: m.audience } : {}),
      ...(m.expiresInSeconds !== undefined ? { expiresInSeconds: m.expiresInSeconds } : {}),
      ...(m.claims ? { claims: resolveClaims(m.claims) } : {}),
      ...(m.unknownKey ? { unknownKey: true } : {}),
    };
    return (await world.control.mintToken(request)).access_token;
  }
  if ('forge' in spec) {
    const { alg, header = {}, claims } = spec.forge;
    const jwt = new SignJWT(resolveClaims(claims)).setProtectedHeader({ ...header, alg });
    if (alg === 'HS256')
      return jwt.sign(new TextEncoder().encode('a-shared-secret-32-bytes-long!!!'));
    forgeKey ??= generateKeyPair('RS256').then((k) => k.privateKey);
    return jwt.sign(await forgeKey);
  }
  const token = `opaque-${randomBytes(18).toString('base64url')}`;
  world.opaque.set(token, { ...resolveClaims(spec.opaque), active: spec.opaque.active });
  return token;
}

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${path}`,
      {
        method,
        headers: { ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error(`${method} ${path}: no answer in 20 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Replaces run-specific values; `tokens` maps a token value to its placeholder. */
export function normalise(text: string, tokens: Map<string, string>): string {
  let out = text;
  for (const [value, label] of tokens) if (value.length >= 8) out = out.split(value).join(label);
  return out
    .replace(/(127\.0\.0\.1|localhost):\d+/g, '$1:<port>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, '<timestamp>');
}

function basicOf(header: string | undefined): string {
  if (!header) return '(none)';
  const m = /^Basic (.+)$/.exec(header);
  if (!m) return header.replace(/\s.*/, ' <credentials>');
  // RFC 6749 §2.3.1: id and secret form-urlencoded, then base64. Kept as sent.
  const [id = '', secret = ''] = Buffer.from(m[1] as string, 'base64')
    .toString('utf8')
    .split(':');
  const secretLabel =
    secret === EXCHANGE_CLIENT_SECRET ? '<the client secret>' : '<another secret>';
  return `Basic base64(${id === EXCHANGE_CLIENT_ID ? id : '<another client id>'}:${secretLabel})`;
}

function tokenRequestOf(r: IdpRequest, tokens: Map<string, string>): TokenRequestObservation {
  const params = new URLSearchParams(r.body);
  const form: Record<string, string> = {};
  for (const [k, v] of params) form[k] = normalise(v, tokens);
  return {
    host: r.host,
    path: r.path,
    contentType: String(r.headers['content-type'] ?? ''),
    authorization: basicOf(r.headers.authorization),
    fields: [...params.keys()],
    form,
  };
}

function exchangedTokens(requests: IdpRequest[]): string[] {
  const out: string[] = [];
  for (const r of requests) {
    try {
      const t = (JSON.parse(r.response) as { access_token?: unknown }).access_token;
      if (typeof t === 'string') out.push(t);
    } catch {
      // not JSON (a non-json fault)
    }
  }
  return out;
}

/** Sends the case to one proxy and observes. */
export async function observe(
  world: World,
  proxyUrl: string,
  c: ProxyCase,
  token: string | undefined,
): Promise<Observation> {
  world.idpRequests.length = 0;
  world.upstreamRequests.length = 0;
  if (c.fault) await world.control.addFault({ endpoint: 'token', ...c.fault });
  const { method, path, body } = requestOf(c);
  const headers: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...c.headers,
  };
  const authorization =
    c.authorization !== undefined
      ? c.authorization.replace('{token}', token ?? '')
      : token
        ? `Bearer ${token}`
        : undefined;
  if (authorization !== undefined) headers.authorization = authorization;
  let raw: Raw;
  try {
    raw = await send(proxyUrl, method, path, headers, body);
  } finally {
    if (c.fault) await world.control.clearFaults();
  }
  const tokenCalls = world.idpRequests.filter(
    (r) => r.method === 'POST' && /\/token$/.test(r.path),
  );
  const labels = new Map<string, string>();
  if (token) labels.set(token, '<client token>');
  for (const t of exchangedTokens(tokenCalls)) labels.set(t, '<exchanged token>');
  const responseHeaders: Record<string, string> = {};
  for (const h of RESPONSE_HEADERS) {
    const v = raw.headers[h];
    if (v !== undefined) responseHeaders[h] = normalise(String(v), labels);
  }
  const up = world.upstreamRequests[0];
  let upstream: UpstreamObservation | null = null;
  if (up) {
    const tokenHeaders: Record<string, string> = {};
    const forwarded: Record<string, string> = {};
    for (const [name, value] of Object.entries(up.headers)) {
      const n = normalise(String(value), labels);
      if (name === 'authorization' || /<(client|exchanged) token>/.test(n)) tokenHeaders[name] = n;
      if (name.startsWith('x-forwarded-')) forwarded[name] = n;
    }
    upstream = { method: up.method, path: up.path, body: up.body, tokenHeaders, forwarded };
  }
  return {
    status: raw.status,
    headers: responseHeaders,
    body: normalise(raw.body, labels),
    tokenRequests: tokenCalls.map((r) => tokenRequestOf(r, labels)),
    upstream,
  };
}

export interface Difference {
  field: string;
  thv: unknown;
  standin: unknown;
}

/** Field-by-field comparison of two observations. */
export function compare<T>(thv: T, standin: T): Difference[] {
  const out: Difference[] = [];
  const walk = (path: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    if (
      a &&
      b &&
      typeof a === 'object' &&
      typeof b === 'object' &&
      !Array.isArray(a) &&
      !Array.isArray(b)
    ) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of keys)
        walk(
          path ? `${path}.${k}` : k,
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
        );
      return;
    }
    if (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      path !== 'tokenRequests.fields'
    ) {
      a.forEach((x, i) => walk(`${path}[${i}]`, x, b[i]));
      return;
    }
    out.push({ field: path, thv: a ?? null, standin: b ?? null });
  };
  walk('', thv, standin);
  return out;
}
