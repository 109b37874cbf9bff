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
    out[name] = value;
  }
  return out;
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
    pool: new Pool(url.origin, {
      connections: 128,
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
  onHeaders?: (status: number) => void,
): Promise<number> {
  const gone = new ClientGone();
  // A client that goes away aborts the upstream request (and its SSE stream).
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
  };
  res.once('close', onClose);
  headers.host = u.host;
  const forwardedFor = req.socket.remoteAddress;
  if (forwardedFor) {
    const prior = headers['x-forwarded-for'];
    headers['x-forwarded-for'] = prior ? `${String(prior)}, ${forwardedFor}` : forwardedFor;
  }
  const hasBody =
    req.headers['content-length'] !== undefined
      ? req.headers['content-length'] !== '0'
      : req.headers['transfer-encoding'] !== undefined;
  let upstream;
  try {
    upstream = await u.pool.request({
      path: upstreamPath(u, req.url ?? '/'),
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
