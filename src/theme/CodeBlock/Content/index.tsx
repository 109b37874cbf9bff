// Replaces the classic theme's code block content. The theme's version
// tokenizes the code with Prism in the browser, on every render; here the
// lines of tokens come with the page, made at build time
// (src/remark/codeTokens.ts), so the browser ships and runs no Prism.
// The markup is the theme's: `pre.prism-code.language-<lang>`, one
// `.token-line` per line, `span.token.<types>` per token; token colours come
// from CSS (src/plugins/code-highlight).
//
// Lines without line classes (highlighted lines) or numbers are one HTML
// string (./linesHtml.ts) given to React as `dangerouslySetInnerHTML`: on
// hydration React adopts the server's lines as they are instead of matching
// a fiber to every line and token (on a long guide, about half the page's
// elements). Lines with classes or numbers are rendered by the theme's own
// Line component, as before.
//
// A block without build tokens (code written in JSX, say), or whose text is
// not the text they were made from, shows its lines unhighlighted.
import React, { useMemo, type ReactNode } from 'react';
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
import { linesHtml } from './linesHtml';
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
  const wire = useBuildTokens();
  const numbered = metadata.lineNumbersStart !== undefined;
  const plain = !numbered && Object.keys(metadata.lineClassNames).length === 0;
  // The block re-renders when its word-wrap state changes; the lines do not.
  const lines: Token[][] = useMemo(() => linesOf(wire, metadata.code), [wire, metadata.code]);
  const html = useMemo(() => (plain ? { __html: linesHtml(lines) } : null), [plain, lines]);
  const codeClass = clsx(styles.lines, numbered && styles.numbered);
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
      {html ? (
        <code className={codeClass} dangerouslySetInnerHTML={html} />
      ) : (
        <code
          className={codeClass}
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
      )}
    </pre>
  );
}
