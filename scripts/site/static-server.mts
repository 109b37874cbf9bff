// An HTTP server for the built site that answers as Vercel would: routes from
// vercel.json (or `vercel build`'s Build Output), its headers on every
// response, and gzip/brotli compression of text (Vercel compresses, and
// Lighthouse figures are only honest with it).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { resolveRequest, type SiteRoutes } from './vercel-routing.mts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json; charset=utf-8',
};

const COMPRESSIBLE = /^(text\/|application\/(javascript|json|xml|manifest\+json)|image\/svg\+xml)/;

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** `br`, `gzip` or null, from an Accept-Encoding header (q=0 means no). */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q.trim()))
      .map(([name]) => name?.trim().toLowerCase()),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return null;
}

export interface SiteServerOptions {
  /** The built site (Docusaurus `build/`). */
  root: string;
  routes: SiteRoutes;
  /** 0 picks a free port. */
  port?: number;
}

export interface SiteServer {
  url: string;
  close(): Promise<void>;
}

export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  const root = path.resolve(options.root);
  const cache = new Map<string, Buffer>();

  function body(file: string, encoding: 'br' | 'gzip' | null): Buffer {
    const key = `${encoding ?? 'identity'}:${file}`;
    let buffer = cache.get(key);
    if (!buffer) {
      const raw = readFileSync(file);
      buffer =
        encoding === 'br'
          ? brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } })
          : encoding === 'gzip'
            ? gzipSync(raw, { level: 9 })
            : raw;
      cache.set(key, buffer);
    }
    return buffer;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const result = resolveRequest(options.routes, root, url.pathname);
    if (result.kind === 'redirect') {
      // Vercel keeps the query string when the destination has none.
      const location =
        url.search && !result.location.includes('?')
          ? result.location + url.search
          : result.location;
      res.writeHead(result.status, { ...result.headers, Location: location }).end();
      return;
    }
    if (!result.file) {
      res
        .writeHead(404, { ...result.headers, 'Content-Type': 'text/plain; charset=utf-8' })
        .end('404: no such page\n');
      return;
    }
    const type = contentTypeOf(result.file);
    const encoding = COMPRESSIBLE.test(type) ? pickEncoding(req.headers['accept-encoding']) : null;
    const payload = body(result.file, encoding);
    const headers: Record<string, string | number> = {
      // Vercel's default for static files when vercel.json sets none.
      'Cache-Control': 'public, max-age=0, must-revalidate',
      ...result.headers,
      'Content-Type': type,
      'Content-Length': payload.length,
      Vary: 'Accept-Encoding',
    };
    if (encoding) headers['Content-Encoding'] = encoding;
    res.writeHead(result.status, headers);
    res.end(req.method === 'HEAD' ? undefined : payload);
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`500: ${(error as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
