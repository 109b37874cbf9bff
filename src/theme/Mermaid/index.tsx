// Wraps @theme-original/Mermaid so mermaid (≈190 KB gzip of parser and
// renderer) is loaded only when a diagram comes near the viewport, instead of
// with every doc page. Pages without diagrams ship none of it; pages with
// diagrams render them after the page is interactive. The wrapper keeps the
// diagram's place (data-mermaid-lazy) so tests can scroll to each diagram.
// Diagrams render at their natural size (useMaxWidth off in
// docusaurus.config.ts), so their text stays readable; a diagram wider than
// the column scrolls sideways in a ScrollBox.
import React, { lazy, Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import type MermaidType from '@theme/Mermaid';
import type { WrapperProps } from '@docusaurus/types';
import { ScrollBox } from '../../components/ScrollBox';

const OriginalMermaid = lazy(() => import('@theme-original/Mermaid'));

type Props = WrapperProps<typeof MermaidType>;

export default function LazyMermaid(props: Props): ReactNode {
  const ref = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return undefined;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          setNear(true);
          observer.disconnect();
        }
      },
      { rootMargin: '400px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={ref} data-mermaid-lazy={near ? 'loading-or-rendered' : 'waiting'}>
      {near ? (
        <ScrollBox kind="diagram" label="Diagram, scrolls sideways">
          <Suspense fallback={null}>
            <OriginalMermaid {...props} />
          </Suspense>
        </ScrollBox>
      ) : null}
    </div>
  );
}
