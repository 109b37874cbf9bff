// Docusaurus plugin: keeps mermaid and its dependencies out of the `common`
// chunk every page loads.
//
// Docusaurus puts a module used by half the pages' chunks into `common`.
// Mermaid's diagram chunks share its parser (langium, vscode-jsonrpc,
// chevrotain…), so ≈160 KB (brotli) of diagram code landed in `common` and
// was downloaded by every page, with diagrams or not. This cache group, with a
// higher priority than `common`, moves those modules into async chunks
// that only the lazily loaded diagram renderer (src/theme/Mermaid) requests.
//
// The server bundle gets no mermaid at all (`mermaid: false`, an empty
// module: rspack resolve.alias). Diagrams render in the browser only
// (src/theme/Mermaid renders nothing until its element nears the viewport,
// and the theme's renderer imports mermaid in an effect), so the server
// never runs that import; yet bundling it compiled mermaid, cytoscape, katex
// and d3 a second time and wrote ≈28 MB of server chunks per build. The HTML
// is byte-for-byte the same without it.
import type { Plugin } from '@docusaurus/types';

export const MERMAID_MODULES =
  /[\\/]node_modules[\\/](mermaid|@mermaid-js|langium|vscode-jsonrpc|vscode-languageserver[^\\/]*|vscode-uri|chevrotain|@chevrotain|cytoscape[^\\/]*|katex|d3[^\\/]*|dagre-d3-es|khroma|roughjs|lodash-es|dompurify|marked|stylis|dayjs|@braintree|ts-dedent|@iconify|@upsetjs|internmap|delaunator|robust-predicates|layout-base|cose-base|points-on-curve|points-on-path|path-data-parser|hachure-fill)[\\/]/;

/** What the server bundle resolves instead of mermaid's code. */
export const SERVER_ALIAS = { mermaid: false } as const;

export default function mermaidChunkPlugin(): Plugin {
  return {
    name: 'mermaid-chunk',
    configureWebpack: (_config, isServer) =>
      isServer
        ? { resolve: { alias: { ...SERVER_ALIAS } } }
        : {
            optimization: {
              splitChunks: {
                cacheGroups: {
                  mermaid: {
                    test: MERMAID_MODULES,
                    // No name: one chunk per set of diagram chunks sharing
                    // the modules, so a page loads only what its diagrams use.
                    chunks: 'async',
                    minChunks: 2,
                    priority: 45,
                    reuseExistingChunk: true,
                  },
                },
              },
            },
          },
  };
}
