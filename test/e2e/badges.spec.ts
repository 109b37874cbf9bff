// The verification shown on the pages matches reports/doctest/report.json:
// every sample has a badge, a badge says "verified" only when the report has
// that exact text (by hash) as passed, the page summary counts the badges,
// and a recorded exchange shows no token signature or secret.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, gotoHydrated, guideRoutes, root, test } from './site';

interface ReportSample {
  file: string;
  hash: string;
  status: 'passed' | 'failed' | 'skipped';
  kind?: 'run' | 'validated';
  tier: 'hermetic' | 'live';
  against: string;
}

const reportPath = path.resolve(root, process.env.DOCTEST_REPORT ?? 'reports/doctest/report.json');
const reportText = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : null;
const report = reportText ? (JSON.parse(reportText) as { samples: ReportSample[] }) : null;
const reportSha256 = reportText ? createHash('sha256').update(reportText).digest('hex') : null;

/** What the badge must say for a sample, read straight from the report. */
function expectedKind(file: string, hash: string): string {
  if (!report) return 'no-report';
  const entries = report.samples.filter((s) => s.file === file && s.hash === hash);
  if (entries.length === 0) return 'unverified';
  if (entries.some((s) => s.status === 'failed')) return 'failed';
  if (entries.some((s) => s.status === 'passed')) return 'verified';
  if (entries.some((s) => s.kind === 'validated')) return 'validated';
  return 'skipped';
}

/** The tiers that verified a sample: a badge may claim those and no other. */
function verifiedBy(file: string, hash: string): ReportSample[] {
  return (report?.samples ?? []).filter(
    (s) => s.file === file && s.hash === hash && s.status === 'passed',
  );
}

for (const route of guideRoutes()) {
  test(`${route}: each sample's badge and the page summary match the doctest report`, async ({
    page,
  }) => {
    await gotoHydrated(page, route);
    const built = page.locator('[data-verification-summary]');
    if ((await built.count()) > 0) {
      expect(
        (await built.getAttribute('data-report-sha256')) ?? null,
        `the build read another ${path.relative(root, reportPath)} than the one there now: run \`npm run build\` again`,
      ).toBe(reportSha256);
    }
    const badges = page.locator('[data-verification]');
    const count = await badges.count();
    const codeBlocks = await page.locator('.theme-code-block').count();
    const wrapped = await page.locator('[data-sample-hash] .theme-code-block').count();
    expect(wrapped, 'every code block of the page carries a badge').toBe(codeBlocks);
    const kinds: string[] = [];
    for (let i = 0; i < count; i++) {
      const badge = badges.nth(i);
      const file = (await badge.getAttribute('data-sample-file')) ?? '';
      const hash = (await badge.getAttribute('data-sample-hash')) ?? '';
      const kind = (await badge.getAttribute('data-verification')) ?? '';
      expect(kind, `${file} sample ${hash.slice(0, 12)}`).toBe(expectedKind(file, hash));
      if (kind === 'verified') {
        await expect(badge).toContainText(/Verified.*commit [0-9a-f]{7}/);
        const by = verifiedBy(file, hash);
        const text = (await badge.textContent()) ?? '';
        // a live claim only where the live tier ran the sample, with its thv version
        const live = by.find((s) => s.tier === 'live');
        if (live) expect(text).toContain(`verified with ${live.against}`);
        else expect(text).not.toMatch(/with thv v/);
        if (by.some((s) => s.tier === 'hermetic'))
          expect(text).toContain('against the reference proxy (hermetic)');
      }
      if (kind === 'validated') await expect(badge).toContainText('validated, not run');
      if (kind === 'no-report') await expect(badge).toContainText('no doctest report');
      kinds.push(kind);
    }
    // The hash is of the text shown: an edited sample gets another hash.
    const wrappers = page.locator('[data-sample-hash]:has(.theme-code-block)');
    for (let i = 0; i < (await wrappers.count()); i++) {
      const wrapper = wrappers.nth(i);
      const lines = await wrapper.locator('pre code .token-line').allTextContents();
      const text = lines.join('\n').replace(/\n$/, '');
      const hash = createHash('sha256').update(text).digest('hex');
      expect(await wrapper.getAttribute('data-sample-hash')).toBe(hash);
    }
    if (count === 0) return;
    const summary = page.locator('[data-verification-summary]');
    await expect(summary).toHaveCount(1);
    const verified = kinds.filter((k) => k === 'verified').length;
    await expect(summary).toContainText(`${verified} of ${count} samples verified`);
    if (!report) await expect(summary).toContainText('no doctest report');
    const tiers = (report as { tiers?: { tier: string; status: string }[] } | null)?.tiers ?? [];
    if (tiers.find((t) => t.tier === 'live')?.status !== 'passed')
      await expect(summary).not.toContainText('with thv v');
  });
}

test('a badge is a mark and a word; its detail shows on keyboard focus and is its description', async ({
  page,
}) => {
  const [route] = guideRoutes();
  await gotoHydrated(page, route as string);
  const badge = page.locator('[data-verification]').first();
  const detail = badge.locator('[role="tooltip"]');
  const id = await detail.getAttribute('id');
  expect(await badge.getAttribute('aria-describedby')).toBe(id);
  const hidden = await detail.boundingBox();
  expect(hidden?.width ?? 0).toBeLessThanOrEqual(1);
  await badge.focus();
  const shown = await detail.boundingBox();
  expect(shown?.width ?? 0).toBeGreaterThan(40);
});

test('a recorded exchange shows requests and claims with signatures and secrets redacted', async ({
  page,
}) => {
  const found: string[] = [];
  for (const route of guideRoutes()) {
    await gotoHydrated(page, route);
    const recordings = page.locator('[data-recorded-exchange]');
    for (let i = 0; i < (await recordings.count()); i++) {
      found.push(route);
      const recording = recordings.nth(i);
      const text = await recording.innerText();
      expect(text, 'no JWT with a signature').not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{10,}/);
      expect(text).not.toMatch(/mock-only-[\w-]*secret/);
      if ((await recording.getAttribute('data-recorded-exchange')) === 'present') {
        const calls = recording.locator('ol li');
        expect(await calls.count()).toBeGreaterThan(0);
      }
    }
  }
  // The recording appears once, on the concept page, collapsed; the guides
  // link to it.
  expect([...new Set(found)]).toEqual(['/toolhive/concepts/backend-auth']);
  // The concept page runs a verify step: a report of a run that included it
  // holds its recording, and the opened <details> must show it.
  const ran = new Set((report as { pages?: { page: string }[] } | null)?.pages?.map((p) => p.page));
  const concept = '/toolhive/concepts/backend-auth';
  await gotoHydrated(page, concept);
  const details = page.locator('details', { has: page.locator('[data-recorded-exchange]') });
  await expect(details).toHaveCount(1);
  expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
  await details.locator('summary').click();
  if (ran.has(`docs${concept}.mdx`)) {
    await expect(page.locator('[data-recorded-exchange="present"]')).toBeVisible();
  }
});
