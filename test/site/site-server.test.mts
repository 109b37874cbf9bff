// scripts/site: Vercel's routing as the local server applies it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { get as get_ } from 'node:http';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTransformedRoutes } from '@vercel/routing-utils';
import {
  pickEncoding,
  startSiteServer,
  type SiteServer,
} from '../../scripts/site/static-server.mts';
import { resolveRequest, type SiteRoutes } from '../../scripts/site/vercel-routing.mts';

const config = {
  cleanUrls: true,
  trailingSlash: false,
  redirects: [
    { source: '/old', destination: '/guide', permanent: true },
    { source: '/docs/:path*', destination: '/:path*', permanent: false },
  ],
  headers: [
    { source: '/(.*)', headers: [{ key: 'X-Test', value: 'all' }] },
    { source: '/assets/(.*)', headers: [{ key: 'Cache-Control', value: 'immutable' }] },
  ],
};

let dir: string;
let server: SiteServer;
let site: SiteRoutes;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'site-server-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<h1>home</h1>');
  writeFileSync(path.join(dir, 'guide.html'), `<h1>guide</h1>${'x'.repeat(2000)}`);
  writeFileSync(path.join(dir, '404.html'), '<h1>not found</h1>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  site = { routes: getTransformedRoutes(config).routes ?? [], cleanUrls: true, source: 'test' };
  server = await startSiteServer({ root: dir, routes: site });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (p: string, headers: Record<string, string> = {}) =>
  fetch(server.url + p, { redirect: 'manual', headers });

describe('site server', () => {
  it('binds 127.0.0.1', () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  it('serves clean URLs with the configured headers', async () => {
    const res = await get('/guide');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-test')).toBe('all');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<h1>guide</h1>');
  });

  it('redirects .html and trailing slashes to the clean URL, as Vercel does', async () => {
    expect((await get('/guide.html')).headers.get('location')).toBe('/guide');
    const slash = await get('/guide/');
    expect(slash.status).toBe(308);
    expect(slash.headers.get('location')).toBe('/guide');
  });

  it('applies redirects with parameters and keeps the query string', async () => {
    const res = await get('/docs/guide?x=1');
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('/guide?x=1');
    expect((await get('/old')).status).toBe(308);
  });

  it('answers 404 with 404.html and the headers', async () => {
    const res = await get('/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-test')).toBe('all');
    expect(await res.text()).toContain('not found');
  });

  it('never serves a file outside the build directory', async () => {
    const res = await get('/..%2f..%2fetc%2fpasswd');
    expect(res.status).toBe(404);
    expect(resolveRequest(site, dir, '/../../etc/passwd').kind).toBe('not-found');
  });

  it('compresses with brotli or gzip as the client asks', async () => {
    const raw = async (encoding: string) =>
      new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
        get_(`${server.url}/guide`, { headers: { 'Accept-Encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }),
          );
        }).on('error', reject);
      });
    const br = await raw('br, gzip');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toContain('<h1>guide</h1>');
    const gz = await raw('gzip');
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toContain('<h1>guide</h1>');
    expect((await raw('identity')).encoding).toBeUndefined();
    expect(pickEncoding('br;q=0, gzip')).toBe('gzip');
  });

  it('adds the asset headers only under /assets/', async () => {
    expect((await get('/assets/app.js')).headers.get('cache-control')).toBe('immutable');
    expect((await get('/guide')).headers.get('cache-control')).toBe(
      'public, max-age=0, must-revalidate',
    );
  });

  it('refuses methods a static deployment does not answer', async () => {
    const res = await fetch(`${server.url}/guide`, { method: 'POST' });
    expect(res.status).toBe(405);
  });
});
