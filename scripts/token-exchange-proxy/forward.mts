// Passes a request to the upstream MCP server and streams the answer back,
// chunk by chunk (SSE included), through one undici Pool.
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

/** Why the upstream request was aborted when the client went away. */
class ClientGoneError extends Error {
  override name = 'ClientGoneError';
}

const kExchange = Symbol('exchange');
type Tracked = ServerResponse & { [kExchange]?: Exchange };

/**
 * One request's passage through the upstream, as undici's dispatch handler
 * (DispatchHandler, undici docs/api/Dispatcher.md): the answer is written to
 * the client's response as it arrives, the upstream paused while the client's
 * socket is full. One object per request, and no closures: pool.request()
 * would add its own handler (an AsyncResource), a Readable for the body, the
 * piping's listeners and an abort-signal listener, which showed in the warm
 * path's profile and in its GC.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined = undefined;
  /** The upstream's status once it answered with headers; 0 before. */
  private status = 0;
  /** The client left before the answer was complete. */
  private gone = false;
  /** done() or failed() has been reported. */
  private reported = false;
  private readonly started = performance.now();

  constructor(
    private readonly res: ServerResponse,
    private readonly observer: ForwardObserver,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // the client left while the request waited for an upstream connection
    if (this.gone) controller.abort(new ClientGoneError('the client went away'));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    // 1xx: informational, not passed on. A client gone: the abort's error reports.
    if (statusCode < 200 || this.reported || this.gone) return;
    const res = this.res;
    try {
      this.status = statusCode;
      this.observer.upstreamHeaders(performance.now() - this.started);
      res.writeHead(statusCode, stripHopByHop(headers));
      // Send the headers now: an SSE stream may not produce a byte for a while.
      if (String(headers['content-type'] ?? '').startsWith('text/event-stream')) res.flushHeaders();
    } catch (e) {
      this.reported = true;
      controller.abort(e as Error);
      this.observer.failed(res, e);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.reported || this.gone) return;
    // The client's socket is full: hold the upstream until it drains.
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    // Trailers are not passed on (nor were they through pipe()); 'close' reports.
    if (!this.reported && !this.gone) this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    if (this.reported) return;
    const res = this.res;
    if (this.status !== 0) {
      // The upstream broke off half-way: cut the client's response too ('close' reports).
      res.destroy();
      return;
    }
    this.reported = true;
    if (this.gone) return this.observer.done(499);
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
    this.observer.done(502);
  }

  /** The client's response closed: finished, or the client went away. */
  closed(): void {
    if (!this.res.writableFinished) {
      this.gone = true;
      this.controller?.abort(new ClientGoneError('the client went away'));
    }
    // before the upstream answered, onResponseError reports (499)
    if (this.status === 0 || this.reported) return;
    this.reported = true;
    this.observer.done(this.status);
  }
}

/** The one 'close' listener of every forwarded response (`this` is the response). */
function onResponseClose(this: Tracked): void {
  this[kExchange]?.closed();
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
  const exchange = new Exchange(res, observer);
  // A client that goes away aborts the upstream request (and its SSE stream);
  // once the answer is streamed, or cut, the exchange is over.
  (res as Tracked)[kExchange] = exchange;
  res.on('close', onResponseClose);
  headers.host = u.host;
  const hasBody =
    req.headers['content-length'] !== undefined
      ? req.headers['content-length'] !== '0'
      : req.headers['transfer-encoding'] !== undefined;
  u.pool.dispatch(
    {
      path: upstreamPath(u, target),
      method: req.method as 'GET',
      headers,
      body: hasBody ? req : null,
    },
    exchange,
  );
}
