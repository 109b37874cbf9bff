// Passes a request to the upstream MCP server and streams the answer back,
// chunk by chunk (SSE included), through one undici Pool.
import type { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

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
 * The `signal` undici is given: what it needs of an EventEmitter (`aborted`,
 * `on`/`once`/`removeListener` for its one 'abort' listener) and nothing more, so
 * that a request does not pay for an EventEmitter or an AbortController
 * (whose signal is an EventTarget). undici takes any object with these members
 * (lib/api/abort-signal.js and lib/core/util.js addAbortListener).
 */
class ClientGone {
  aborted = false;
  private listener: (() => void) | undefined = undefined;

  once(_event: 'abort', listener: () => void): this {
    this.listener = listener;
    return this;
  }

  /** undici checks that a signal has `on` (or `addEventListener`); it listens with `once`. */
  on(event: 'abort', listener: () => void): this {
    return this.once(event, listener);
  }

  removeListener(_event: 'abort', _listener: () => void): this {
    this.listener = undefined;
    return this;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const l = this.listener;
    this.listener = undefined;
    l?.();
  }
}

/**
 * What forward() reports. One object per proxy: a request allocates no
 * callbacks for it.
 */
export interface ForwardObserver {
  /** The upstream answered with headers, `ms` milliseconds after the request left. */
  upstreamHeaders(ms: number): void;
  /**
   * The exchange is over: the upstream's status once the answer is streamed
   * (or the client left), 502 when the upstream was unreachable, 499 when the
   * client left before it answered.
   */
  done(status: number): void;
  /** Answering failed (e.g. an upstream header Node refuses to send). */
  failed(res: ServerResponse, error: unknown): void;
}

/** Forwards; reports to `observer` (exactly one of `done` or `failed`). */
export function forward(
  u: Upstream,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string | string[]>,
  /** The origin-form target, dot-segments removed (request-target.mts). */
  target: string,
  observer: ForwardObserver,
): void {
  const gone = new ClientGone();
  let body: Dispatcher.ResponseData['body'] | undefined;
  let status = 0;
  // One listener for the response's end. A client that goes away aborts the
  // upstream request (and its SSE stream); once the answer is streamed, or
  // cut, the exchange is over.
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
    if (body === undefined) return; // no answer yet: the request's callback reports
    if (!body.destroyed && !body.readableEnded) body.destroy();
    observer.done(status);
  };
  res.on('close', onClose);
  headers.host = u.host;
  const hasBody =
    req.headers['content-length'] !== undefined
      ? req.headers['content-length'] !== '0'
      : req.headers['transfer-encoding'] !== undefined;
  const started = performance.now();
  u.pool.request(
    {
      path: upstreamPath(u, target),
      method: req.method as 'GET',
      headers,
      body: hasBody ? req : null,
      signal: gone as unknown as EventEmitter,
    },
    (err, data) => {
      if (err) {
        res.off('close', onClose);
        if (gone.aborted) return observer.done(499);
        const text = JSON.stringify({
          error: 'bad_gateway',
          error_description: `the upstream MCP server is unreachable (${(err as { code?: string }).code ?? 'error'})`,
        });
        if (!res.headersSent) {
          res.writeHead(502, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
          });
        }
        res.end(text);
        return observer.done(502);
      }
      const answer = data.body;
      try {
        status = data.statusCode;
        observer.upstreamHeaders(performance.now() - started);
        res.writeHead(status, stripHopByHop(data.headers));
        // Send the headers now: an SSE stream may not produce a byte for a while.
        if (String(data.headers['content-type'] ?? '').startsWith('text/event-stream'))
          res.flushHeaders();
      } catch (e) {
        res.off('close', onClose);
        answer.destroy();
        return observer.failed(res, e);
      }
      // .pipe() rather than stream.pipeline(): pipeline allocates an AbortController
      // (and a DOMException when it ends) per response, which showed in the profile.
      // What pipeline did for us is done here: an upstream that breaks off closes
      // the client's response; a client that leaves aborts the upstream (onClose).
      answer.on('error', () => res.destroy());
      if (res.closed) {
        // The client left while the upstream was answering (onClose has run).
        res.off('close', onClose);
        answer.destroy();
        return observer.done(status);
      }
      body = answer;
      answer.pipe(res);
    },
  );
}
