// Remark plugin: gives every code sample of a docs page the identity the
// doctest runner gives it — sha256 of the fence's text (the mdast `code`
// node's value, as scripts/doctest/extract.mts hashes it) — so the page can
// show that sample's verdict from the doctest report:
//
// - each code fence's meta gets `sample-file=<repo path> sample-hash=<hex>`,
//   read by the CodeBlock wrapper (src/theme/CodeBlock) to draw its badge;
// - a mermaid fence (rendered as a diagram, not a CodeBlock) is followed by a
//   <SampleBadge> element;
// - a page (not a `_partial`) starts with <VerificationSummary samples="…">
//   listing its samples, those of imported partials included;
// - <RecordedExchange /> elements get `page="<repo path>"`.
//
// Nothing here reads the report: the output depends only on the source, so
// the bundler cache stays correct; verdicts come from global data at render.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { visit } from 'unist-util-visit';
import type { Code, Root, RootContent } from 'mdast';

// The two shapes used here, declared locally rather than through packages
// this project does not depend on directly.
interface MdxJsxAttribute {
  type: 'mdxJsxAttribute';
  name: string;
  value: string;
}
interface MdxJsxFlowElement {
  type: 'mdxJsxFlowElement';
  name: string | null;
  attributes: (MdxJsxAttribute | { type: 'mdxJsxExpressionAttribute'; value: string })[];
  children: RootContent[];
}
interface VFile {
  path?: string;
}

export interface SampleVerificationOptions {
  /** Paths in the report are relative to this directory (the repository root). */
  siteDir: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const toPosix = (p: string): string => p.split(path.sep).join('/');

function jsx(name: string, attributes: Record<string, string>): MdxJsxFlowElement {
  return {
    type: 'mdxJsxFlowElement',
    name,
    attributes: Object.entries(attributes).map(([key, value]) => ({
      type: 'mdxJsxAttribute',
      name: key,
      value,
    })),
    children: [],
  };
}

/** Parses a partial's text into mdast. */
type Parse = (text: string) => Root;

/** The part of the unified processor (the plugin's `this`) used here. */
interface Parser {
  parse(text: string): unknown;
}

/** `file#hash` of every sample in `tree`, then in the .mdx partials it imports. */
function samplesOf(
  tree: Root,
  file: string,
  siteDir: string,
  seen: Set<string>,
  parse: Parse,
): string[] {
  const ids: string[] = [];
  const relative = toPosix(path.relative(siteDir, file));
  visit(tree, 'code', (node: Code) => {
    ids.push(`${relative}#${sha256(node.value)}`);
  });
  for (const node of tree.children) {
    if (node.type !== 'mdxjsEsm') continue;
    for (const match of node.value.matchAll(/from\s+['"](\.{1,2}\/[^'"]+\.mdx?)['"]/g)) {
      const partial = path.resolve(path.dirname(file), match[1] ?? '');
      if (seen.has(partial) || !existsSync(partial)) continue;
      seen.add(partial);
      ids.push(...samplesOf(parse(readFileSync(partial, 'utf8')), partial, siteDir, seen, parse));
    }
  }
  return ids;
}

// Partials are parsed by the processor this plugin is attached to (`this`):
// the page's own MDX parser, with Docusaurus's syntax extensions. A parser of
// our own (unified + remark-parse + remark-mdx imported here) would be loaded
// with docusaurus.config.ts, through jiti, which transpiles each of those ESM
// packages with Babel: ≈170 modules and ≈2.5 s of CPU on a machine whose
// jiti cache (os.tmpdir()/node-jiti, which `docusaurus clear` leaves) is
// empty, as on Vercel and CI.
export default function sampleVerification(this: Parser, options: SampleVerificationOptions) {
  const parse: Parse = (text) => this.parse(text) as Root;
  return (tree: Root, vfile: VFile): void => {
    const file = vfile.path;
    if (!file) return;
    const relative = toPosix(path.relative(options.siteDir, file));

    // Badges: meta for code blocks, a sibling element for diagrams.
    const diagrams: { parent: { children: RootContent[] }; node: Code; hash: string }[] = [];
    visit(tree, 'code', (node: Code, _index, parent) => {
      const hash = sha256(node.value);
      if (node.lang === 'mermaid' && parent) {
        diagrams.push({ parent: parent as { children: RootContent[] }, node, hash });
        return;
      }
      node.meta = `${node.meta ?? ''} sample-file=${relative} sample-hash=${hash}`.trim();
    });
    for (const { parent, node, hash } of diagrams) {
      const at = parent.children.indexOf(node);
      parent.children.splice(at + 1, 0, jsx('SampleBadge', { file: relative, hash }) as never);
    }

    visit(tree, (node) => {
      if (node.type !== 'mdxJsxFlowElement') return;
      const element = node as unknown as MdxJsxFlowElement;
      if (element.name !== 'RecordedExchange') return;
      const has = element.attributes.some((a) => a.type === 'mdxJsxAttribute' && a.name === 'page');
      if (!has) element.attributes.push({ type: 'mdxJsxAttribute', name: 'page', value: relative });
    });

    if (path.basename(file).startsWith('_')) return;
    const samples = samplesOf(tree, file, options.siteDir, new Set([file]), parse);
    if (samples.length === 0) return;
    // After front matter, imports and a leading `# Title` (Docusaurus reads it as the page title).
    let at = 0;
    while (at < tree.children.length) {
      const node = tree.children[at];
      if (node?.type === 'yaml' || node?.type === 'mdxjsEsm') at++;
      else if (node?.type === 'heading' && node.depth === 1) {
        at++;
        break;
      } else break;
    }
    tree.children.splice(
      at,
      0,
      jsx('VerificationSummary', { samples: samples.join(',') }) as never,
    );
  };
}
