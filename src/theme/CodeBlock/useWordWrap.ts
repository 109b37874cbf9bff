// A code block's word-wrap state, with the interface and behaviour of
// theme-common's useCodeWordWrap (@docusaurus/theme-common
// lib/hooks/useCodeWordWrap.js): `toggle` switches the code to pre-wrap, and
// `isCodeScrollable` (which shows the word-wrap button) is measured after
// mount, after each toggle, on window resize and when a tab panel around the
// block is shown (a block in a hidden panel measures 0 wide).
//
// theme-common's hook memoizes its MutationObserver options on every render
// with a locale-aware sort of their keys (useShallowMemoObject), which on a
// guide with 30 code blocks cost more main-thread time on a throttled phone
// than rendering the blocks' lines; here the options are one constant.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { useCodeWordWrap } from '@docusaurus/theme-common/internal';

type WordWrap = ReturnType<typeof useCodeWordWrap>;

const HIDDEN_ATTRIBUTE: MutationObserverInit = { attributes: true, attributeFilter: ['hidden'] };

export function useWordWrap(): WordWrap {
  const [isEnabled, setIsEnabled] = useState(false);
  const [isCodeScrollable, setIsCodeScrollable] = useState(false);
  const codeBlockRef = useRef<HTMLPreElement | null>(null);

  const toggle = useCallback(() => {
    const code = codeBlockRef.current?.querySelector('code');
    if (!code) return;
    if (isEnabled) {
      code.removeAttribute('style');
    } else {
      code.style.whiteSpace = 'pre-wrap';
      // Very long words, strings and tokens wrap too: no scrollbar at all.
      code.style.overflowWrap = 'anywhere';
    }
    setIsEnabled((value) => !value);
  }, [isEnabled]);

  const measure = useCallback(() => {
    const pre = codeBlockRef.current;
    if (!pre) return;
    const wrapped = pre.querySelector('code')?.hasAttribute('style') ?? false;
    setIsCodeScrollable(pre.scrollWidth > pre.clientWidth || wrapped);
  }, []);

  useEffect(measure, [isEnabled, measure]);

  useEffect(() => {
    window.addEventListener('resize', measure, { passive: true });
    const panels: Element[] = [];
    for (let at = codeBlockRef.current?.parentElement; at; at = at.parentElement) {
      if (at.getAttribute('role') === 'tabpanel') panels.push(at);
    }
    const observer = panels.length > 0 ? new MutationObserver(measure) : null;
    for (const panel of panels) observer?.observe(panel, HIDDEN_ATTRIBUTE);
    return () => {
      window.removeEventListener('resize', measure);
      observer?.disconnect();
    };
  }, [measure]);

  return { codeBlockRef, isEnabled, isCodeScrollable, toggle };
}
