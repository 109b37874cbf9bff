// Readable on any screen: on every page at 1280 px and at 390 px,
// - diagram text renders at 12 px or more, and a diagram wider than the column
//   scrolls sideways in a focusable box that says so;
// - no table breaks a flag, placeholder or URL inside a word, and a table
//   wider than the column scrolls in its own box with a visible hint;
// - a shell sample's long lines wrap at spaces, so nothing but a single
//   over-long token (a URL) runs off the side;
// - the page itself never scrolls sideways.
// At 390 px each diagram and table is saved as a screenshot under
// test-results/readability/ (a test artefact, not in git).
import path from 'node:path';
import { expect, guideRoutes, renderDiagrams, root, test, waitForHydration } from './site';

const viewports = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
} as const;

const MIN_TEXT_PX = 12;

for (const route of guideRoutes()) {
  for (const [device, viewport] of Object.entries(viewports)) {
    test(`readable at ${viewport.width} px: ${route}`, async ({ page }, testInfo) => {
      await page.setViewportSize(viewport);
      await page.goto(route);
      await waitForHydration(page);
      const diagrams = await renderDiagrams(page);

      // The page never scrolls sideways.
      const pageOverflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(pageOverflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);

      // Diagrams: the smallest text at its rendered size; a wide one scrolls.
      const diagramFacts = await page.evaluate(() =>
        [...document.querySelectorAll('[data-mermaid-lazy] svg')].map((svg) => {
          const s = svg as SVGSVGElement;
          const viewBox = s.viewBox.baseVal;
          const rendered = s.getBoundingClientRect().width;
          const scale = viewBox && viewBox.width ? rendered / viewBox.width : 1;
          const sizes = [...s.querySelectorAll('text, foreignObject div, foreignObject span')]
            .filter((el) => (el.textContent ?? '').trim() !== '')
            .map((el) => parseFloat(getComputedStyle(el).fontSize) * scale);
          const box = s.closest('[data-scroll-box]');
          const scroller = box?.querySelector(':scope > div > div') as HTMLElement | null;
          return {
            smallest: sizes.length ? Math.min(...sizes) : Infinity,
            labels: sizes.length,
            overflows: scroller ? scroller.scrollWidth > scroller.clientWidth + 1 : false,
            hint: Boolean(box?.querySelector('[data-scroll-hint]')),
            focusable: scroller?.tabIndex === 0,
          };
        }),
      );
      expect(diagramFacts).toHaveLength(diagrams);
      diagramFacts.forEach((d, i) => {
        expect(d.labels, `diagram ${i + 1} has text`).toBeGreaterThan(0);
        expect(d.smallest, `diagram ${i + 1}: smallest text in px`).toBeGreaterThanOrEqual(
          MIN_TEXT_PX,
        );
        if (d.overflows) {
          expect(d.hint, `diagram ${i + 1} scrolls without a hint`).toBe(true);
          expect(d.focusable, `diagram ${i + 1} scrolls but cannot take focus`).toBe(true);
        }
      });

      // Tables: no code broken over lines; a wide table scrolls with a hint.
      const tableFacts = await page.evaluate(() =>
        [...document.querySelectorAll('.markdown table')].map((table) => {
          const broken = [...table.querySelectorAll('code')]
            .filter((c) => c.getClientRects().length > 1)
            .map((c) => c.textContent);
          const box = table.closest('[data-scroll-box="table"]');
          const scroller = table.parentElement as HTMLElement;
          return {
            head: (table.querySelector('th')?.textContent ?? '').trim(),
            broken,
            wrapped: Boolean(box),
            overflows: scroller.scrollWidth > scroller.clientWidth + 1,
            hint: Boolean(box?.querySelector('[data-scroll-hint]')),
            focusable: scroller.tabIndex === 0,
          };
        }),
      );
      for (const t of tableFacts) {
        expect(t.broken, `table "${t.head}": code broken inside a word`).toEqual([]);
        expect(t.wrapped, `table "${t.head}" is not in a scroll box`).toBe(true);
        if (t.overflows) {
          expect(t.hint, `table "${t.head}" scrolls without a hint`).toBe(true);
          expect(t.focusable, `table "${t.head}" scrolls but cannot take focus`).toBe(true);
        }
      }

      // Shell samples: only a token longer than the line may run off the side.
      const codeFacts = await page.evaluate(() => {
        const probe = document.createElement('span');
        return [
          ...document.querySelectorAll(
            'pre[class*="language-bash"], pre[class*="language-sh"], pre[class*="language-shell"]',
          ),
        ].map((pre) => {
          const code = pre.querySelector('code') as HTMLElement;
          code.appendChild(probe);
          probe.textContent = 'M'.repeat(10);
          const charWidth = probe.getBoundingClientRect().width / 10;
          probe.remove();
          const text = code.innerText;
          const longest = Math.max(...text.split(/\s+/).map((t) => t.length));
          const style = getComputedStyle(pre);
          const inner =
            pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          return {
            first: text.split('\n')[0],
            overflows: pre.scrollWidth > pre.clientWidth + 1,
            tokenWider: longest * charWidth > inner,
          };
        });
      });
      for (const c of codeFacts) {
        if (c.overflows) {
          expect(
            c.tokenWider,
            `"${c.first}": a line runs off the side although it could wrap`,
          ).toBe(true);
        }
      }

      // Screenshots of each diagram and table at 390 px.
      if (device === 'mobile') {
        const dir = path.join(root, 'test-results', 'readability');
        const slug = route.replace(/^\//, '').replace(/\//g, '__');
        // The sticky navbar would cover the top of an element screenshot.
        await page.addStyleTag({ content: '.navbar { position: static !important; }' });
        const boxes = page.locator('[data-scroll-box]');
        for (let i = 0; i < (await boxes.count()); i++) {
          const box = boxes.nth(i);
          // Tables in the IdP tabs that are not selected are hidden.
          if (!(await box.isVisible())) continue;
          const kind = await box.getAttribute('data-scroll-box');
          const name = `${slug}--390--${kind}-${i + 1}.png`;
          const file = path.join(dir, name);
          await box.scrollIntoViewIfNeeded();
          await box.screenshot({ path: file });
          await testInfo.attach(name, { path: file, contentType: 'image/png' });
        }
      }
    });
  }
}
