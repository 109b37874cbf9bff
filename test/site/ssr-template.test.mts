// The page template (src/ssrTemplate.ts) is Docusaurus's own with one change:
// the entry scripts are preload links, started by a constant inline script at
// the end of <body>. When a Docusaurus upgrade changes its template, this
// fails, so the copy is brought up to date.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ssrTemplate } from '../../src/ssrTemplate.ts';

const require = createRequire(import.meta.url);
const docusaurusTemplate = (
  require('@docusaurus/core/lib/ssg/ssgTemplate.html.js') as { default: string }
).default;

const PRELOAD =
  '<link rel="preload" as="script" fetchpriority="low" href="<%= it.baseUrl %><%= script %>" data-start-script />';
const DEFER = '<script src="<%= it.baseUrl %><%= script %>" defer></script>';

describe('page template', () => {
  it("is Docusaurus's with the entry scripts preloaded and started at the end of <body>", () => {
    expect(ssrTemplate).toContain(PRELOAD);
    expect(docusaurusTemplate).toContain(DEFER);
    const starter = /\n {4}<script>[^<]*<\/script>\n(?= {2}<\/body>)/.exec(ssrTemplate);
    expect(starter, 'the starter is the last element of <body>').not.toBeNull();
    const undone = ssrTemplate.replace(PRELOAD, DEFER).replace(starter?.[0] ?? '', '\n');
    expect(undone).toBe(docusaurusTemplate);
  });

  it('starts the preloaded scripts in order (async = false), with their href as src', () => {
    expect(ssrTemplate).toContain('link[data-start-script]');
    expect(ssrTemplate).toContain('s.async=false');
    expect(ssrTemplate).toContain('s.src=l.getAttribute("href")');
    expect(ssrTemplate).toMatch(/requestAnimationFrame\(function\(\)\{setTimeout\(start,0\)\}\)/);
  });
});
