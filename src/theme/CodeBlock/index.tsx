// Wraps @theme-original/CodeBlock: a sample's verification badge above it.
// The remark plugin (src/remark/sampleVerification.ts) put the sample's file
// and hash into the fence meta; code without them (inline code, code written
// in JSX) renders unchanged.
import React, { type ReactNode } from 'react';
import CodeBlock from '@theme-original/CodeBlock';
import type CodeBlockType from '@theme/CodeBlock';
import type { WrapperProps } from '@docusaurus/types';
import { SampleBadge } from '../../components/Verification';

type Props = WrapperProps<typeof CodeBlockType>;

export function sampleOf(metastring: string | undefined): { file: string; hash: string } | null {
  const file = /(?:^|\s)sample-file=(\S+)/.exec(metastring ?? '')?.[1];
  const hash = /(?:^|\s)sample-hash=([0-9a-f]{64})(?:\s|$)/.exec(metastring ?? '')?.[1];
  return file && hash ? { file, hash } : null;
}

export default function CodeBlockWrapper(props: Props): ReactNode {
  const sample = sampleOf(props.metastring);
  if (!sample) return <CodeBlock {...props} />;
  return (
    <div className="sample" data-sample-file={sample.file} data-sample-hash={sample.hash}>
      <SampleBadge file={sample.file} hash={sample.hash} />
      <CodeBlock {...props} />
    </div>
  );
}
