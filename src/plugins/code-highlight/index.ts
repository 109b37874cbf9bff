// Docusaurus plugin: code blocks highlighted at build time, coloured by CSS.
//
// - The code themes become a stylesheet (light and dark), so code blocks
//   carry token class names only. With colours inline (prism-react-renderer's
//   default) the server renders every block in the light theme and the
//   classic theme remounts each block after hydration to repaint it.
// - Tokens are made at build time (src/remark/codeTokens.ts) and rendered by
//   src/theme/CodeBlock/Content, so the browser needs no Prism: the classic
//   theme's client module that sets Prism's languages up
//   (prism-include-languages) is left out of the client bundle.
//
// docusaurus.config.ts passes the real themes here and gives the theme config
// CLASS_ONLY_THEME. The rules follow prism-react-renderer's themeToDict:
// entries in order, a later entry wins, `languages` narrows an entry.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { LoadContext, Plugin } from '@docusaurus/types';
import type { PrismTheme } from 'prism-react-renderer';

export interface CodeHighlightOptions {
  light: PrismTheme;
  dark: PrismTheme;
}

/** A theme with no colours: tokens keep their class names, CSS colours them. */
export const CLASS_ONLY_THEME: PrismTheme = { plain: {}, styles: [] };

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function declarations(style: Record<string, unknown>): string {
  return Object.entries(style)
    .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
    .map(([key, value]) => `${kebab(key)}:${String(value)}`)
    .join(';');
}

/** The CSS of one theme, every selector under `scope`. */
export function themeCss(theme: PrismTheme, scope: string): string {
  const rules: string[] = [];
  const { color, backgroundColor, ...plainRest } = theme.plain;
  const vars = [
    color ? `--prism-color:${color}` : '',
    backgroundColor ? `--prism-background-color:${backgroundColor}` : '',
  ].filter(Boolean);
  if (vars.length > 0) rules.push(`${scope}{${vars.join(';')}}`);
  const rest = declarations(plainRest);
  if (rest) rules.push(`${scope} .prism-code{${rest}}`);
  for (const entry of theme.styles) {
    const body = declarations(entry.style as Record<string, unknown>);
    const types = entry.types.filter((type) => /^[\w-]+$/.test(type));
    if (!body || types.length === 0) continue;
    const languages = entry.languages?.filter((l) => /^[\w-]+$/.test(l)) ?? [''];
    const selectors = languages.flatMap((language) =>
      types.map((type) => `${scope} ${language ? `.language-${language} ` : ''}.token.${type}`),
    );
    rules.push(`${selectors.join(',')}{${body}}`);
  }
  return `${rules.join('\n')}\n`;
}

/** Both themes: light unless the page is in dark mode, dark in dark mode. */
export function codeThemeCss({ light, dark }: CodeHighlightOptions): string {
  return (
    '/* Generated from the code themes in docusaurus.config.ts (src/plugins/code-highlight). */\n' +
    themeCss(light, ":root:not([data-theme='dark'])") +
    themeCss(dark, "[data-theme='dark']")
  );
}

export default function codeHighlightPlugin(
  context: LoadContext,
  options: CodeHighlightOptions,
): Plugin<undefined> {
  const file = path.join(context.generatedFilesDir, 'code-highlight', 'code-themes.css');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, codeThemeCss(options));
  const require = createRequire(path.join(context.siteDir, 'package.json'));
  const prismSetup = require.resolve('@docusaurus/theme-classic/lib/prism-include-languages.js');
  return {
    name: 'code-highlight',
    getClientModules: () => [file],
    configureWebpack: (_config, isServer) =>
      isServer ? {} : { resolve: { alias: { [prismSetup]: false } } },
  };
}
