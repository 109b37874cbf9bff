// Wraps the classic theme's code block buttons (copy, word wrap). The theme
// renders them only in the browser, so they all mount in the render that
// follows hydration, which React does in one piece: on a guide with 25 code
// blocks, 50 buttons with their icons and listeners at once. Mounting them
// in a transition lets React do that work in slices between other tasks.
// They sit over the code, so nothing moves when they appear.
import React, { startTransition, useEffect, useState, type ReactNode } from 'react';
import Buttons from '@theme-original/CodeBlock/Buttons';
import type ButtonsType from '@theme/CodeBlock/Buttons';
import type { WrapperProps } from '@docusaurus/types';

type Props = WrapperProps<typeof ButtonsType>;

export default function ButtonsAfterStart(props: Props): ReactNode {
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    startTransition(() => setMounted(true));
  }, []);
  return mounted ? <Buttons {...props} /> : null;
}
