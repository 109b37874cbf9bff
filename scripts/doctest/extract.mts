// Extracts the code samples of an MDX page, in reading order, following MDX
// imports of partials: a partial's samples appear where the partial is used,
// once per use, and keep the partial's own file and line.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkFrontmatter from 'remark-frontmatter';
import type { Root, RootContent, Code } from 'mdast';
import { parseMeta, MetaSyntaxError, type Meta } from './meta.mts';

export interface Sample {
  /** Stable id: `<file>:<line>`, prefixed by `<page>>` when it comes from a partial. */
  id: string;
  /** The page whose run executes this sample (repo-relative). */
  page: string;
  /** The file that holds the fence (the page, or a partial it imports). */
  file: string;
  /** 1-based line of the opening fence in `file`. */
  line: number;
  lang: string;
  title: string | undefined;
  meta: Meta;
  rawMeta: string;
  text: string;
  /** sha256 of `text`, hex. */
  hash: string;
  /** Import chain from the page to `file`, when the sample is in a partial. */
  via: string[];
}

export class ExtractError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

const processor = unified().use(remarkParse).use(remarkMdx).use(remarkFrontmatter, ['yaml']);

export function parseMdx(file: string, source: string): Root {
  try {
    return processor.parse(source) as Root;
  } catch (err) {
    const e = err as {
      line?: number;
      place?: { line?: number; start?: { line?: number } };
      reason?: string;
    };
    const line = e.line ?? e.place?.line ?? e.place?.start?.line ?? 1;
    throw new ExtractError(file, line, `MDX parse error: ${e.reason ?? String(err)}`);
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface EsmNode {
  type: 'mdxjsEsm';
  data?: { estree?: { body: EstreeStatement[] } };
  position?: { start: { line: number } };
}
interface EstreeStatement {
  type: string;
  source?: { value: unknown };
  specifiers?: { type: string; local: { name: string } }[];
}
interface JsxNode {
  type: 'mdxJsxFlowElement' | 'mdxJsxTextElement';
  name: string | null;
  children?: RootContent[];
  position?: { start: { line: number } };
}

/** Extract the samples of one page. `root` is the repository root; paths in the result are relative to it. */
export function extractPage(pageAbs: string, root: string): Sample[] {
  const page = rel(root, pageAbs);
  const out: Sample[] = [];
  walkFile(pageAbs, root, page, [], out);
  return out;
}

function rel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

function walkFile(fileAbs: string, root: string, page: string, via: string[], out: Sample[]): void {
  const file = rel(root, fileAbs);
  const source = readFileSync(fileAbs, 'utf8');
  const tree = parseMdx(file, source);
  const imports = new Map<string, string>();
  const visit = (nodes: RootContent[]): void => {
    for (const node of nodes) {
      if (node.type === 'mdxjsEsm') {
        collectImports(node as unknown as EsmNode, fileAbs, file, imports);
      } else if (node.type === 'code') {
        out.push(toSample(node, page, file, via));
      } else if (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') {
        const jsx = node as unknown as JsxNode;
        const target = jsx.name ? imports.get(jsx.name) : undefined;
        if (target) {
          const chain = [...via, `${file}:${jsx.position?.start.line ?? 1}`];
          if (
            via.some((v) => v.startsWith(`${rel(root, target)}:`)) ||
            rel(root, target) === page
          ) {
            throw new ExtractError(
              file,
              jsx.position?.start.line ?? 1,
              `import cycle: ${chain.join(' > ')}`,
            );
          }
          walkFile(target, root, page, chain, out);
        }
        if (jsx.children) visit(jsx.children);
      } else if ('children' in node && Array.isArray(node.children)) {
        visit(node.children as RootContent[]);
      }
    }
  };
  visit(tree.children);
}

function collectImports(
  node: EsmNode,
  fileAbs: string,
  file: string,
  imports: Map<string, string>,
): void {
  for (const stmt of node.data?.estree?.body ?? []) {
    if (stmt.type !== 'ImportDeclaration' || typeof stmt.source?.value !== 'string') continue;
    const spec = stmt.source.value;
    if (!/\.mdx?$/.test(spec) || !spec.startsWith('.')) continue;
    const target = path.resolve(path.dirname(fileAbs), spec);
    for (const s of stmt.specifiers ?? []) {
      if (s.type === 'ImportDefaultSpecifier') imports.set(s.local.name, target);
    }
    try {
      readFileSync(target);
    } catch {
      throw new ExtractError(
        file,
        node.position?.start.line ?? 1,
        `imported partial not found: ${spec}`,
      );
    }
  }
}

function toSample(node: Code, page: string, file: string, via: string[]): Sample {
  const line = node.position?.start.line ?? 1;
  let meta: Meta;
  try {
    meta = parseMeta(node.meta);
  } catch (err) {
    if (err instanceof MetaSyntaxError) throw new ExtractError(file, line, err.message);
    throw err;
  }
  const title = typeof meta['title'] === 'string' ? meta['title'] : undefined;
  const id = file === page ? `${file}:${line}` : `${page}>${file}:${line}`;
  return {
    id,
    page,
    file,
    line,
    lang: node.lang ?? '',
    title,
    meta,
    rawMeta: node.meta ?? '',
    text: node.value,
    hash: sha256(node.value),
    via,
  };
}
