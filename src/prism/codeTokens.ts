// Syntax highlighting at build time. Each code fence is tokenized here, in
// Node, with the Prism that prism-react-renderer ships (plus Prism's bash
// grammar), and the lines of tokens travel with the fence to the page
// (src/remark/codeTokens.ts). The browser then renders the tokens it is given
// (src/theme/CodeBlock/Content) and never loads or runs Prism: no grammar
// set-up before hydration, no tokenizing while hydrating.
import { createRequire } from 'node:module';
import { Prism, normalizeTokens } from 'prism-react-renderer';

/** One token on the wire: `[types joined by spaces, text]`, a third `1` when the line is empty. */
export type WireToken = [string, string] | [string, string, 1];
export type WireLines = WireToken[][];

/** Languages beyond prism-react-renderer's own that the pages use (from Prism's components). */
export const EXTRA_LANGUAGES = ['bash'] as const;

let loaded = false;
function grammars(): typeof Prism.languages {
  if (!loaded) {
    // Prism's component files extend the global `Prism`; point it at
    // prism-react-renderer's instance while they load, as the classic theme does.
    const require = createRequire(import.meta.url);
    const before = (globalThis as { Prism?: unknown }).Prism;
    (globalThis as { Prism?: unknown }).Prism = Prism;
    try {
      for (const language of EXTRA_LANGUAGES) require(`prismjs/components/prism-${language}`);
    } finally {
      if (before === undefined) delete (globalThis as { Prism?: unknown }).Prism;
      else (globalThis as { Prism?: unknown }).Prism = before;
    }
    loaded = true;
  }
  return Prism.languages;
}

/** Prism's tokens of `code` in `language`, line by line, as the theme's Highlight makes them. */
export function tokenLines(code: string, language: string): WireLines {
  const grammar = grammars()[language.toLowerCase()];
  const tokens = grammar ? Prism.tokenize(code, grammar) : [code];
  return normalizeTokens(tokens).map((line) =>
    line.map((token): WireToken => {
      const types = token.types.join(' ');
      return token.empty ? [types, token.content, 1] : [types, token.content];
    }),
  );
}
