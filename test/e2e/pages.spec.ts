// Every page of the built site, as a reader's browser sees it.
import {
  expect,
  gotoHydrated,
  guideRoutes,
  mermaidBlocks,
  renderDiagrams,
  sitemapRoutes,
  test,
  vercelJson,
} from './site';
import { sourceToRegex } from '@vercel/routing-utils';

const routes = sitemapRoutes();

/** vercel.json's headers that apply to `route`, in file order. */
function expectedHeaders(route: string): Map<string, string> {
  const expected = new Map<string, string>();
  for (const rule of vercelJson().headers ?? []) {
    if (new RegExp(sourceToRegex(rule.source).src).test(route)) {
      for (const { key, value } of rule.headers) expected.set(key.toLowerCase(), value);
    }
  }
  return expected;
}

for (const route of routes) {
  test(`${route} loads with no console error or failed request, with vercel.json's headers`, async ({
    page,
  }) => {
    const response = await page.goto(route);
    expect(response?.status()).toBe(200);
    await page.waitForFunction(() => document.documentElement.dataset.hasHydrated === 'true');
    const headers = response?.headers() ?? {};
    const expected = expectedHeaders(route);
    expect(expected.has('content-security-policy')).toBe(true);
    for (const [key, value] of expected) expect(headers[key], key).toBe(value);
    await expect(page.locator('h1').first()).toBeVisible();
  });

  test(`${route} has no horizontal scroll at 375 px`, async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 812 });
    await gotoHydrated(page, route);
    const overflow = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(overflow.scroll, 'page width at a 375 px viewport').toBeLessThanOrEqual(overflow.client);
  });
}

test('hashed assets carry the immutable cache header and compress', async ({ page, request }) => {
  await gotoHydrated(page, '/');
  const script = await page.locator('script[src^="/assets/js/"]').first().getAttribute('src');
  expect(script).toBeTruthy();
  const response = await request.get(script ?? '', { headers: { 'Accept-Encoding': 'br, gzip' } });
  expect(response.headers()['cache-control']).toBe(
    expectedHeaders(script ?? '').get('cache-control'),
  );
  expect(response.headers()['content-encoding']).toMatch(/^(br|gzip)$/);
});

test('every mermaid diagram renders as SVG', async ({ page }) => {
  // Mermaid renders in the browser, after hydration: count the diagrams in
  // each page's source and wait for as many SVGs.
  let total = 0;
  for (const route of guideRoutes()) {
    const diagrams = mermaidBlocks(route);
    if (diagrams === 0) continue;
    total += diagrams;
    await gotoHydrated(page, route);
    expect(await renderDiagrams(page), `${route}: diagrams on the page`).toBe(diagrams);
    const svgs = page.locator('.docusaurus-mermaid-container svg');
    await expect(svgs, `${route}: ${diagrams} diagram(s) as SVG`).toHaveCount(diagrams);
    await expect(svgs.first()).toBeVisible();
  }
  expect(total, 'at least one guide has a mermaid diagram').toBeGreaterThan(0);
});

test('the sidebar reaches every guide', async ({ page }) => {
  await gotoHydrated(page, guideRoutes()[0] ?? '/');
  const sidebar = page.locator('nav[aria-label="Docs sidebar"]');
  for (const route of guideRoutes()) {
    const link = sidebar.locator(`a[href="${route}"]`);
    await expect(link, `sidebar link to ${route}`).toBeVisible();
    await link.click();
    await expect(page).toHaveURL(new RegExp(`${route}$`));
    await expect(sidebar.locator(`a[href="${route}"]`)).toHaveAttribute('aria-current', 'page');
  }
});
