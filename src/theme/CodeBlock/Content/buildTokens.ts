// The build-time tokens of one code block, from the CodeBlock wrapper
// (src/theme/CodeBlock) to the content component beside this file.
import { createContext, useContext } from 'react';
import type { Token } from 'prism-react-renderer';
import type { WireLines } from '../../../prism/codeTokens';

/** The `tokens` property the remark plugin put on the fence (JSON), or undefined. */
export const BuildTokens = createContext<string | undefined>(undefined);

export const useBuildTokens = (): string | undefined => useContext(BuildTokens);

function plainLines(code: string): Token[][] {
  return code
    .split(/\r\n|\r|\n/)
    .map((text) => [
      text === ''
        ? { types: ['plain'], content: '\n', empty: true }
        : { types: ['plain'], content: text },
    ]);
}

/**
 * The lines to show for `code`: the build's tokens when they spell exactly
 * `code`, else `code` as plain lines.
 */
export function linesOf(wire: string | undefined, code: string): Token[][] {
  if (!wire) return plainLines(code);
  let parsed: WireLines;
  try {
    parsed = JSON.parse(wire) as WireLines;
  } catch {
    return plainLines(code);
  }
  const lines = parsed.map((line) =>
    line.map(([types, content, empty]): Token => ({
      types: types.split(' '),
      content,
      ...(empty ? { empty: true } : {}),
    })),
  );
  const text = lines.map((line) => line.map((t) => (t.empty ? '' : t.content)).join('')).join('\n');
  return text === code ? lines : plainLines(code);
}
