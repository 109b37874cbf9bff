// Vercel's routing for a static build, simulated from vercel.json.
//
// @vercel/routing-utils (the code Vercel's own CLI uses) turns vercel.json's
// `cleanUrls`, `trailingSlash`, `redirects` and `headers` into the ordered
// route list of the Build Output API (v3). `resolveRequest()` walks that list
// the way Vercel's edge does: routes that match with `continue: true` add
// their headers and go on; a route with a redirect status answers at once;
// then the filesystem is checked (with `cleanUrls`, `/a/b` is `a/b.html`);
// a miss answers 404 with `404.html`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { getTransformedRoutes, type Route } from '@vercel/routing-utils';

export interface VercelJson {
  $schema?: string;
  framework?: string;
  buildCommand?: string;
  installCommand?: string;
  outputDirectory?: string;
  cleanUrls?: boolean;
  trailingSlash?: boolean;
  redirects?: { source: string; destination: string; permanent?: boolean; statusCode?: number }[];
  headers?: { source: string; headers: { key: string; value: string }[] }[];
  rewrites?: { source: string; destination: string }[];
}

export interface SiteRoutes {
  /** Ordered Build Output API routes. */
  routes: Route[];
  cleanUrls: boolean;
  /** Where the routes came from, for messages. */
  source: string;
}

export type Resolution =
  | { kind: 'redirect'; status: number; location: string; headers: Record<string, string> }
  | { kind: 'file'; status: 200; file: string; headers: Record<string, string> }
  | { kind: 'not-found'; status: 404; file: string | null; headers: Record<string, string> };

export function readVercelJson(file: string): VercelJson {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as VercelJson;
  } catch (error) {
    throw new Error(
      `${file}: cannot read vercel.json (${(error as Error).message}); fix the JSON and retry`,
      { cause: error },
    );
  }
}

/** Routes from vercel.json, through @vercel/routing-utils. */
export function routesFromVercelJson(file: string): SiteRoutes {
  const config = readVercelJson(file);
  const { routes, error } = getTransformedRoutes(config);
  if (error) {
    throw new Error(`${file}: Vercel rejects this config: ${error.code}: ${error.message}`);
  }
  return { routes: routes ?? [], cleanUrls: config.cleanUrls === true, source: file };
}

/**
 * Routes from a Build Output API directory (`.vercel/output/config.json`, what
 * `vercel build` writes), when one exists.
 */
export function routesFromBuildOutput(dir: string): SiteRoutes | null {
  const file = path.join(dir, 'config.json');
  if (!existsSync(file)) return null;
  const config = JSON.parse(readFileSync(file, 'utf8')) as {
    routes?: Route[];
    overrides?: Record<string, { path?: string }>;
  };
  const cleanUrls = Object.keys(config.overrides ?? {}).some((k) => k.endsWith('.html'));
  return { routes: config.routes ?? [], cleanUrls, source: file };
}

function substitute(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\d+|[A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const value = /^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name];
    return value ?? '';
  });
}

/** A file in `root` that serves `pathname`, or null. Never leaves `root`. */
export function findFile(root: string, pathname: string, cleanUrls: boolean): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const rel = path.posix.normalize(decoded).replace(/^\/+/, '');
  if (rel.startsWith('..') || rel.includes('\0')) return null;
  const base = path.join(root, rel);
  if (!base.startsWith(path.resolve(root))) return null;
  const candidates = [base];
  if (cleanUrls && rel !== '' && !rel.endsWith('/')) candidates.push(`${base}.html`);
  candidates.push(path.join(base, 'index.html'));
  for (const candidate of candidates) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next candidate
    }
  }
  return null;
}

/**
 * What Vercel answers for `GET pathname` (query string excluded) on a static
 * deployment of `root` with these routes.
 */
export function resolveRequest(site: SiteRoutes, root: string, pathname: string): Resolution {
  const headers: Record<string, string> = {};
  // Build Output routes come in phases: the main phase, then `handle` markers.
  // `error` phase routes only apply to an error response (we serve 404.html
  // for those anyway); after `filesystem`, routes apply to a filesystem miss.
  let phase: string | null = null;
  for (const route of site.routes) {
    if ('handle' in route) {
      phase = route.handle;
      if (phase === 'filesystem') {
        const file = findFile(root, pathname, site.cleanUrls);
        if (file) return { kind: 'file', status: 200, file, headers };
      }
      continue;
    }
    if (phase === 'error') continue;
    const flags = route.caseSensitive ? '' : 'i';
    const match = new RegExp(route.src, flags).exec(pathname);
    if (!match) continue;
    for (const [key, value] of Object.entries(route.headers ?? {})) {
      if (key.toLowerCase() === 'location') continue;
      headers[key] = substitute(value, match);
    }
    const location = Object.entries(route.headers ?? {}).find(
      ([key]) => key.toLowerCase() === 'location',
    )?.[1];
    if (route.status && route.status >= 300 && route.status < 400 && location) {
      return {
        kind: 'redirect',
        status: route.status,
        location: substitute(location, match),
        headers,
      };
    }
    if (route.status === 404) {
      const dest = route.dest ? substitute(route.dest, match) : '404.html';
      const file = findFile(root, `/${dest.replace(/^\/+/, '')}`, site.cleanUrls);
      return { kind: 'not-found', status: 404, file, headers };
    }
    if (route.dest) pathname = substitute(route.dest, match).split('?')[0] ?? pathname;
    if (!route.continue) break;
  }
  const file = findFile(root, pathname, site.cleanUrls);
  if (file) return { kind: 'file', status: 200, file, headers };
  const notFound = path.join(root, '404.html');
  return { kind: 'not-found', status: 404, file: existsSync(notFound) ? notFound : null, headers };
}

/**
 * Follows redirects (at most `max`) until a page or a 404; for tests that
 * check that every redirect lands on a page that exists.
 */
export function followRedirects(
  site: SiteRoutes,
  root: string,
  pathname: string,
  max = 5,
): { chain: string[]; final: Resolution } {
  const chain = [pathname];
  let current = resolveRequest(site, root, pathname);
  while (current.kind === 'redirect' && chain.length <= max) {
    const next = new URL(current.location, 'http://127.0.0.1').pathname;
    chain.push(next);
    current = resolveRequest(site, root, next);
  }
  return { chain, final: current };
}
