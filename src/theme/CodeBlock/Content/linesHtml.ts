// The markup of a code block's lines as one HTML string, the same markup the
// theme's Line component renders (@docusaurus/theme-classic
// lib/theme/CodeBlock/Line): a `div.token-line` per line, a
// `span.token.<types>` per token, a `<br>` closing each line, and an empty
// line's single token kept at its height with `display:inline-block` (as
// prism-react-renderer's getTokenProps does). The content component hands it
// to React as `dangerouslySetInnerHTML`, so hydration adopts the server's
// lines without a fiber per line and token (src/theme/CodeBlock/Content).
//
// Only for lines without line classes or numbers; those keep the theme's Line.
import type { Token } from 'prism-react-renderer';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** `text` safe as HTML text or a double-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
}

function tokenHtml(token: Token, content: string): string {
  const style = token.empty ? ' style="display:inline-block"' : '';
  return `<span class="${escapeHtml(['token', ...token.types].join(' '))}"${style}>${escapeHtml(content)}</span>`;
}

/** The lines as the theme's Line renders them, one string. */
export function linesHtml(lines: Token[][]): string {
  let html = '';
  for (const line of lines) {
    // The theme's fixLineBreak: a line that is only '\n' renders empty (the <br> breaks it).
    const only = line.length === 1 && line[0]?.content === '\n' ? line[0] : undefined;
    html += '<div class="token-line">';
    html += only ? tokenHtml(only, '') : line.map((t) => tokenHtml(t, t.content)).join('');
    html += '<br></div>';
  }
  return html;
}
