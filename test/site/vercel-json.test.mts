// vercel.json against Vercel's own schemas and routing, and against the
// Docusaurus config and the built site.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import {
  cleanUrlsSchema,
  getTransformedRoutes,
  headersSchema,
  redirectsSchema,
  trailingSlashSchema,
} from '@vercel/routing-utils';
import { describe, expect, it } from 'vitest';
import docusaurusConfig from '../../docusaurus.config.ts';
import {
  followRedirects,
  routesFromVercelJson,
  type VercelJson,
} from '../../scripts/site/vercel-routing.mts';
import { redirectExamples } from '../e2e/redirects.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vercelPath = path.join(root, 'vercel.json');
const config = JSON.parse(readFileSync(vercelPath, 'utf8')) as VercelJson;
const buildDir = path.join(root, 'build');
const built = existsSync(path.join(buildDir, 'sitemap.xml'));

describe('vercel.json', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const schemas = {
    redirects: redirectsSchema,
    headers: headersSchema,
    cleanUrls: cleanUrlsSchema,
    trailingSlash: trailingSlashSchema,
  };
  for (const [key, schema] of Object.entries(schemas)) {
    it(`"${key}" is valid against Vercel's schema`, () => {
      const validate = ajv.compile(schema);
      const value = (config as Record<string, unknown>)[key];
      expect(value, `vercel.json sets "${key}"`).toBeDefined();
      const ok = validate(value);
      expect(ok ? [] : ajv.errorsText(validate.errors, { dataVar: key }).split(', ')).toEqual([]);
    });
  }

  it('turns into routes without an error (as `vercel build` does)', () => {
    const { error, routes } = getTransformedRoutes(config);
    expect(error).toBeNull();
    expect(routes?.length).toBeGreaterThan(0);
  });

  it('declares the schema, the framework and the output directory', () => {
    expect(config.$schema).toBe('https://openapi.vercel.sh/vercel.json');
    expect(config.framework).toBe('docusaurus-2');
    expect(config.outputDirectory).toBe('build');
  });

  it('builds only after the doctests pass', () => {
    const steps = (config.buildCommand ?? '').split('&&').map((s) => s.trim());
    const doctest = steps.indexOf('npm run doctest');
    const build = steps.indexOf('npm run build');
    expect(doctest, 'buildCommand runs `npm run doctest`').toBeGreaterThanOrEqual(0);
    expect(build, 'buildCommand runs `npm run build`').toBeGreaterThan(doctest);
  });

  it('serves URLs the way Docusaurus emits them (cleanUrls + trailingSlash)', () => {
    // Docusaurus trailingSlash:false writes `page.html` and links `/page`;
    // Vercel serves that with cleanUrls:true and trailingSlash:false.
    expect(docusaurusConfig.trailingSlash).toBe(false);
    expect(config.cleanUrls).toBe(true);
    expect(config.trailingSlash).toBe(false);
  });

  it('sets the security headers on every path and immutable caching on hashed assets', () => {
    const all = config.headers?.find((h) => h.source === '/(.*)');
    const keys = new Set(all?.headers.map((h) => h.key.toLowerCase()));
    for (const key of [
      'content-security-policy',
      'x-content-type-options',
      'referrer-policy',
      'permissions-policy',
    ]) {
      expect(keys.has(key), key).toBe(true);
    }
    const assets = config.headers?.find((h) => h.source.startsWith('/assets/'));
    expect(assets?.headers).toContainEqual({
      key: 'Cache-Control',
      value: 'public, max-age=31536000, immutable',
    });
  });

  it('keeps every redirect source distinct and away from a real page', () => {
    const sources = (config.redirects ?? []).map((r) => r.source);
    expect(new Set(sources).size).toBe(sources.length);
  });
});

describe.skipIf(!built)(
  'vercel.json against the built site (skipped: no build/, run `npm run build`)',
  () => {
    const pages = built
      ? [
          ...readFileSync(path.join(buildDir, 'sitemap.xml'), 'utf8').matchAll(
            /<loc>([^<]+)<\/loc>/g,
          ),
        ].map((m) => new URL(m[1] ?? '').pathname)
      : [];
    const site = routesFromVercelJson(vercelPath);

    it('serves every sitemap page with a 200 through Vercel routing', () => {
      for (const page of pages) {
        const { final, chain } = followRedirects(site, buildDir, page);
        expect(chain, `${page} is served without a redirect`).toEqual([page]);
        expect(final.kind, page).toBe('file');
      }
    });

    for (const rule of config.redirects ?? []) {
      it(`redirect ${rule.source} → ${rule.destination} ends on a page that exists`, () => {
        const examples = redirectExamples(rule, pages);
        expect(examples.length, `an old URL matching ${rule.source}`).toBeGreaterThan(0);
        for (const example of examples) {
          const { final, chain } = followRedirects(site, buildDir, example);
          expect(chain.length, `${example} redirects`).toBeGreaterThan(1);
          expect(final.kind, `${chain.join(' → ')}`).toBe('file');
          expect(pages, chain.join(' → ')).toContain(chain.at(-1));
        }
      });
    }

    it('answers 404 with the site’s 404 page for an unknown path, with the headers', () => {
      const { final } = followRedirects(site, buildDir, '/no/such/page');
      expect(final.kind).toBe('not-found');
      expect(final.headers['Content-Security-Policy']).toBeDefined();
    });
  },
);

// `npx tsx scripts/site/vercel-build.mts` writes what Vercel's own CLI makes
// of vercel.json; the routes the local server uses must be the same ones.
const buildOutput = path.join(root, '.vercel', 'output', 'config.json');
describe.skipIf(!existsSync(buildOutput))(
  'vercel build output (skipped: run `npx tsx scripts/site/vercel-build.mts` to produce it)',
  () => {
    it('contains exactly the routes @vercel/routing-utils makes of vercel.json, in order', () => {
      const boa = JSON.parse(readFileSync(buildOutput, 'utf8')) as { routes: object[] };
      const ours = getTransformedRoutes(config).routes ?? [];
      const first = JSON.stringify(ours[0]);
      const start = boa.routes.findIndex((r) => JSON.stringify(r) === first);
      expect(start, 'our first route appears in the Build Output').toBeGreaterThanOrEqual(0);
      expect(boa.routes.slice(start, start + ours.length)).toEqual(ours);
    });
  },
);
