// Code highlighted at build time: the tokens the remark plugin ships, the
// lines the browser renders from them, and the stylesheet that colours them.
import { describe, expect, it } from 'vitest';
import { themes } from 'prism-react-renderer';
import { tokenLines } from '../../src/prism/codeTokens.ts';
import { linesOf } from '../../src/theme/CodeBlock/Content/buildTokens.ts';
import { linesHtml } from '../../src/theme/CodeBlock/Content/linesHtml.ts';
import { codeThemeCss, themeCss } from '../../src/plugins/code-highlight/index.ts';
import { withAaContrast } from '../../src/prism/accessibleTheme.ts';

const bash = 'curl -s "https://idp.example/token" \\\n  | jq .access_token\n\necho done';

describe('build-time tokens', () => {
  it('tokenizes bash with Prism grammar (a command, a flag, a string)', () => {
    const lines = tokenLines(bash, 'bash');
    expect(lines).toHaveLength(4);
    expect(lines[0]?.[0]).toEqual(['function', 'curl']);
    expect(lines[0]).toContainEqual(['parameter variable', '-s']);
    expect(lines[0]).toContainEqual(['string', '"https://idp.example/token"']);
    expect(lines[2]).toEqual([['plain', '\n', 1]]);
  });

  it('gives a language without a grammar one plain token per line', () => {
    expect(tokenLines('a b\nc', 'text')).toEqual([[['plain', 'a b']], [['plain', 'c']]]);
  });

  it('renders the tokens when they spell the shown code', () => {
    const lines = linesOf(JSON.stringify(tokenLines(bash, 'bash')), bash);
    expect(lines[0]?.[0]).toEqual({ types: ['function'], content: 'curl' });
    const text = lines.map((l) => l.map((t) => (t.empty ? '' : t.content)).join('')).join('\n');
    expect(text).toBe(bash);
  });

  it('shows plain lines when the tokens are for other text, missing or unreadable', () => {
    const wire = JSON.stringify(tokenLines(bash, 'bash'));
    for (const lines of [
      linesOf(wire, 'echo other'),
      linesOf(undefined, 'echo other'),
      linesOf('{', 'echo other'),
    ]) {
      expect(lines).toEqual([[{ types: ['plain'], content: 'echo other' }]]);
    }
  });
});

describe('lines as one HTML string (the theme Line markup)', () => {
  const lines = linesOf(JSON.stringify(tokenLines(bash, 'bash')), bash);
  const html = linesHtml(lines);
  /** The text a browser shows for the markup: tags dropped, entities read, one line per div. */
  const shown = (markup: string): string[] =>
    [...markup.matchAll(/<div class="token-line">(.*?)<br><\/div>/g)].map((m) =>
      (m[1] ?? '')
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    );

  it('has one div.token-line per line, closed by <br>, spelling the code', () => {
    expect(html.match(/<div class="token-line">/g)).toHaveLength(4);
    expect(shown(html)).toEqual(bash.split('\n'));
  });

  it('puts each token in span.token with its types', () => {
    expect(html).toContain('<span class="token function">curl</span>');
    expect(html).toContain('<span class="token parameter variable">-s</span>');
  });

  it('keeps an empty line at its height, with no text (the theme drops its newline)', () => {
    expect(html).toContain(
      '<div class="token-line"><span class="token plain" style="display:inline-block"></span><br></div>',
    );
  });

  it('escapes markup in the code, so it shows as text', () => {
    const code = 'echo "<b>a & b</b>" > out.txt';
    const markup = linesHtml(linesOf(JSON.stringify(tokenLines(code, 'bash')), code));
    expect(markup).not.toContain('<b>');
    expect(shown(markup)).toEqual([code]);
  });
});

describe('code theme stylesheet', () => {
  const light = withAaContrast(themes.oneLight);
  const dark = withAaContrast(themes.oneDark);
  const css = codeThemeCss({ light, dark });

  it('carries every token colour of both themes, each under its mode', () => {
    for (const [theme, scope] of [
      [light, ":root:not([data-theme='dark'])"],
      [dark, "[data-theme='dark']"],
    ] as const) {
      const own = themeCss(theme, scope);
      expect(css).toContain(own);
      for (const entry of theme.styles) {
        if (entry.style.color) expect(own).toContain(`color:${entry.style.color}`);
      }
      expect(own).toContain(`${scope}{--prism-color:${theme.plain.color}`);
    }
  });

  it('writes a later theme entry after an earlier one, so it wins as in prism-react-renderer', () => {
    const theme = {
      plain: {},
      styles: [
        { types: ['punctuation'], style: { color: '#111111' } },
        { types: ['punctuation'], style: { color: '#222222' } },
      ],
    };
    const own = themeCss(theme, '.x');
    expect(own.indexOf('#111111')).toBeLessThan(own.indexOf('#222222'));
  });
});
