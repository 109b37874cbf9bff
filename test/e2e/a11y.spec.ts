// axe-core on every route, light and dark: no serious or critical violation.
import AxeBuilder from '@axe-core/playwright';
import { expect, renderDiagrams, sitemapRoutes, test, waitForHydration } from './site';

for (const theme of ['light', 'dark'] as const) {
  for (const route of sitemapRoutes()) {
    test(`${route} (${theme}) has no serious or critical axe violation`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(route);
      await waitForHydration(page);
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      // Diagrams render client-side when scrolled to: render all, then scan.
      await renderDiagrams(page);
      await page.waitForLoadState('networkidle');
      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
        .analyze();
      const blocking = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({
          rule: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
        }));
      expect(blocking, `${route} in ${theme} mode`).toEqual([]);
    });
  }
}
