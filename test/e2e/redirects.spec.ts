// Every vercel.json redirect, through the same routing Vercel applies, lands
// on a page that exists; every old URL of a moved page keeps working.
import { expect, sitemapRoutes, test, vercelJson, waitForHydration } from './site';
import { redirectExamples } from './redirects';

const pages = sitemapRoutes();

for (const rule of vercelJson().redirects ?? []) {
  test(`redirect ${rule.source} → ${rule.destination} lands on a page that exists`, async ({
    page,
    request,
  }) => {
    const examples = redirectExamples(rule, pages);
    expect(examples.length, `an old URL that ${rule.source} matches`).toBeGreaterThan(0);
    for (const example of examples) {
      const first = await request.get(example, { maxRedirects: 0 });
      expect([301, 302, 307, 308], `${example} redirects`).toContain(first.status());
      const response = await page.goto(example);
      expect(response?.status(), `${example} ends on 200`).toBe(200);
      const landed = new URL(page.url()).pathname;
      expect(pages, `${example} → ${landed} is a page of the site`).toContain(landed);
      await waitForHydration(page);
    }
  });
}
