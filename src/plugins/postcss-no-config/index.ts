// Docusaurus plugin: postcss-loader gets its plugins from Docusaurus only.
//
// Docusaurus hands postcss-loader its PostCSS plugins (postcss-preset-env,
// @docusaurus/bundler lib/loaders/styleLoader.js) and leaves
// `postcssOptions.config` unset, so postcss-loader also searches for a
// PostCSS config file (cosmiconfig: 27 names such as postcss.config.ts and
// .postcssrc.json) in every directory from each stylesheet up to the root.
// This site has none, and the search cost ≈11,000 failed opens and ≈1 s of
// the main thread per cold build. `config: false` turns the search off
// (postcss-loader 7 README, "config"); the CSS is the same.
import type { Plugin } from '@docusaurus/types';

export default function postcssNoConfigPlugin(): Plugin {
  return {
    name: 'postcss-no-config',
    configurePostCss: (options) => ({ ...options, config: false }),
  };
}
