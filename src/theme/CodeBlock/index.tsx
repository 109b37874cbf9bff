// Wraps the classic theme's code block: a sample's verification badge above
// it, the block's build-time tokens for the content component
// (src/theme/CodeBlock/Content), and one render per block. The remark
// plugins put the sample's file and hash into the fence meta
// (src/remark/sampleVerification.ts) and the tokens into a `tokens` property
// (src/remark/codeTokens.ts); code without them (code written in JSX)
// renders without a badge, unhighlighted.
//
// The theme's own CodeBlock remounts its content after hydration
// (`key={String(isBrowser)}`) to repaint inline token colours in the
// reader's colour mode. This site's token colours are CSS
// (src/plugins/code-highlight), so the server's markup is already right and
// the content components are rendered directly, once.
//
// String content is the theme's CodeBlock/Content/String (metadata, word
// wrap, the theme's Layout) with the word-wrap state from ./useWordWrap.ts
// instead of theme-common's useCodeWordWrap, which costs more per block.
import React, { isValidElement, useMemo, type ReactNode } from 'react';
import { useThemeConfig } from '@docusaurus/theme-common';
import {
  CodeBlockContextProvider,
  createCodeBlockMetadata,
} from '@docusaurus/theme-common/internal';
import ElementContent from '@theme/CodeBlock/Content/Element';
import CodeBlockLayout from '@theme/CodeBlock/Layout';
import type CodeBlockType from '@theme/CodeBlock';
import type { WrapperProps } from '@docusaurus/types';
import { SampleBadge } from '../../components/Verification';
import { BuildTokens } from './Content/buildTokens';
import { useWordWrap } from './useWordWrap';

type Props = WrapperProps<typeof CodeBlockType> & { tokens?: string };

export function sampleOf(metastring: string | undefined): { file: string; hash: string } | null {
  const file = /(?:^|\s)sample-file=(\S+)/.exec(metastring ?? '')?.[1];
  const hash = /(?:^|\s)sample-hash=([0-9a-f]{64})(?:\s|$)/.exec(metastring ?? '')?.[1];
  return file && hash ? { file, hash } : null;
}

/** Plain text children as one string (copyable); element children as they are. */
function stringified(children: ReactNode): ReactNode {
  if (React.Children.toArray(children).some((child) => isValidElement(child))) return children;
  return Array.isArray(children) ? children.join('') : children;
}

/** The theme's CodeBlock/Content/String, with ./useWordWrap.ts. */
function StringContent({ code, ...props }: Omit<Props, 'children' | 'tokens'> & { code: string }) {
  const { prism } = useThemeConfig();
  const { className, metastring, language, title, showLineNumbers } = props;
  // Parsed once, not again when the block re-renders for its word-wrap state.
  const metadata = useMemo(
    () =>
      createCodeBlockMetadata({
        code,
        className,
        metastring,
        magicComments: prism.magicComments,
        defaultLanguage: prism.defaultLanguage,
        language,
        title,
        showLineNumbers,
      }),
    [code, className, metastring, prism, language, title, showLineNumbers],
  );
  const wordWrap = useWordWrap();
  return (
    <CodeBlockContextProvider metadata={metadata} wordWrap={wordWrap}>
      <CodeBlockLayout />
    </CodeBlockContextProvider>
  );
}

function Content({ children, tokens, ...props }: Props): ReactNode {
  const code = stringified(children);
  return typeof code === 'string' ? (
    <BuildTokens.Provider value={tokens}>
      <StringContent {...props} code={code} />
    </BuildTokens.Provider>
  ) : (
    <ElementContent {...props}>{code}</ElementContent>
  );
}

export default function CodeBlockWrapper(props: Props): ReactNode {
  const sample = sampleOf(props.metastring);
  if (!sample) return <Content {...props} />;
  return (
    <div className="sample" data-sample-file={sample.file} data-sample-hash={sample.hash}>
      <SampleBadge file={sample.file} hash={sample.hash} />
      <Content {...props} />
    </div>
  );
}
