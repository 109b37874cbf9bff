// A box that scrolls sideways when its content (a wide table, a diagram at its
// natural size) is wider than the column, instead of squeezing the content.
// When it overflows, it says so: a shadow on the side that has more, and a
// one-line hint above. It is a focusable region, so keyboard users can scroll
// it too (axe: scrollable-region-focusable).
import React, { useEffect, useRef, useState, type ReactNode } from 'react';
import styles from './styles.module.css';

type Edge = 'none' | 'start' | 'middle' | 'end';

export function ScrollBox({
  label,
  kind,
  children,
}: {
  label: string;
  kind: 'table' | 'diagram';
  children: ReactNode;
}): ReactNode {
  const ref = useRef<HTMLDivElement>(null);
  const [edge, setEdge] = useState<Edge>('none');
  useEffect(() => {
    const box = ref.current;
    if (!box) return undefined;
    const update = (): void => {
      const overflow = box.scrollWidth - box.clientWidth > 1;
      if (!overflow) return setEdge('none');
      const left = box.scrollLeft;
      const right = box.scrollWidth - box.clientWidth - left;
      setEdge(left <= 1 ? 'start' : right <= 1 ? 'end' : 'middle');
    };
    update();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(update);
    observer?.observe(box);
    if (box.firstElementChild) observer?.observe(box.firstElementChild);
    box.addEventListener('scroll', update, { passive: true });
    return () => {
      observer?.disconnect();
      box.removeEventListener('scroll', update);
    };
  }, []);
  const scrolls = edge !== 'none';
  return (
    <div className={styles.wrapper} data-scroll-box={kind} data-overflowing={scrolls}>
      {scrolls ? (
        <p className={styles.hint} data-scroll-hint>
          Scroll sideways to see all of this {kind}.
        </p>
      ) : null}
      <div className={styles.frame} data-edge={edge}>
        <div
          ref={ref}
          className={styles.box}
          {...(scrolls ? { tabIndex: 0, role: 'region', 'aria-label': label } : {})}
        >
          {children}
        </div>
      </div>
    </div>
  );
}

/** MDX `table`: every Markdown table in its own scroll box. */
export function ScrollTable(props: React.ComponentProps<'table'>): ReactNode {
  return (
    <ScrollBox kind="table" label="Table, scrolls sideways">
      <table {...props} />
    </ScrollBox>
  );
}
