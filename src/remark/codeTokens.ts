// Remark plugin: every code fence (mermaid diagrams aside) carries its
// highlighted lines to the page as a `tokens` property of its `code` element
// (JSON of src/prism/codeTokens.ts's wire format), which MDX hands to the
// CodeBlock. The text tokenized is the text the CodeBlock shows: the fence's
// value. The language is the fence's, `text` when it has none (the theme's
// default).
import { visit } from 'unist-util-visit';
import type { Code, Root } from 'mdast';
import { tokenLines } from '../prism/codeTokens';

export default function codeTokens() {
  return (tree: Root): void => {
    visit(tree, 'code', (node: Code) => {
      if (node.lang === 'mermaid') return;
      const data = (node.data ??= {}) as { hProperties?: Record<string, unknown> };
      data.hProperties = {
        ...data.hProperties,
        tokens: JSON.stringify(tokenLines(node.value, node.lang ?? 'text')),
      };
    });
  };
}
