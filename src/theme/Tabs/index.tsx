// Replaces the classic theme's Tabs. The theme's version remounts its whole
// content after hydration (`key={String(isBrowser)}`): on the guides that is
// the identity-provider section, three panels of prose, tables and code
// blocks, thrown away and built again while the page starts. That remount is
// not needed: the tab state starts at the default value on the server and in
// the browser alike (theme-common's useTabsContextValue), and the stored or
// query-string choice is applied after hydration, in a layout effect, as an
// ordinary update.
//
// The markup, classes, roles and keys are the theme's, from the theme's own
// context hooks: a `tablist` of `tab` items (Enter or click selects, arrow
// keys move the focus), then the panels (TabItem, unchanged).
import React, { useRef, type KeyboardEvent, type ReactNode } from 'react';
import clsx from 'clsx';
import { ThemeClassNames } from '@docusaurus/theme-common';
import {
  sanitizeTabsChildren,
  TabsProvider,
  useScrollPositionBlocker,
  useTabs,
  useTabsContextValue,
} from '@docusaurus/theme-common/internal';
import type { Props } from '@theme/Tabs';
import styles from './styles.module.css';

function TabList({ className }: { className?: string }): ReactNode {
  const { selectedValue, selectValue, tabValues, block } = useTabs();
  const tabs = useRef<(HTMLLIElement | null)[]>([]);
  const { blockElementScrollPositionUntilNextRender } = useScrollPositionBlocker();

  const select = (index: number): void => {
    const tab = tabs.current[index];
    const value = tabValues[index]?.value;
    if (!tab || value === undefined || value === selectedValue) return;
    // Keep the clicked tab where it is on screen while the panel changes.
    blockElementScrollPositionUntilNextRender(tab);
    selectValue(value);
  };

  const onKeyDown = (index: number, event: KeyboardEvent<HTMLLIElement>): void => {
    const count = tabValues.length;
    if (event.key === 'Enter') select(index);
    else if (event.key === 'ArrowRight') tabs.current[(index + 1) % count]?.focus();
    else if (event.key === 'ArrowLeft') tabs.current[(index - 1 + count) % count]?.focus();
  };

  return (
    <ul
      role="tablist"
      aria-orientation="horizontal"
      className={clsx('tabs', { 'tabs--block': block }, className)}
    >
      {tabValues.map(({ value, label, attributes }, index) => (
        <li
          key={value}
          role="tab"
          tabIndex={selectedValue === value ? 0 : -1}
          aria-selected={selectedValue === value}
          ref={(element) => {
            tabs.current[index] = element;
          }}
          onKeyDown={(event) => onKeyDown(index, event)}
          onClick={() => select(index)}
          {...attributes}
          className={clsx('tabs__item', styles.tabItem, attributes?.className as string, {
            'tabs__item--active': selectedValue === value,
          })}
        >
          {label ?? value}
        </li>
      ))}
    </ul>
  );
}

export default function Tabs(props: Props): ReactNode {
  const value = useTabsContextValue(props);
  return (
    <TabsProvider value={value}>
      <div className={clsx(ThemeClassNames.tabs.container, 'tabs-container', styles.container)}>
        {/* As in the theme, className goes on the tab list. */}
        <TabList className={props.className} />
        <div className="margin-top--md">{sanitizeTabsChildren(props.children)}</div>
      </div>
    </TabsProvider>
  );
}
