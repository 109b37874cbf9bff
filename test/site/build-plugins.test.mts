// The build-speed parts of our Docusaurus plugins: what they hand the bundler.
import { describe, expect, it } from 'vitest';
import type { Configuration } from 'webpack';
import type { ConfigureWebpackUtils } from '@docusaurus/types';
import mermaidChunkPlugin from '../../src/plugins/mermaid-chunk/index.ts';
import postcssNoConfigPlugin from '../../src/plugins/postcss-no-config/index.ts';

type WebpackConfig = Record<string, unknown> & {
  resolve?: { alias?: Record<string, unknown> };
  optimization?: { splitChunks?: { cacheGroups?: Record<string, unknown> } };
};

function configure(isServer: boolean): WebpackConfig {
  const plugin = mermaidChunkPlugin();
  const out = plugin.configureWebpack?.(
    {} as Configuration,
    isServer,
    {} as ConfigureWebpackUtils,
    undefined,
  );
  return (out ?? {}) as WebpackConfig;
}

describe('mermaid-chunk', () => {
  it('leaves mermaid out of the server bundle', () => {
    expect(configure(true).resolve?.alias).toEqual({ mermaid: false });
  });

  it('keeps mermaid in the client bundle, in async chunks of its own', () => {
    const client = configure(false);
    expect(client.resolve?.alias?.mermaid).toBeUndefined();
    expect(client.optimization?.splitChunks?.cacheGroups?.mermaid).toMatchObject({
      chunks: 'async',
    });
  });
});

describe('postcss-no-config', () => {
  it('turns postcss-loader’s config file search off and keeps Docusaurus’s plugins', () => {
    const plugin = postcssNoConfigPlugin();
    const plugins = [['postcss-preset-env', {}]];
    const options = plugin.configurePostCss?.({ ident: 'postcss', plugins });
    expect(options).toEqual({ ident: 'postcss', plugins, config: false });
  });
});
