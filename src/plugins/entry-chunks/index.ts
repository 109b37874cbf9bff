// Docusaurus plugin: React (react, react-dom, scheduler) in its own entry
// chunk, beside runtime~main and main.
//
// A page starts by evaluating its entry scripts (src/ssrTemplate.ts inserts
// them in order after the first paint), and each script runs in a task of
// its own. With React inside main.js (207 of its 384 KB), evaluating main.js
// was one task of ≈24 ms on this machine unthrottled, ≈96 ms on Lighthouse's
// 4x-throttled phone: long enough to count 46 ms of Total Blocking Time by
// itself. Split in two, neither part is a long task.
import type { Plugin } from '@docusaurus/types';

export const REACT_MODULES = /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/;

export default function entryChunksPlugin(): Plugin {
  return {
    name: 'entry-chunks',
    configureWebpack: (_config, isServer) =>
      isServer
        ? {}
        : {
            optimization: {
              splitChunks: {
                cacheGroups: {
                  react: {
                    test: REACT_MODULES,
                    name: 'react',
                    chunks: 'initial',
                    enforce: true,
                    priority: 60,
                  },
                },
              },
            },
          },
  };
}
