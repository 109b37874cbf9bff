// Passes a request to the upstream MCP server and streams the answer back,
// chunk by chunk (SSE included), through one undici Pool.
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'undici';

// RFC 9110 §7.6.1: connection-specific fields are not forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

export function stripHopByHop(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
  dropped?: DroppedHeaders,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const listed = headers.connection;
  const extra = new Set(
    (Array.isArray(listed) ? listed.join(',') : (listed ?? ''))
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || extra.has(name)) continue;
    if (
      dropped &&
      (dropped.names.has(name) || (dropped.allXForwarded && name.startsWith('x-forwarded-')))
    )
      continue;
    out[name] = value;
  }
  return out;
}

/**
 * Client headers that never reach the upstream, besides the hop-by-hop ones:
 * - the client's credentials (RFC 8693 §1; MCP forbids token passthrough):
 *   `Authorization` and a client-sent header named like the custom token
 *   header are removed; the proxy sets the exchanged token itself. ToolHive
 *   passes both on unless it replaces them; `--compat toolhive` does too.
 * - `Expect`: the proxy answers it (undici cannot forward it).
 * - what a client claims about the path a request took (RFC 7239 §8.1):
 *   `Forwarded`, every `X-Forwarded-*` and `X-Real-IP`. The proxy sets
 *   X-Forwarded-For/-Host/-Proto itself, as Go's ReverseProxy.SetXForwarded
 *   does for ToolHive (pkg/transport/proxy/transparent/transparent_proxy.go@v0.44.0);
 *   Go removes only Forwarded and X-Forwarded-For/-Host/-Proto first, so
 *   ToolHive passes X-Forwarded-Prefix, -Port and X-Real-IP on (so does
 *   `--compat toolhive`).
 */
export interface DroppedHeaders {
  names: ReadonlySet<string>;
  /** Every `x-forwarded-*` name, not only those in `names`. */
  allXForwarded: boolean;
}

export function requestHeadersToDrop(s: {
  compat: boolean;
  customHeader?: string;
}): DroppedHeaders {
  const names = new Set([
    'expect',
    'forwarded',
    'x-forwarded-for',
    'x-forwarded-host',
    'x-forwarded-proto',
  ]);
  if (!s.compat) {
    names.add('authorization');
    names.add('x-real-ip');
    if (s.customHeader) names.add(s.customHeader);
  }
  return { names, allXForwarded: !s.compat };
}

/** The headers sent upstream: the client's, less hop-by-hop and `dropped` ones, plus X-Forwarded-*. */
export function upstreamRequestHeaders(
  req: IncomingMessage,
  dropped: DroppedHeaders,
): Record<string, string | string[]> {
  const headers = stripHopByHop(req.headers, dropped);
  const host = req.headers.host;
  const forwardedFor = req.socket.remoteAddress;
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  if (host) headers['x-forwarded-host'] = host;
  headers['x-forwarded-proto'] = 'http';
  return headers;
}

/**
 * The answer when writing a response failed half-way: a fresh 500 whose
 * Content-Length matches its body, or, once headers are out, a cut
 * connection — never a length the body does not match, which leaves the
 * client waiting.
 */
export function sendInternalError(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const body = '{"error":"server_error","error_description":"the proxy failed to answer"}';
  try {
    res.writeHead(500, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    res.end(body);
  } catch {
    res.destroy();
  }
}

export interface Upstream {
  origin: string;
  /** The Host header for the upstream, computed once. */
  host: string;
  basePath: string;
  pool: Pool;
}

export function createUpstream(targetUri: string): Upstream {
  const url = new URL(targetUri);
  return {
    origin: url.origin,
    host: url.host,
    basePath: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, ''),
    // No body or header timeout: a long SSE stream may be idle for minutes.
    // No connection limit: every open stream (SSE, a streamable-HTTP GET, a
    // POST answered with an event stream) holds one upstream connection for
    // its lifetime, so a fixed budget lets one client's streams starve every
    // other request. Go's http.Transport, which ToolHive uses, has none either
    // (MaxConnsPerHost 0). The inbound connections bound the outbound ones.
    pool: new Pool(url.origin, {
      connections: null,
      bodyTimeout: 0,
      headersTimeout: 0,
      keepAliveTimeout: 10_000,
    }),
  };
}

/** The upstream path: the incoming path under the target's path, unless it is already there. */
export function upstreamPath(u: Upstream, requestUrl: string): string {
  if (
    !u.basePath ||
    requestUrl === u.basePath ||
    requestUrl.startsWith(`${u.basePath}/`) ||
    requestUrl.startsWith(`${u.basePath}?`)
  ) {
    return requestUrl;
  }
  return u.basePath + (requestUrl.startsWith('/') ? requestUrl : `/${requestUrl}`);
}

/**
 * Aborts an upstream request when the client goes away. undici takes an
 * EventEmitter with `aborted` as its `signal`; it costs far less per request
 * than an AbortController (whose signal is an EventTarget).
 */
class ClientGone extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}

/** Forwards; resolves with the upstream status once the answer is streamed (or the client left). */
export async function forward(
  u: Upstream,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string | string[]>,
  /** The origin-form target, dot-segments removed (request-target.mts). */
  target: string,
  onHeaders?: (status: number) => void,
): Promise<number> {
  const gone = new ClientGone();
  // A client that goes away aborts the upstream request (and its SSE stream).
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
  };
  res.once('close', onClose);
  headers.host = u.host;
  const hasBody =
    req.headers['content-length'] !== undefined
      ? req.headers['content-length'] !== '0'
      : req.headers['transfer-encoding'] !== undefined;
  let upstream;
  try {
    upstream = await u.pool.request({
      path: upstreamPath(u, target),
      method: req.method as 'GET',
      headers,
      body: hasBody ? req : null,
      signal: gone,
    });
  } catch (e) {
    res.off('close', onClose);
    if (gone.aborted) return 499;
    const body = JSON.stringify({
      error: 'bad_gateway',
      error_description: `the upstream MCP server is unreachable (${(e as { code?: string }).code ?? 'error'})`,
    });
    if (!res.headersSent) {
      res.writeHead(502, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
    }
    res.end(body);
    return 502;
  }
  const status = upstream.statusCode;
  onHeaders?.(status);
  res.writeHead(status, stripHopByHop(upstream.headers));
  // Send the headers now: an SSE stream may not produce a byte for a while.
  if (String(upstream.headers['content-type'] ?? '').startsWith('text/event-stream'))
    res.flushHeaders();
  // .pipe() rather than stream.pipeline(): pipeline allocates an AbortController
  // (and a DOMException when it ends) per response, which showed in the profile.
  // What pipeline did for us is done here: an upstream that breaks off closes
  // the client's response; a client that leaves aborts the upstream (onClose).
  const body = upstream.body;
  body.on('error', () => res.destroy());
  if (res.closed) {
    // The client left while the upstream was answering.
    body.destroy();
    return status;
  }
  return new Promise<number>((resolve) => {
    res.once('close', () => {
      res.off('close', onClose);
      if (!body.destroyed && !body.readableEnded) body.destroy();
      resolve(status);
    });
    body.pipe(res);
  });
}
