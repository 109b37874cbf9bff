// How a page starts (src/ssrTemplate.ts): the entry scripts (React, the runtime,
// main) are fetched from preload links in <head> and started only after the
// first frame is rendered, in document order, and the page then hydrates.
import { expect, guideRoutes, test } from './site';

const route = guideRoutes()[0] ?? '/';

test(`${route}: the entry scripts start after the first paint, in document order, and the page hydrates`, async ({
  page,
}) => {
  // Before any page script: count the frames the browser renders (a
  // requestAnimationFrame callback runs in each, just before its paint) and
  // note how many there were when each script element is inserted.
  await page.addInitScript(() => {
    let frames = 0;
    const count = (): void => {
      frames++;
      if (frames < 5) requestAnimationFrame(count);
    };
    requestAnimationFrame(count);
    const inserted: { src: string; frames: number }[] = [];
    (window as unknown as { inserted: typeof inserted }).inserted = inserted;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node instanceof HTMLScriptElement && node.src) {
            inserted.push({ src: new URL(node.src).pathname, frames });
          }
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const response = await page.goto(route);
  expect(response?.status()).toBe(200);
  await page.waitForFunction(() => document.documentElement.dataset.hasHydrated === 'true');

  const html = (await response?.text()) ?? '';
  const head = html.slice(0, html.indexOf('</head>'));
  expect(head, 'no script element in <head> runs before the first paint').not.toMatch(
    /<script[^>]*\ssrc=/,
  );
  const preloaded = [...head.matchAll(/<link[^>]*data-start-script[^>]*>/g)].map(
    (m) => /href=["']?([^"'\s>]+)/.exec(m[0])?.[1] ?? '',
  );
  expect(preloaded.some((src) => /\/main\.[0-9a-f]+\.js$/.test(src))).toBe(true);
  // React is an entry script of its own (src/plugins/entry-chunks), so
  // neither it nor main.js is one long task.
  expect(preloaded.some((src) => /\/react\.[0-9a-f]+\.js$/.test(src))).toBe(true);

  const inserted = await page.evaluate(
    () => (window as unknown as { inserted: { src: string; frames: number }[] }).inserted,
  );
  const entry = inserted.filter((s) => preloaded.includes(s.src));
  expect(
    entry.map((s) => s.src),
    'each preloaded script started once, in order',
  ).toEqual(preloaded);
  for (const s of entry) {
    expect(s.frames, `${s.src} inserted after the first frame was rendered`).toBeGreaterThan(0);
  }
});
