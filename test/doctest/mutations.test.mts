// Mutation self-tests: broken copies of the real guides must fail the doctest
// run at the right file:line, and the unmutated guides must pass. Each
// mutation runs in its own copy of docs/ (scripts and node_modules linked),
// with --bail, several at once.
import { afterAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runDoctests } from '../../scripts/doctest/run.mts';
import type { Report } from '../../scripts/doctest/report.mts';

const root = path.resolve(import.meta.dirname, '../..');
const CLI = 'docs/toolhive/guides-cli/token-exchange.mdx';
const K8S = 'docs/toolhive/guides-k8s/token-exchange-k8s.mdx';
const CONCEPT = 'docs/toolhive/concepts/backend-auth.mdx';
const PARTIAL = 'docs/toolhive/_partials/_configure-token-exchange-idp.mdx';

interface Mutation {
  kind: string;
  /** File to mutate (a page or a partial). */
  file: string;
  find: string;
  replace: string;
  /** Page to run (default: `file`). */
  page?: string;
  /** The failure must be reported in this file (default: `file`)… */
  expectFile?: string;
  /** …at the line where this text starts in the mutated file (default: where `replace` starts). */
  expectAt?: string;
}

const m = (x: Mutation) => x;
const MUTATIONS: Mutation[] = [
  // CLI guide
  m({
    kind: 'renamed thv flag',
    file: CLI,
    find: '--token-exchange-audience <BACKEND_AUDIENCE>',
    replace: '--token-exchange-audiance <BACKEND_AUDIENCE>',
    expectAt: '```bash\nthv run',
  }),
  m({
    kind: 'secret file name differs between samples',
    file: CLI,
    find: "printf '%s\\n' '<EXCHANGE_CLIENT_SECRET>' > token-exchange-client-secret.txt",
    replace: "printf '%s\\n' '<EXCHANGE_CLIENT_SECRET>' > exchange-secret.txt",
    expectAt: '```bash\nthv run',
  }),
  m({
    kind: 'misspelt thv subcommand',
    file: CLI,
    find: 'thv list\n',
    replace: 'thv lst\n',
    expectAt: '```bash\nthv lst',
  }),
  m({
    kind: 'wrong issuer in shown metadata',
    file: CLI,
    find: '  "authorization_servers": [\n    "https://dev-123456.okta.com/oauth2/aus1234567890"',
    replace: '  "authorization_servers": [\n    "https://dev-123456.okta.com/oauth2/default"',
    expectAt: '```text doctest-output\n{\n  "resource"',
  }),
  m({
    kind: 'wrong scope in the exchange request',
    file: CLI,
    find: "--data-urlencode 'scope=api:read api:write'",
    replace: "--data-urlencode 'scope=api:read api:admin'",
    expectAt: '```text doctest-output\n{\n  "token_type"',
  }),
  m({
    kind: 'wrong audience in the exchange request',
    file: CLI,
    find: '  -d audience=backend-api \\',
    replace: '  -d audience=backend \\',
    expectAt: '```text doctest-output\n{\n  "token_type"',
  }),
  m({
    kind: 'wrong header name (Authorization)',
    file: CLI,
    find: '-H "Authorization: Bearer $USER_TOKEN" \\\n    -H \'Content-Type',
    replace: '-H "Authorisation: Bearer $USER_TOKEN" \\\n    -H \'Content-Type',
    expectAt: '```bash\nmcp_request \'{"jsonrpc":"2.0","id":2',
  }),
  m({
    kind: 'claims output no longer matching',
    file: CLI,
    find: '"cid":"0oa0987654321fedcba","scp":["api:read","api:write"]',
    replace: '"cid":"0oa0987654321fedcba","scp":["api:read"]',
    expectAt: '```text doctest-output\n{"iss"',
  }),
  m({
    kind: 'wrong backend audience in shown claims',
    file: CLI,
    find: '  "aud": "backend-api",\n  "scp": [',
    replace: '  "aud": "api://backend",\n  "scp": [',
    expectAt:
      '```text doctest-output\n{\n  "iss": "https://dev-123456.okta.com/oauth2/aus9876543210"',
  }),
  // the partial, run inside the CLI guide: the failure names the partial's own line
  m({
    kind: 'wrong token endpoint in the partial',
    file: PARTIAL,
    page: CLI,
    find: 'https://keycloak.example.com/realms/mcp/protocol/openid-connect/token\n```',
    replace: 'https://keycloak.example.com/realms/mcp/token\n```',
    expectAt: '```text doctest-output\nhttps://keycloak.example.com',
  }),
  // Kubernetes guide
  m({
    kind: 'wrong CRD field (tokenURL)',
    file: K8S,
    find: '    tokenUrl: <TOKEN_EXCHANGE_URL>',
    replace: '    tokenURL: <TOKEN_EXCHANGE_URL>',
  }),
  m({
    kind: 'wrong apiVersion',
    file: K8S,
    find: 'apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPOIDCConfig',
    replace: 'apiVersion: toolhive.stacklok.dev/v1\nkind: MCPOIDCConfig',
  }),
  m({ kind: 'wrong kind', file: K8S, find: 'kind: MCPOIDCConfig', replace: 'kind: MCPOidcConfig' }),
  m({
    kind: 'wrong enum value (type)',
    file: K8S,
    find: '  type: tokenExchange',
    replace: '  type: tokenexchange',
  }),
  m({
    kind: 'broken reference between manifests',
    file: K8S,
    find: '  externalAuthConfigRef:\n    name: backend-token-exchange',
    replace: '  externalAuthConfigRef:\n    name: backend-exchange',
    // the page checks the status before it exposes the server: the wait is where it shows
    expectAt: '```bash\nkubectl wait',
  }),
  m({
    kind: 'wrong secret key',
    file: K8S,
    find: '      key: client-secret',
    replace: '      key: secret',
    // the page checks the status before it exposes the server: the wait is where it shows
    expectAt: '```bash\nkubectl wait',
  }),
  m({
    kind: 'wrong label selector',
    file: K8S,
    find: '-l app.kubernetes.io/name=mcpserver,app.kubernetes.io/instance=<SERVER_NAME>',
    replace: '-l app.kubernetes.io/name=<SERVER_NAME>',
    expectAt: '```bash\nkubectl logs',
  }),
  m({
    kind: 'wrong container name',
    file: K8S,
    find: ' -c toolhive ',
    replace: ' -c mcp-proxy ',
    expectAt: '```bash\nkubectl logs',
  }),
  m({
    kind: 'wrong service port in port-forward',
    file: K8S,
    find: '-proxy 8080:8080',
    replace: '-proxy 8080:9090',
    expectAt: '```bash doctest-background\nkubectl port-forward',
  }),
  m({
    kind: 'wrong MCP audience in MCPServer',
    file: K8S,
    find: '    audience: <MCP_AUDIENCE>',
    replace: '    audience: backend-api',
    expectAt: '```text doctest-output doctest-id="mcp-session-opened"\n2025-06-18',
  }),
  // concept page
  m({
    kind: 'mermaid syntax error',
    file: CONCEPT,
    find: '  client[MCP client] -->|client token| proxy[ToolHive proxy]',
    replace: '  client[MCP client] -->|client token proxy[ToolHive proxy]',
  }),
  m({
    kind: 'subject claims example no longer matching',
    file: CONCEPT,
    find: '  "aud": "mcp-server",',
    replace: '  "aud": "mcp",',
  }),
  m({
    kind: 'exchanged claims example with a wrong scope',
    file: CONCEPT,
    find: '  "scp": ["api:read", "api:write"],',
    replace: '  "scp": ["api:read", "api:delete"],',
  }),
  m({
    kind: 'sequence diagram in the wrong order',
    file: CONCEPT,
    find: '  T->>I: POST token endpoint, grant_type token-exchange\n  I-->>T: access_token for backend-api\n  T->>S: POST /mcp with Authorization: Bearer exchanged token\n',
    replace:
      '  T->>S: POST /mcp with Authorization: Bearer exchanged token\n  T->>I: POST token endpoint, grant_type token-exchange\n  I-->>T: access_token for backend-api\n',
    expectAt: '  T->>I: POST token endpoint',
  }),
];

const lineOf = (text: string, needle: string) => {
  const i = text.indexOf(needle);
  return i < 0 ? -1 : text.slice(0, i).split('\n').length;
};

async function mutatedRoot(mut?: Mutation): Promise<{ dir: string; text?: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'doctest-mutant-'));
  await cp(path.join(root, 'docs'), path.join(dir, 'docs'), { recursive: true });
  for (const f of ['scripts', 'node_modules', 'package.json', 'tsconfig.json'])
    await symlink(path.join(root, f), path.join(dir, f));
  if (!mut) return { dir };
  const file = path.join(dir, mut.file);
  const text = await readFile(file, 'utf8');
  if (!text.includes(mut.find))
    throw new Error(`mutation "${mut.kind}": text not found in ${mut.file}: ${mut.find}`);
  const mutated = text.replace(mut.find, mut.replace);
  await writeFile(file, mutated);
  return { dir, text: mutated };
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function pool<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) {
        const k = i++;
        out[k] = await f(items[k] as T);
      }
    }),
  );
  return out;
}

describe('mutation self-tests', { timeout: 900_000 }, async () => {
  // keep a run open so the mock IdP and the mermaid worker are shared by all mutants
  const results = await pool([undefined, ...MUTATIONS], 2, async (mut) => {
    const { dir, text } = await mutatedRoot(mut);
    dirs.push(dir);
    const page = mut ? (mut.page ?? mut.file) : undefined;
    const pages = page ? [path.join(dir, page)] : [CLI, K8S, CONCEPT].map((p) => path.join(dir, p));
    const report: Report = await runDoctests({ root: dir, pages, bail: !!mut, concurrency: 3 });
    return { mut, text, report };
  });

  it('the unmutated guides pass', () => {
    const base = results[0]?.report;
    const failures = base?.samples
      .filter((s) => s.status === 'failed')
      .map((s) => `${s.file}:${s.failureLine}: ${s.reason}`);
    expect(failures).toEqual([]);
    expect(base?.pages.map((p) => p.error).filter(Boolean)).toEqual([]);
  });

  it('never puts a token or a bound secret into a report, not even of failing runs', () => {
    for (const r of results) {
      const text = JSON.stringify(r.report);
      expect(text).not.toMatch(/eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]+/);
      expect(text.match(/"(command|output|diff)":"[^"]*mock-only-exchange-secret/)).toBeNull();
    }
  });

  it(`has at least 20 kinds of mutation`, () => {
    expect(new Set(MUTATIONS.map((x) => x.kind)).size).toBeGreaterThanOrEqual(20);
  });

  for (const [i, mut] of MUTATIONS.entries()) {
    it(`fails at the right file:line — ${mut.kind}`, () => {
      const r = results[i + 1] as (typeof results)[number];
      const expectFile = mut.expectFile ?? mut.file;
      const expectLine = lineOf(r.text as string, mut.expectAt ?? mut.replace);
      expect(expectLine).toBeGreaterThan(0);
      const failures = r.report.samples.filter(
        (s) => s.status === 'failed' && !/^not run: /.test(s.reason ?? ''),
      );
      const first = failures[0];
      expect(
        first ? `${first.file}:${first.failureLine}` : 'no failure',
        JSON.stringify(failures.map((f) => `${f.file}:${f.failureLine} ${f.reason}`)),
      ).toBe(`${expectFile}:${expectLine}`);
    });
  }
});
