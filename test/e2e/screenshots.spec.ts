// Screenshots of each guide (desktop and mobile, light and dark), kept as test
// artifacts under test-results/screenshots/ so a reviewer can look without
// building the site.
import path from 'node:path';
import { expect, guideRoutes, renderDiagrams, root, test, waitForHydration } from './site';

const viewports = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 375, height: 812 },
} as const;

for (const route of guideRoutes()) {
  for (const [device, viewport] of Object.entries(viewports)) {
    for (const theme of ['light', 'dark'] as const) {
      test(`screenshot ${route} ${device} ${theme}`, async ({ page }, testInfo) => {
        await page.setViewportSize(viewport);
        await page.emulateMedia({ colorScheme: theme });
        await page.goto(route);
        await waitForHydration(page);
        await renderDiagrams(page);
        await page.waitForLoadState('networkidle');
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
        const name = `${route.replace(/^\//, '').replace(/\//g, '__')}--${device}-${theme}.png`;
        const file = path.join(root, 'test-results', 'screenshots', name);
        await page.screenshot({ path: file, fullPage: true });
        await testInfo.attach(name, { path: file, contentType: 'image/png' });
      });
    }
  }
}
