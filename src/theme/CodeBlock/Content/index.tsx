// Replaces the classic theme's code block content. The theme's version
// tokenizes the code with Prism in the browser, on every render; here the
// lines of tokens come with the page, made at build time
// (src/remark/codeTokens.ts), so the browser ships and runs no Prism.
// The markup is the theme's: `pre.prism-code.language-<lang>`, one
// `.token-line` per line, `span.token.<types>` per token, rendered by the
// theme's own Line component; token colours come from CSS
// (src/plugins/prism-css).
//
// A block without build tokens (code written in JSX, say), or whose text is
// not the text they were made from, shows its lines unhighlighted.
import React, { type ReactNode } from 'react';
import clsx from 'clsx';
import { useCodeBlockContext } from '@docusaurus/theme-common/internal';
import Line from '@theme/CodeBlock/Line';
import type {
  Token,
  TokenInputProps,
  TokenOutputProps,
  LineInputProps,
  LineOutputProps,
} from 'prism-react-renderer';
import { linesOf, useBuildTokens } from './buildTokens';
import styles from './styles.module.css';

function getLineProps({ className, style, line: _line, ...rest }: LineInputProps): LineOutputProps {
  return { ...rest, className: clsx('token-line', className), ...(style ? { style } : {}) };
}

function getTokenProps({ token, className, style, ...rest }: TokenInputProps): TokenOutputProps {
  return {
    ...rest,
    className: clsx('token', ...token.types, className),
    children: token.content,
    // As prism-react-renderer does: an empty line keeps its height.
    ...(token.empty || style
      ? { style: { ...(token.empty ? { display: 'inline-block' } : {}), ...style } }
      : {}),
  };
}

export default function CodeBlockContent({ className }: { className?: string }): ReactNode {
  const { metadata, wordWrap } = useCodeBlockContext();
  const lines: Token[][] = linesOf(useBuildTokens(), metadata.code);
  const numbered = metadata.lineNumbersStart !== undefined;
  return (
    <pre
      ref={wordWrap.codeBlockRef}
      // The theme's code blocks are focusable, so keyboard users can scroll them.
      tabIndex={0}
      className={clsx(
        className,
        `prism-code language-${metadata.language}`,
        styles.codeBlock,
        'thin-scrollbar',
      )}
    >
      <code
        className={clsx(styles.lines, numbered && styles.numbered)}
        style={
          numbered
            ? { counterReset: `line-count ${(metadata.lineNumbersStart ?? 1) - 1}` }
            : undefined
        }
      >
        {lines.map((line, i) => (
          <Line
            key={i}
            line={line}
            getLineProps={getLineProps}
            getTokenProps={getTokenProps}
            classNames={metadata.lineClassNames[i]}
            showLineNumbers={numbered}
          />
        ))}
      </code>
    </pre>
  );
}
