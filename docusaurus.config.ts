import type { Config, PluginModule } from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import { themes as prismThemes } from 'prism-react-renderer';
import { withAaContrast } from './src/prism/accessibleTheme';
import sampleVerification from './src/remark/sampleVerification';
import doctestReport from './src/plugins/doctest-report';
import mermaidChunk from './src/plugins/mermaid-chunk';
import entryChunks from './src/plugins/entry-chunks';
import codeHighlight, { CLASS_ONLY_THEME } from './src/plugins/code-highlight';
import codeTokens from './src/remark/codeTokens';
import { ssrTemplate } from './src/ssrTemplate';
import postcssNoConfig from './src/plugins/postcss-no-config';

// Stock themes fail axe color-contrast; same hues at AA contrast.
const codeThemes = {
  light: withAaContrast(prismThemes.oneLight),
  dark: withAaContrast(prismThemes.oneDark),
};

// The site is published at the domain root; every URL is emitted without a
// trailing slash (`/toolhive/concepts/backend-auth.html`), which is what
// vercel.json's `cleanUrls: true` + `trailingSlash: false` serve.
const config: Config = {
  title: 'ToolHive token exchange, verified',
  tagline:
    'Guides for backend authentication with OAuth 2.0 token exchange (RFC 8693), every code sample run before the site is built.',
  favicon: 'img/favicon.svg',
  url: 'https://toolhive-token-exchange.vercel.app',
  baseUrl: '/',
  trailingSlash: false,
  // The banner is an inline script on the home page; the site is served at
  // the root, so it has nothing to warn about, and the CSP stays hash-only.
  baseUrlIssueBanner: false,
  // Docusaurus's page template, with the entry scripts started after the
  // first paint instead of before it (src/ssrTemplate.ts).
  ssrTemplate,

  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  onDuplicateRoutes: 'throw',

  future: {
    v4: true,
    faster: true,
  },

  i18n: { defaultLocale: 'en', locales: ['en'] },

  markdown: {
    mermaid: true,
    format: 'detect',
    hooks: {
      onBrokenMarkdownLinks: 'throw',
      onBrokenMarkdownImages: 'throw',
    },
  },

  // The doctest report, read on every build (see src/plugins/doctest-report).
  // Mermaid's code in its own async chunk, not in `common`, and not in the
  // server bundle (src/plugins/mermaid-chunk).
  // Link prefetching in idle time, not while the page starts (src/client/idlePrefetch).
  clientModules: ['./src/client/idlePrefetch.ts'],

  // No search for a PostCSS config file (src/plugins/postcss-no-config).
  // Code highlighted at build time and coloured by CSS (src/plugins/code-highlight).
  plugins: [
    doctestReport as PluginModule,
    mermaidChunk,
    entryChunks,
    postcssNoConfig,
    [codeHighlight as PluginModule, codeThemes],
  ],

  themes: [
    '@docusaurus/theme-mermaid',
    [
      '@easyops-cn/docusaurus-search-local',
      {
        hashed: true,
        indexBlog: false,
        indexPages: true,
        docsRouteBasePath: '/',
        highlightSearchTermsOnTargetPage: false,
        explicitSearchResultPath: true,
      },
    ],
  ],

  presets: [
    [
      'classic',
      {
        docs: {
          routeBasePath: '/',
          sidebarPath: './sidebars.ts',
          showLastUpdateTime: false,
          // Before Docusaurus's own plugins, so mermaid fences are still code.
          // codeTokens: each fence's highlighted lines, made here at build time.
          beforeDefaultRemarkPlugins: [[sampleVerification, { siteDir: __dirname }], codeTokens],
        },
        blog: false,
        theme: {
          customCss: './src/css/custom.css',
        },
      } satisfies Preset.Options,
    ],
  ],

  themeConfig: {
    colorMode: {
      defaultMode: 'light',
      respectPrefersColorScheme: true,
    },
    navbar: {
      title: 'ToolHive token exchange',
      // Empty alt: the title beside the logo already names the site (Lighthouse image-redundant-alt).
      logo: { alt: '', src: 'img/favicon.svg' },
      items: [
        { type: 'docSidebar', sidebarId: 'toolhive', position: 'left', label: 'Guides' },
        {
          to: '/toolhive/reference/token-exchange-proxy',
          label: 'Reference proxy',
          position: 'left',
        },
      ],
    },
    footer: {
      style: 'dark',
      links: [
        {
          title: 'Guides',
          items: [
            { label: 'Backend authentication', to: '/toolhive/concepts/backend-auth' },
            { label: 'Token exchange (CLI)', to: '/toolhive/guides-cli/token-exchange' },
            {
              label: 'Token exchange (Kubernetes)',
              to: '/toolhive/guides-k8s/token-exchange-k8s',
            },
          ],
        },
      ],
      copyright:
        'Code samples on this site are executed against a reference proxy and a mock identity provider before every build.',
    },
    prism: {
      // Colours come from src/plugins/code-highlight (codeThemes above); the
      // markup carries token classes only, the same in light and dark mode.
      // Languages: src/prism/codeTokens.ts tokenizes at build time.
      theme: CLASS_ONLY_THEME,
      darkTheme: CLASS_ONLY_THEME,
    },
    mermaid: {
      theme: { light: 'neutral', dark: 'dark' },
      // Diagrams at their natural size, so their text stays at 14-16 px; a
      // diagram wider than the column scrolls (src/theme/Mermaid).
      options: {
        flowchart: { useMaxWidth: false },
        sequence: { useMaxWidth: false },
      },
    },
  } satisfies Preset.ThemeConfig,
};

export default config;
