// Shared helpers for the browser tests: the site's routes (from the built
// sitemap), a page fixture that fails a test on any console error, page error
// or failed request, and waiting for React hydration.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Page, type Request } from '@playwright/test';

export const root = path.resolve(__dirname, '../..');
export const buildDir = path.join(root, 'build');

/** Paths of every page in build/sitemap.xml (`/`, `/toolhive/...`). */
export function sitemapRoutes(): string[] {
  const file = path.join(buildDir, 'sitemap.xml');
  if (!existsSync(file)) {
    throw new Error(`${file} not found: run \`npm run build\` before \`npm run test:e2e\``);
  }
  const xml = readFileSync(file, 'utf8');
  const routes = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1] ?? '').pathname);
  if (routes.length === 0) throw new Error(`${file}: no <loc> entries`);
  return routes;
}

/** The guide pages (every docs route), without the landing and search pages. */
export function guideRoutes(): string[] {
  return sitemapRoutes().filter((r) => r.startsWith('/toolhive/'));
}

/** The MDX source of a docs route (`/toolhive/a/b` → docs/toolhive/a/b.mdx). */
export function sourceOf(route: string): string {
  return path.join(root, 'docs', `${route.replace(/^\//, '')}.mdx`);
}

/** How many mermaid fences a page shows (its own source plus imported partials). */
export function mermaidBlocks(route: string): number {
  const file = sourceOf(route);
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8');
  let count = (text.match(/^\s*```mermaid\b/gm) ?? []).length;
  for (const m of text.matchAll(/^import\s+\w+\s+from\s+'(\.[^']+\.mdx)';?$/gm)) {
    const partial = path.resolve(path.dirname(file), m[1] ?? '');
    if (existsSync(partial)) {
      count += (readFileSync(partial, 'utf8').match(/^\s*```mermaid\b/gm) ?? []).length;
    }
  }
  return count;
}

export interface VercelHeaderRule {
  source: string;
  headers: { key: string; value: string }[];
}

export function vercelJson(): {
  redirects?: { source: string; destination: string; permanent?: boolean; statusCode?: number }[];
  headers?: VercelHeaderRule[];
} {
  return JSON.parse(readFileSync(path.join(root, 'vercel.json'), 'utf8'));
}

export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.hasHydrated === 'true');
}

export async function gotoHydrated(page: Page, route: string): Promise<void> {
  const response = await page.goto(route);
  expect(response?.status(), `${route} answers 200`).toBe(200);
  await waitForHydration(page);
}

/**
 * Mermaid diagrams load when they come near the viewport (src/theme/Mermaid):
 * scroll to each and wait until all are SVG. Returns how many there are.
 */
export async function renderDiagrams(page: Page): Promise<number> {
  const slots = page.locator('[data-mermaid-lazy]');
  const count = await slots.count();
  for (let i = 0; i < count; i++) await slots.nth(i).scrollIntoViewIfNeeded();
  await expect(page.locator('[data-mermaid-lazy] .docusaurus-mermaid-container svg')).toHaveCount(
    count,
  );
  await page.evaluate(() => window.scrollTo(0, 0));
  return count;
}

interface Problems {
  list: string[];
}

/**
 * `page` that records console errors, uncaught exceptions, failed requests and
 * HTTP errors, and fails the test when any happened.
 */
export const test = base.extend<{ problems: Problems }>({
  problems: [
    async ({ page }, use) => {
      const problems: Problems = { list: [] };
      // Which document each request belongs to, counted by main-frame
      // navigations: a request of a page being left, aborted by leaving it, is
      // nobody's problem (Docusaurus's Link prefetches a route's chunks when
      // the link comes into view, and the next goto cuts them short). Until
      // the new document commits, the old one still runs and may start more.
      let navigation = 0;
      let committing = false;
      const startedUnder = new WeakMap<Request, number>();
      page.on('request', (request) => {
        if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
          navigation++;
          committing = true;
        } else startedUnder.set(request, committing ? navigation - 1 : navigation);
      });
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) committing = false;
      });
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.list.push(`console error: ${msg.text()}`);
      });
      page.on('pageerror', (error) => problems.list.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) => {
        const error = request.failure()?.errorText;
        const left = (startedUnder.get(request) ?? navigation) < navigation;
        if (error === 'net::ERR_ABORTED' && left) return;
        problems.list.push(`request failed: ${request.url()} (${error ?? 'unknown'})`);
      });
      page.on('response', (response) => {
        if (response.status() >= 400) {
          problems.list.push(`HTTP ${response.status()}: ${response.url()}`);
        }
      });
      await use(problems);
      expect(problems.list, 'console errors, page errors and failed requests').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
