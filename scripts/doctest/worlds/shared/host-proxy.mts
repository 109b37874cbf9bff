// A small forward proxy (HTTP proxy + CONNECT) that lets programs reach vendor
// host names (dev-123456.okta.com, …) and fixed local ports (localhost:8080)
// exactly as a page writes them, while everything really runs on 127.0.0.1:
//
//   - CONNECT to a routed vendor host: the tunnel is terminated here with a
//     certificate for that host issued by the run's test CA (the client trusts
//     it through NODE_EXTRA_CA_CERTS / CURL_CA_BUNDLE), and each request is
//     forwarded over plain HTTP to the mock IdP with its Host header intact,
//     so the IdP serves the vendor's issuer (host routing);
//   - plain-HTTP proxy requests to a mapped local address (localhost:8080) go
//     to the page's real port; to other 127.0.0.1 ports, straight through;
//   - anything else is refused: the run is offline.
//
// Each listener stands for one caller ("client", "proxy", …), so every call
// is recorded with who made it and to whom: the page's real HTTP sequence.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';

export interface RecordedHttpCall {
  from: string;
  to: string;
  method: string;
  path: string;
  host: string;
  status?: number;
  start: number;
  end: number;
  /** Redacted summary of a token request (grant type, audience, scope; never tokens or secrets). */
  note?: string;
}

export interface HostProxyOptions {
  /** Issues a certificate for host names (the run's test CA). */
  issueCert: (hostnames: string[]) => Promise<{ certPem: string; keyPem: string }>;
  /** Vendor host names (exact, or `*.example.com`) → the mock IdP's plain HTTP port. */
  vendorHosts: string[];
  idpPort: number;
  onCall?: (call: RecordedHttpCall) => void;
}

export interface HostProxy {
  /** A listener whose callers are recorded as `from`; returns its proxy URL. */
  listen(from: string): Promise<string>;
  /** Route `host:port` as written (e.g. localhost:8080) to a real local port, named `party`. */
  mapLocal(hostPort: string, realPort: number, party: string): void;
  /** Name the party behind a real local port, for the record. */
  nameLocal(realPort: number, party: string): void;
  unmapLocal(hostPort: string): void;
  isMapped(hostPort: string): boolean;
  close(): Promise<void>;
}

const LOCAL = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function matchesHost(patterns: string[], host: string): boolean {
  const h = host.toLowerCase();
  return patterns.some((p) =>
    p.startsWith('*.') ? h.endsWith(p.slice(1)) : h === p.toLowerCase(),
  );
}

export async function startHostProxy(opts: HostProxyOptions): Promise<HostProxy> {
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const local = new Map<string, { port: number; party: string }>();
  /** Addresses once mapped and now stopped: refused, never passed on to whatever else listens there. */
  const retired = new Set<string>();
  const names = new Map<number, string>([[opts.idpPort, 'idp']]);
  const contexts = new Map<string, Promise<tls.SecureContext>>();

  const contextFor = (host: string) => {
    let c = contexts.get(host);
    if (!c) {
      c = opts
        .issueCert([host])
        .then((p) => tls.createSecureContext({ cert: p.certPem, key: p.keyPem }));
      contexts.set(host, c);
    }
    return c;
  };

  const forward = (
    from: string,
    req: IncomingMessage,
    res: ServerResponse,
    target: { port: number; party: string; host: string; path: string },
  ) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers };
      delete headers['proxy-connection'];
      delete headers['proxy-authorization'];
      const up = http.request(
        { host: '127.0.0.1', port: target.port, method: req.method, path: target.path, headers },
        (upRes) =>
          relay(upRes, res, () =>
            opts.onCall?.({
              from,
              to: target.party,
              method: req.method ?? 'GET',
              path: target.path.split('?')[0] as string,
              host: target.host,
              status: upRes.statusCode,
              start,
              end: performance.now(),
              ...noteOf(req, body),
            }),
          ),
      );
      up.on('error', (e) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(
          `doctest host proxy: ${target.host} (127.0.0.1:${target.port}) unreachable: ${e.message}\n`,
        );
      });
      up.end(body);
    });
  };

  // Requests that arrive inside a terminated CONNECT tunnel.
  const tunnelled = (from: string, host: string) =>
    http.createServer((req, res) =>
      forward(from, req, res, { port: opts.idpPort, party: 'idp', host, path: req.url ?? '/' }),
    );

  // Requests inside a CONNECT tunnel to a local address (origin-form URLs).
  const plainTunnel = (from: string, hostPort: string) =>
    http.createServer((req, res) => {
      req.url = `http://${hostPort}${req.url ?? '/'}`;
      onRequest(from)(req, res);
    });

  const onRequest = (from: string) => (req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('doctest host proxy: expected an absolute URL (HTTP proxy request)\n');
      return;
    }
    const hostPort = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
    const mapped =
      local.get(hostPort) ??
      (url.hostname === '127.0.0.1' ? undefined : local.get(`127.0.0.1:${url.port}`));
    const path = url.pathname + url.search;
    if (mapped) return forward(from, req, res, { ...mapped, host: url.host, path });
    if (retired.has(hostPort)) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(
        `doctest host proxy: nothing listens on ${url.host} any more (the server was stopped)\n`,
      );
      return;
    }
    if (LOCAL.has(url.hostname) && url.port) {
      const port = Number(url.port);
      return forward(from, req, res, {
        port,
        party: names.get(port) ?? `127.0.0.1:${port}`,
        host: url.host,
        path,
      });
    }
    if (matchesHost(opts.vendorHosts, url.hostname)) {
      return forward(from, req, res, { port: opts.idpPort, party: 'idp', host: url.host, path });
    }
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(
      `doctest host proxy: ${url.host} is not reachable in this offline run (routed: ${opts.vendorHosts.join(', ')}, ${[...local.keys()].join(', ')})\n`,
    );
  };

  const onConnect = (from: string) => (req: IncomingMessage, socket: net.Socket, head: Buffer) => {
    // A client may reset the tunnel at any moment (curl does after a refused
    // CONNECT); a socket error must end that tunnel, never the whole run.
    socket.on('error', () => socket.destroy());
    const [host = '', port = '443'] = (req.url ?? '').split(':');
    if (LOCAL.has(host)) {
      // undici's ProxyAgent tunnels plain http too: serve the tunnel as HTTP, routed and recorded
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) socket.unshift(head);
      plainTunnel(from, `${host}:${port}`).emit('connection', socket);
      return;
    }
    if (!matchesHost(opts.vendorHosts, host)) {
      socket.end(
        `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\n\r\ndoctest host proxy: ${host}:${port} is not reachable in this offline run\n`,
      );
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    void contextFor(host).then((secureContext) => {
      const tlsSocket = new tls.TLSSocket(socket, {
        isServer: true,
        secureContext,
        ALPNProtocols: ['http/1.1'],
      });
      if (head.length) socket.unshift(head);
      sockets.add(tlsSocket);
      tlsSocket.on('close', () => sockets.delete(tlsSocket));
      tlsSocket.on('error', () => tlsSocket.destroy());
      tunnelled(from, host).emit('connection', tlsSocket);
    });
  };

  return {
    async listen(from) {
      const server = http.createServer(onRequest(from));
      server.on('connect', onConnect(from));
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    mapLocal(hostPort, realPort, party) {
      retired.delete(hostPort);
      local.set(hostPort, { port: realPort, party });
      names.set(realPort, party);
    },
    isMapped(hostPort) {
      return local.has(hostPort);
    },
    nameLocal(realPort, party) {
      names.set(realPort, party);
    },
    unmapLocal(hostPort) {
      if (local.delete(hostPort)) retired.add(hostPort);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

/**
 * Which bearer token a request carried, by its claims, never the token:
 * `bearer(authorization)=aud:mcp-server` — for each header whose value is
 * `Bearer <JWT>` (Authorization, or a header such as externalTokenHeaderName).
 */
export function bearerNote(headers: IncomingMessage['headers']): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const v = Array.isArray(value) ? value[0] : value;
    const m = /^Bearer\s+([\w-]+)\.([\w-]+)\.[\w-]*$/i.exec(v ?? '');
    if (!m) continue;
    let aud = '?';
    try {
      const claims = JSON.parse(Buffer.from(m[2] as string, 'base64url').toString()) as {
        aud?: unknown;
      };
      aud = ([] as unknown[]).concat(claims.aud ?? []).join(',') || '?';
    } catch {
      // not a JWT: recorded as an opaque bearer token
    }
    out.push(`bearer(${name.toLowerCase()})=aud:${aud}`);
  }
  return out;
}

/** What a request carried, without tokens or secrets: a token request's form, the bearer tokens' audiences. */
function noteOf(req: IncomingMessage, body?: Buffer): { note?: string } {
  const parts = bearerNote(req.headers);
  if (
    body &&
    req.method === 'POST' &&
    /x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')
  ) {
    const form = new URLSearchParams(body.toString());
    parts.push(
      ...['grant_type', 'audience', 'scope', 'subject_token_type', 'requested_token_type']
        .filter((k) => form.has(k))
        .map((k) => `${k}=${form.get(k)}`),
    );
  }
  return parts.length ? { note: parts.join(' ') } : {};
}

/**
 * A recording reverse proxy in front of a local server: callers that do not
 * use a forward proxy (the MCP server calling its backend, the proxy calling
 * its upstream) are recorded as from → to.
 */
export async function startTap(
  from: string,
  to: string,
  targetPort: number,
  onCall: (call: RecordedHttpCall) => void,
  /** Request headers this hop removes (lower case), as a proxy between the two parties would. */
  dropRequestHeaders: readonly string[] = [],
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const start = performance.now();
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => !dropRequestHeaders.includes(name)),
    );
    const up = http.request(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: req.url,
        headers,
      },
      (upRes) =>
        relay(upRes, res, () =>
          onCall({
            from,
            to,
            method: req.method ?? 'GET',
            path: (req.url ?? '/').split('?')[0] as string,
            host: req.headers.host ?? '',
            status: upRes.statusCode,
            start,
            end: performance.now(),
            ...noteOf(req),
          }),
        ),
    );
    up.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(`doctest tap: ${to} unreachable: ${e.message}\n`);
    });
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * Passes the upstream answer to the caller and calls `recorded` once: when the
 * response ends, or when either side closes first (a streamed response the
 * client stops reading).
 */
function relay(upRes: IncomingMessage, res: ServerResponse, recorded: () => void): void {
  res.writeHead(upRes.statusCode ?? 502, upRes.headers);
  upRes.pipe(res);
  onceOf([upRes, 'end'], [upRes, 'close'], [res, 'close'])(recorded);
}

type Emitter = { once(event: string, f: () => void): unknown };

/** Runs `f` once, on the first of these events. */
function onceOf(...events: [Emitter, string][]): (f: () => void) => void {
  return (f) => {
    let done = false;
    for (const [emitter, event] of events) {
      emitter.once(event, () => {
        if (!done) {
          done = true;
          f();
        }
      });
    }
  };
}
