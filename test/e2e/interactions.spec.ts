// What a reader does on a page: sidebar, table of contents, copy buttons,
// vendor tabs, dark mode, search, the keyboard.
import { createHash } from 'node:crypto';
import { expect, gotoHydrated, guideRoutes, test } from './site';
import type { Page } from '@playwright/test';

const guides = guideRoutes();

/** The first guide (in sidebar order of the sitemap) that has `selector`. */
async function firstGuideWith(page: Page, selector: string): Promise<string | null> {
  for (const route of guides) {
    await gotoHydrated(page, route);
    if ((await page.locator(selector).count()) > 0) return route;
  }
  return null;
}

test('the sidebar collapses and expands a category, and the TOC jumps to its heading', async ({
  page,
}) => {
  const route = await firstGuideWith(page, '.table-of-contents a');
  expect(route, 'a guide with a table of contents').not.toBeNull();
  const sidebar = page.locator('nav[aria-label="Docs sidebar"]');
  const category = sidebar.locator('.menu__list-item-collapsible').first();
  const toggle = category.locator('a, button').first();
  const items = sidebar
    .locator('.theme-doc-sidebar-item-category')
    .first()
    .locator('ul.menu__list');
  await expect(items).toBeVisible();
  await toggle.click();
  await expect(items).toBeHidden();
  await toggle.click();
  await expect(items).toBeVisible();

  const tocLinks = page.locator('.table-of-contents a');
  const last = tocLinks.last();
  const href = (await last.getAttribute('href')) ?? '';
  expect(href).toMatch(/^#/);
  await last.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  const heading = page.locator(`[id="${decodeURIComponent(href.slice(1))}"]`);
  await expect(heading).toBeInViewport();
});

test('copy buttons copy the exact text of each sample', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const route = await firstGuideWith(page, 'button[aria-label="Copy code to clipboard"]');
  expect(route, 'a guide with a code block').not.toBeNull();
  // A sample's wrapper carries the sha256 of its source text (the doctest's
  // hash); plain code blocks are checked against their rendered lines.
  const blocks = page.locator('div.sample[data-sample-hash], .theme-code-block:not(.sample *)');
  const count = await blocks.count();
  let checked = 0;
  for (let i = 0; i < count; i++) {
    const block = blocks.nth(i);
    const button = block.locator('button[aria-label="Copy code to clipboard"]');
    if ((await button.count()) === 0) continue;
    await block.hover();
    await button.click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    // The badge plugin records the hash of the sample's source text: the copy
    // must be byte-for-byte that text. Without it, compare with the shown code.
    const hash = await block.getAttribute('data-sample-hash');
    if (hash) {
      expect(createHash('sha256').update(copied).digest('hex'), `${route} block ${i + 1}`).toBe(
        hash,
      );
    } else {
      const lines = await block.locator('pre code .token-line').allTextContents();
      expect(copied, `${route} block ${i + 1}`).toBe(lines.join('\n').replace(/\n$/, ''));
    }
    checked++;
  }
  expect(checked).toBeGreaterThan(0);
});

test('vendor tabs switch, and the choice carries over to other pages', async ({ page }) => {
  test.setTimeout(180_000);
  const grouped = '.tabs-container [role="tablist"]';
  const pagesWithTabs: string[] = [];
  for (const route of guides) {
    await gotoHydrated(page, route);
    if ((await page.locator(grouped).count()) > 0) pagesWithTabs.push(route);
  }
  expect(pagesWithTabs.length, 'a guide with tabs').toBeGreaterThan(0);
  const first = pagesWithTabs[0] ?? '';
  await gotoHydrated(page, first);
  const tabs = page.locator(grouped).first().getByRole('tab');
  expect(await tabs.count()).toBeGreaterThan(1);
  const second = tabs.nth(1);
  const label = (await second.innerText()).trim();
  await second.click();
  await expect(second).toHaveAttribute('aria-selected', 'true');
  await expect(tabs.nth(0)).toHaveAttribute('aria-selected', 'false');
  const panel = page.locator('.tabs-container').first().locator('[role="tabpanel"]:not([hidden])');
  await expect(panel).toHaveCount(1);

  // Docusaurus persists a groupId's choice in localStorage: every page with
  // the same tab label opens on it.
  const other = pagesWithTabs.find((r) => r !== first) ?? first;
  await gotoHydrated(page, other);
  const same = page.locator(grouped).getByRole('tab', { name: label, exact: true }).first();
  if ((await same.count()) > 0) await expect(same).toHaveAttribute('aria-selected', 'true');
  const stored = await page.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith('docusaurus.tab.')),
  );
  expect(stored.length, 'tabs use a groupId, so the choice is stored').toBeGreaterThan(0);
});

test('dark mode switches and stays on reload', async ({ page }) => {
  await gotoHydrated(page, guides[0] ?? '/');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  const toggle = page.getByRole('button', { name: /dark and light mode|color mode/i }).first();
  // The toggle cycles (system →) light → dark; click until dark.
  for (let i = 0; i < 3; i++) {
    if ((await html.getAttribute('data-theme')) === 'dark') break;
    await toggle.click();
  }
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).not.toBe('rgb(255, 255, 255)');
});

test('the offline search finds "token exchange" and lands on the guide', async ({ page }) => {
  await gotoHydrated(page, '/');
  const input = page.locator('input.navbar__search-input');
  await input.fill('token exchange');
  const first = page.getByRole('option').first();
  await expect(first).toBeVisible();
  await expect(first).toContainText(/token exchange/i);
  await input.press('Enter');
  await expect(page).toHaveURL(/\/toolhive\/guides-(cli|k8s)\/token-exchange|\/toolhive\//);
  await expect(page.locator('h1').first()).toContainText(/token exchange/i);
});

for (const route of ['/', ...guides]) {
  test(`${route}: the keyboard reaches every interactive element`, async ({ page }) => {
    test.setTimeout(180_000);
    await gotoHydrated(page, route);
    // Tag every visible, focusable element; then Tab through the page.
    const total = await page.evaluate(() => {
      const selector =
        'a[href], button:not([disabled]), input:not([disabled]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
      let n = 0;
      for (const el of document.querySelectorAll<HTMLElement>(selector)) {
        const box = el.getBoundingClientRect();
        const hidden =
          !el.checkVisibility({ visibilityProperty: true }) ||
          box.width === 0 ||
          box.height === 0 ||
          el.closest('[inert], [aria-hidden="true"]') !== null ||
          el.tabIndex < 0;
        if (!hidden) el.dataset.kbd = String(n++);
      }
      return n;
    });
    expect(total).toBeGreaterThan(0);
    // Record focus in the page; one keyboard round trip per Tab.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __kbdSeen: string[] }).__kbdSeen = seen;
      document.addEventListener('focusin', (event) => {
        const id = (event.target as HTMLElement | null)?.dataset?.kbd;
        if (id !== undefined) seen.push(id);
      });
    });
    for (let i = 0; i < total + 30; i++) await page.keyboard.press('Tab');
    const reached = await page.evaluate(() => [
      ...new Set((window as unknown as { __kbdSeen: string[] }).__kbdSeen),
    ]);
    const missed = await page.evaluate(
      (seen) =>
        [...document.querySelectorAll<HTMLElement>('[data-kbd]')]
          .filter((el) => !seen.includes(el.dataset.kbd ?? ''))
          .map((el) => el.outerHTML.slice(0, 120)),
      reached,
    );
    expect(missed, 'elements the Tab key never reached').toEqual([]);
  });
}

test('on a phone, a code block wider than the screen offers word wrap, also one in a tab shown later', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 375, height: 812 });
  const toggle = 'button[aria-label="Toggle word wrap"]';
  // Blocks that scroll sideways, by index among the page's code blocks.
  const scrolling = (hidden: boolean) =>
    page.evaluate(
      (inHidden) =>
        [...document.querySelectorAll('.theme-code-block')].flatMap((block, i) => {
          const pre = block.querySelector('pre');
          const inHiddenTab = block.closest('[role=tabpanel][hidden]') !== null;
          if (!pre || inHiddenTab !== inHidden) return [];
          return inHidden || pre.scrollWidth > pre.clientWidth ? [i] : [];
        }),
      hidden,
    );
  let checked = 0;
  for (const route of guides) {
    await gotoHydrated(page, route);
    const blocks = page.locator('.theme-code-block');
    for (const i of await scrolling(false)) {
      const block = blocks.nth(i);
      await block.scrollIntoViewIfNeeded();
      const button = block.locator(toggle);
      await expect(button, `${route} block ${i + 1} scrolls, so it offers word wrap`).toHaveCount(
        1,
      );
      await button.click();
      await expect(block.locator('pre code')).toHaveCSS('white-space', 'pre-wrap');
      const scrolls = await block
        .locator('pre')
        .evaluate((pre) => pre.scrollWidth > pre.clientWidth);
      expect(scrolls, `${route} block ${i + 1} wrapped`).toBe(false);
      await button.click();
      await expect(block.locator('pre code')).not.toHaveAttribute('style', /pre-wrap/);
      checked++;
    }
  }
  expect(checked, 'a guide has a code block wider than 375 px').toBeGreaterThan(0);

  // A block in a hidden tab panel measures 0 wide; once its tab is shown it
  // is measured again and, if it scrolls, offers word wrap.
  let shownLater = 0;
  for (const route of guides) {
    await gotoHydrated(page, route);
    const hidden = await scrolling(true);
    if (hidden.length === 0) continue;
    const blocks = page.locator('.theme-code-block');
    for (const tab of await page.locator('.tabs-container [role="tab"]').all()) {
      if ((await tab.getAttribute('aria-selected')) === 'true') continue;
      await tab.click();
      for (const i of hidden) {
        const block = blocks.nth(i);
        if (!(await block.isVisible())) continue;
        const scrolls = await block
          .locator('pre')
          .evaluate((pre) => pre.scrollWidth > pre.clientWidth);
        await expect(block.locator(toggle), `${route} block ${i + 1}`).toHaveCount(scrolls ? 1 : 0);
        if (scrolls) shownLater++;
      }
    }
    if (shownLater > 0) break;
  }
  expect(shownLater, 'a code block in a hidden tab that scrolls once shown').toBeGreaterThan(0);
});
