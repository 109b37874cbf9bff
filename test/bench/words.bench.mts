// Words bench: how long each page reads. Counts prose words only: code blocks,
// front matter, `import`/`export` lines and JSX tags (with their attributes)
// are left out; text inside JSX elements (a collapsed <details>, a tab) counts,
// and so does inline code. A partial counts on every page that renders it.
// Aims: the CLI guide with its partial under 2,500 words, the Kubernetes
// guide's own text (the shared IdP partial left out) under 1,500. `npm run bench -- words` (wired by test/bench/run.mts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { Node, Parent } from 'unist';
import { findPages } from '../../scripts/doctest/pages.mts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Word aims per page: the most words, counted with or without its partials. */
export const AIMS: Record<string, { words: number; withPartials: boolean }> = {
  'docs/toolhive/guides-cli/token-exchange.mdx': { words: 2500, withPartials: true },
  'docs/toolhive/guides-k8s/token-exchange-k8s.mdx': { words: 1500, withPartials: false },
};

const parser = unified().use(remarkParse).use(remarkFrontmatter).use(remarkGfm).use(remarkMdx);

const SKIP = new Set([
  'code',
  'yaml',
  'toml',
  'mdxjsEsm',
  'mdxFlowExpression',
  'mdxTextExpression',
]);

function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Prose words of one MDX file, plus those of the partials it renders. */
export function pageWords(
  file: string,
  withPartials = true,
  seen: Set<string> = new Set(),
): number {
  const abs = path.resolve(root, file);
  if (seen.has(abs)) return 0;
  seen.add(abs);
  const tree = parser.parse(readFileSync(abs, 'utf8')) as Parent;
  const imports = new Map<string, string>();
  const rendered = new Set<string>();
  let words = 0;
  const walk = (node: Node): void => {
    if (node.type === 'mdxjsEsm') {
      const value = (node as unknown as { value: string }).value;
      for (const m of value.matchAll(/import\s+(\w+)\s+from\s+'([^']+\.mdx)'/g)) {
        imports.set(m[1] as string, path.resolve(path.dirname(abs), m[2] as string));
      }
      return;
    }
    if (SKIP.has(node.type)) return;
    if (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') {
      const name = (node as unknown as { name: string | null }).name;
      if (name) rendered.add(name);
    }
    if (node.type === 'text' || node.type === 'inlineCode') {
      words += countWords((node as unknown as { value: string }).value);
      return;
    }
    for (const child of (node as Parent).children ?? []) walk(child);
  };
  walk(tree);
  if (!withPartials) return words;
  for (const [name, partial] of imports) {
    if (rendered.has(name)) words += pageWords(path.relative(root, partial), true, seen);
  }
  return words;
}

export async function run(): Promise<Record<string, unknown>> {
  const pages = findPages(root, ['docs']).map((p) => path.relative(root, p));
  const figures: Record<string, Record<string, number | boolean>> = {};
  console.log(
    'page'.padEnd(52) +
      'own'.padStart(7) +
      '+partials'.padStart(11) +
      'aim'.padStart(14) +
      'ratio'.padStart(8),
  );
  for (const page of pages.sort()) {
    const own = pageWords(page, false);
    const all = pageWords(page, true);
    const aim = AIMS[page];
    const measured = aim?.withPartials ? all : own;
    const ratio = aim ? measured / aim.words : undefined;
    figures[page] = {
      words: own,
      withPartials: all,
      ...(aim && ratio !== undefined
        ? { aim: aim.words, aimCountsPartials: aim.withPartials, ratio: Number(ratio.toFixed(2)) }
        : {}),
    };
    const aimText = aim ? `${aim.words} (${aim.withPartials ? '+p' : 'own'})` : '—';
    console.log(
      page.padEnd(52) +
        String(own).padStart(7) +
        String(all).padStart(11) +
        aimText.padStart(14) +
        (ratio ? ratio.toFixed(2) : '—').padStart(8) +
        (aim && measured > aim.words ? '  over the aim' : ''),
    );
  }
  return { pages: figures };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  void run();
}
