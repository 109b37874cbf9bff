// Which pages a run covers: docs/**/*.mdx, partials (`_name.mdx`) excluded —
// their samples run in the pages that import them.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function findPages(root: string, args: string[]): string[] {
  const inputs = args.length > 0 ? args : ['docs'];
  const pages = new Set<string>();
  for (const input of inputs) {
    const abs = path.resolve(root, input);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new Error(`doctest: no such file or directory: ${input}`);
    }
    if (st.isDirectory()) walk(abs, pages);
    else if (/\.mdx?$/.test(abs)) pages.add(abs);
    else throw new Error(`doctest: ${input} is neither a directory nor an .mdx page`);
  }
  return [...pages].sort();
}

function walk(dir: string, out: Set<string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(abs, out);
    else if (/\.mdx?$/.test(entry.name) && !entry.name.startsWith('_')) out.add(abs);
  }
}
