// Rules for the guides that a reader relies on and no doctest sample can show:
// the ToolHive version named from the one constant, one recorded exchange,
// every IdP tab complete, and the links into ToolHive's own documentation
// kept in one place and well formed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel: string): string => readFileSync(path.join(root, rel), 'utf8');

function mdxFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.mdx'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

const pages = mdxFiles('docs');
const CONCEPT = 'docs/toolhive/concepts/backend-auth.mdx';
const PARTIAL = 'docs/toolhive/_partials/_configure-token-exchange-idp.mdx';
const GUIDES = [
  'docs/toolhive/guides-cli/token-exchange.mdx',
  'docs/toolhive/guides-k8s/token-exchange-k8s.mdx',
];

describe('the ToolHive version comes from toolhive-release.json', () => {
  const release = JSON.parse(read('toolhive-release.json')) as {
    toolhive: string;
    operatorChart: string;
  };
  it('each guide renders <ToolHiveRelease />, and the Kubernetes guide the chart', () => {
    for (const g of GUIDES) expect(read(g), g).toMatch(/<ToolHiveRelease \/>/);
    expect(read(GUIDES[1] as string)).toMatch(/<ToolHiveRelease chart \/>/);
  });
  it('no page repeats the version string', () => {
    const versions = [release.toolhive, release.operatorChart].map((v) => v.replace(/^v/, ''));
    for (const p of pages) {
      for (const v of versions) {
        const re = new RegExp(`\\bv?${v.replace(/\./g, '\\.')}\\b`);
        expect(re.exec(read(p))?.[0] ?? null, `${p} names ${v}`).toBeNull();
      }
    }
  });
  // The one exception: the build-time report plugin takes the report's types
  // (type-only, erased before anything runs) and its one redaction from the runner.
  const REPORT_PLUGIN = 'src/plugins/doctest-report/report.ts';
  const pluginImports = [
    "import type { ReportJson, SampleJson, TierJson } from '../../../scripts/doctest/report-schema.mts';",
    "import { redact, redactString } from '../../../scripts/doctest/redact.mts';",
  ];
  it('src/ reads the JSON, and imports nothing from scripts/', () => {
    const component = read('src/components/ToolHiveRelease/index.tsx');
    expect(component).toMatch(/from '@site\/toolhive-release\.json'/);
    const srcFiles = readdirSync(path.join(root, 'src'), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.(ts|tsx|mts|js)$/.test(e.name))
      .map((e) => path.join(e.parentPath, e.name));
    for (const f of srcFiles) {
      let text = readFileSync(f, 'utf8');
      if (path.relative(root, f) === REPORT_PLUGIN) {
        for (const line of pluginImports) {
          expect(
            text,
            `${REPORT_PLUGIN} imports the report's schema types and redaction`,
          ).toContain(line);
          text = text.replace(line, '');
        }
      }
      expect(text, path.relative(root, f)).not.toMatch(
        /from '(\.\.\/)+scripts\/|from '@site\/scripts\//,
      );
    }
  });
});

describe('the recorded exchange appears once', () => {
  it('only on the concept page, inside a collapsed <details>', () => {
    const using = pages.filter((p) => /<RecordedExchange\b/.test(read(p)));
    expect(using).toEqual([CONCEPT]);
    const text = read(CONCEPT);
    expect(text.match(/<RecordedExchange\b/g)).toHaveLength(1);
    expect(text).toMatch(
      /<details>\s*<summary>[^<]+<\/summary>\s*<RecordedExchange \/>\s*<\/details>/,
    );
  });
});

describe('the IdP set-up lets a reader finish', () => {
  const text = read(PARTIAL);
  const tabs = [...text.matchAll(/<TabItem value="(\w+)"[^>]*>([\s\S]*?)<\/TabItem>/g)].map(
    (m) => ({ idp: m[1] as string, body: m[2] as string }),
  );
  it('has the Okta, Keycloak and Auth0 tabs', () => {
    expect(tabs.map((t) => t.idp)).toEqual(['okta', 'keycloak', 'auth0']);
  });
  it('lists the redirect URIs of the guides, VS Code and Claude Code', () => {
    for (const uri of [
      'http://127.0.0.1:8765/callback',
      'http://127.0.0.1:33418',
      'https://vscode.dev/redirect',
    ]) {
      expect(text).toContain(`| \`${uri}\``);
    }
  });
  for (const idp of ['okta', 'keycloak', 'auth0']) {
    it(`${idp}: registers the MCP client app and gives its own example values`, () => {
      const body = tabs.find((t) => t.idp === idp)?.body ?? '';
      expect(body).toMatch(/#### Register the MCP client app/);
      expect(body).toMatch(/PKCE/);
      const values = body.slice(body.indexOf('example values'));
      const rows = values.split('\n').filter((l) => l.startsWith('| `<'));
      expect(rows.map((r) => r.split('|')[1]?.trim())).toEqual([
        '`<OIDC_ISSUER>`',
        '`<MCP_AUDIENCE>`',
        '`<MCP_SCOPES>`',
        '`<MCP_CLIENT_ID>`',
        '`<TOKEN_EXCHANGE_URL>`',
        '`<EXCHANGE_CLIENT_ID>`',
        '`<BACKEND_AUDIENCE>`',
        '`<BACKEND_SCOPES>`',
      ]);
      // Okta's IDs and hosts stay in the Okta tab.
      if (idp !== 'okta') expect(body).not.toMatch(/okta\.com|0oa[0-9a-f]{10}/);
    });
  }
  it('Auth0 gives the On-Behalf-Of rate limit and says to cache', () => {
    const body = tabs.find((t) => t.idp === 'auth0')?.body ?? '';
    expect(body).toMatch(/30 On-Behalf-Of exchanges per second/);
    expect(body).toMatch(/cache/);
  });
  it('Google STS gives the workforce pool audience and what ToolHive cannot send', () => {
    expect(text).toMatch(/\/\/iam\.googleapis\.com\/locations\/global\/workforcePools\//);
    expect(text).toMatch(/`userProject`/);
  });
});

describe("links into ToolHive's documentation", () => {
  const DOCS = /https?:\/\/docs\.stacklok\.com[^\s)\]>'"]*/g;
  it('all sit in one place: the reference definitions at the end of the concept page', () => {
    for (const p of pages.filter((x) => x !== CONCEPT)) {
      expect(read(p).match(DOCS) ?? [], p).toEqual([]);
    }
    const text = read(CONCEPT);
    const defs = [...text.matchAll(/^\[([\w-]+)\]: (\S+)$/gm)];
    const inline = text.replace(/^\[[\w-]+\]: \S+$/gm, '').match(DOCS) ?? [];
    expect(inline, 'inline docs.stacklok.com URLs').toEqual([]);
    expect(defs.length).toBeGreaterThanOrEqual(6);
    for (const [, label, url] of defs) {
      const u = new URL(url as string);
      expect(u.protocol, url).toBe('https:');
      expect(u.host, url).toBe('docs.stacklok.com');
      expect(u.pathname, url).toMatch(/^\/toolhive(\/[a-z0-9-]+)+$/);
      expect(u.search + u.hash, url).toBe('');
      expect(text, `[${label}] is never used`).toMatch(new RegExp(`\\]\\[${label}\\]`));
    }
    for (const m of text.matchAll(/\]\[([\w-]+)\]/g)) {
      expect(
        defs.some((d) => d[1] === m[1]),
        `[${m[1]}] has no definition`,
      ).toBe(true);
    }
  });
});
