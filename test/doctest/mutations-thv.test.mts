// Mutation self-tests of the `thv` shim: the CLI guide, extended with samples
// that use what ToolHive's workload state decides (a name after `thv stop`,
// the proxy log, a client's config file), must pass; each mutation — a change
// a writer could make, which real thv v0.44.0 rejects — must fail at the
// expected file:line (and, where the verify step runs, with the client's error).
// Each variant runs in its own copy of docs/ (scripts and node_modules linked).
import { afterAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runDoctests } from '../../scripts/doctest/run.mts';
import type { Report } from '../../scripts/doctest/report.mts';

const root = path.resolve(import.meta.dirname, '../..');
const CLI = 'docs/toolhive/guides-cli/token-exchange.mdx';

interface Edit {
  file: string;
  find: string;
  replace: string;
}

/** Samples the passing page gains, so the mutations below have something to break. */
const BASE: Edit[] = [
  // a second workload whose exchange fails (wrong client secret): the proxy log says why
  {
    file: CLI,
    find: '## Clean up\n',
    replace: [
      '```bash',
      "printf '%s\\n' not-the-secret > wrong-secret.txt",
      'thv run --name wrong-secret --proxy-port 8081 \\',
      '  --oidc-issuer <OIDC_ISSUER> --oidc-audience <MCP_AUDIENCE> \\',
      '  --token-exchange-url <TOKEN_EXCHANGE_URL> --token-exchange-client-id <EXCHANGE_CLIENT_ID> \\',
      '  --token-exchange-client-secret-file wrong-secret.txt \\',
      '  --token-exchange-audience <BACKEND_AUDIENCE> <SERVER_NAME_OR_IMAGE>',
      'curl -s -o /dev/null -X POST http://127.0.0.1:8081/mcp -H "Authorization: Bearer $USER_TOKEN" \\',
      "  -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\",
      '  -d \'{"jsonrpc":"2.0","id":1,"method":"tools/list"}\'',
      "thv logs wrong-secret --proxy | grep 'Token exchange failed' \\",
      '  | grep -o \'oauth2: \\\\"invalid_client\\\\"\' | head -1',
      'thv rm wrong-secret',
      '```',
      '',
      '## Clean up',
      '',
    ].join('\n'),
  },
  // clean-up: thv rm removes the run config, and the name is free again
  {
    file: CLI,
    find: '```bash\nthv rm <SERVER_NAME>\nrm -f token-exchange-client-secret.txt\n```',
    replace: [
      '```bash',
      'thv rm <SERVER_NAME>',
      'test ! -e ~/.local/state/toolhive/runconfigs/<SERVER_NAME>.json',
      '```',
      '',
      '```bash',
      'thv run --name <SERVER_NAME> --proxy-port 8080 <SERVER_NAME_OR_IMAGE>',
      'thv rm <SERVER_NAME>',
      'rm -f token-exchange-client-secret.txt',
      '```',
    ].join('\n'),
  },
];

interface Mutation extends Edit {
  kind: string;
  /** The failure is at the line where this text starts in the mutated file (default: where `replace` starts). */
  expectAt?: string;
  /** …and the page fails with this error (the verify step has no sample line). */
  expectPageError?: RegExp;
  /** Further edits of the same mutation (applied first). */
  also?: Edit[];
}

const m = (x: Mutation) => x;
const MUTATIONS: Mutation[] = [
  m({
    kind: 'network isolation left on: its ingress Squid drops the Authorization header',
    file: CLI,
    find: '  --isolate-network=false \\\n',
    replace: '',
    // the MCP server gets no token: the tool call prints an isError result, which the page
    // shows no output for (the backend's record, later, has no claims either)
    expectAt: '```bash doctest-id="call-tool"',
  }),
  m({
    kind: 'thv proxy flag on thv run (--port instead of --proxy-port)',
    file: CLI,
    find: '  --proxy-port 8080 \\\n',
    replace: '  --port 8080 \\\n',
    expectAt: '```bash doctest-id="run-server"\nthv run \\',
  }),
  m({
    kind: 'transport value thv does not accept',
    file: CLI,
    find: '  --transport streamable-http \\',
    replace: '  --transport http \\',
    expectAt: '```bash doctest-id="run-server"\nthv run \\',
  }),
  m({
    kind: 'comma-separated values in a StringArray flag (--tools)',
    file: CLI,
    find: '  --token-exchange-scopes <BACKEND_SCOPES> \\\n',
    replace: '  --token-exchange-scopes <BACKEND_SCOPES> \\\n  --tools <TOOL_NAME>,whoami \\\n',
    expectAt: '```bash doctest-id="run-server"\nthv run \\',
  }),
  m({
    kind: 'thv list output format thv does not have',
    file: CLI,
    find: 'done\nthv list\n```',
    replace: 'done\nthv list --format yaml\n```',
    expectAt: '```bash\nfor _ in $(seq 60); do',
  }),
  m({
    kind: 'thv stop as clean-up: the name is taken for the next thv run',
    file: CLI,
    find: 'thv rm <SERVER_NAME>\ntest ! -e ~/.local/state/toolhive/runconfigs/<SERVER_NAME>.json\n',
    replace: 'thv stop <SERVER_NAME>\n',
    expectAt: '```bash\nthv run --name <SERVER_NAME> --proxy-port 8080',
  }),
  m({
    kind: 'thv stop keeps the run config (and the secret in it)',
    file: CLI,
    find: 'thv rm <SERVER_NAME>\ntest ! -e',
    replace: 'thv stop <SERVER_NAME>\ntest ! -e',
    expectAt: '```bash\nthv stop <SERVER_NAME>\ntest ! -e',
  }),
  m({
    kind: 'thv logs without --proxy for the exchange error',
    file: CLI,
    find: 'thv logs wrong-secret --proxy |',
    replace: 'thv logs wrong-secret |',
    expectAt: "```bash\nprintf '%s\\n' not-the-secret",
  }),
  m({
    // the page registers VS Code after `thv run` (127.0.0.1); a client registered before gets
    // the runner's localhost URL, and without a new registration keeps it
    kind: 'client registered before thv run gets the localhost URL: resource mismatch',
    file: CLI,
    also: [
      {
        file: CLI,
        find: '```bash doctest-id="register-vscode"\nthv client register vscode\n',
        replace: '```bash doctest-id="register-vscode"\nthv client list-registered\n',
      },
    ],
    find: '```bash\numask 077\n',
    replace: '```bash\nthv client register vscode\numask 077\n',
    expectAt: '```text doctest-output\n{\n  "url": "http://127.0.0.1:8080/mcp"',
    expectPageError:
      /\(verify, after the sample at [^)]+\): the MCP SDK client could not connect to http:\/\/localhost:8080\/mcp: Protected resource http:\/\/127\.0\.0\.1:8080\/mcp does not match expected http:\/\/localhost:8080\/mcp/,
  }),
];

function apply(text: string, e: Edit, what: string): string {
  if (!text.includes(e.find)) throw new Error(`${what}: text not found in ${e.file}: ${e.find}`);
  return text.replace(e.find, e.replace);
}

async function variant(mut?: Mutation): Promise<{ dir: string; mutated?: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'doctest-thv-mutant-'));
  await cp(path.join(root, 'docs'), path.join(dir, 'docs'), { recursive: true });
  for (const f of [
    'scripts',
    'node_modules',
    'package.json',
    'tsconfig.json',
    'toolhive-release.json',
  ])
    await symlink(path.join(root, f), path.join(dir, f));
  const texts = new Map<string, string>();
  const edit = async (e: Edit, what: string) => {
    const file = path.join(dir, e.file);
    const text = apply(texts.get(e.file) ?? (await readFile(file, 'utf8')), e, what);
    texts.set(e.file, text);
    await writeFile(file, text);
  };
  for (const e of BASE) await edit(e, 'base edit');
  for (const e of mut?.also ?? []) await edit(e, `mutation "${mut?.kind}"`);
  if (mut) await edit(mut, `mutation "${mut.kind}"`);
  return { dir, ...(mut ? { mutated: texts.get(mut.file) as string } : {}) };
}

const lineOf = (text: string, needle: string) => {
  const i = text.indexOf(needle);
  return i < 0 ? -1 : text.slice(0, i).split('\n').length;
};

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

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('thv shim mutation self-tests', { timeout: 900_000 }, async () => {
  const results = await pool([undefined, ...MUTATIONS], 2, async (mut) => {
    const { dir, mutated } = await variant(mut);
    dirs.push(dir);
    const report: Report = await runDoctests({
      root: dir,
      pages: [path.join(dir, CLI)],
      bail: !!mut && !mut.expectPageError,
      concurrency: 1,
    });
    return { mut, mutated, report };
  });

  it('the extended CLI guide passes (the base every mutation starts from)', () => {
    const base = results[0]?.report;
    expect(
      base?.samples
        .filter((s) => s.status === 'failed')
        .map((s) => `${s.file}:${s.failureLine}: ${s.reason}`),
    ).toEqual([]);
    expect(base?.pages.map((p) => p.error).filter(Boolean)).toEqual([]);
  });

  it('no report carries the exchange secret', () => {
    for (const r of results)
      expect(
        JSON.stringify(r.report).match(/"(command|output|diff)":"[^"]*mock-only-exchange-secret/),
      ).toBeNull();
  });

  for (const [i, mut] of MUTATIONS.entries()) {
    it(`fails where ToolHive would — ${mut.kind}`, () => {
      const r = results[i + 1] as (typeof results)[number];
      const failures = r.report.samples.filter(
        (s) => s.status === 'failed' && !/^not run: /.test(s.reason ?? ''),
      );
      const summary = JSON.stringify([
        ...failures.map((f) => `${f.file}:${f.failureLine} ${f.reason}`),
        ...r.report.pages.map((p) => p.error).filter(Boolean),
      ]);
      if (mut.expectPageError)
        expect(r.report.pages[0]?.error ?? 'no page error', summary).toMatch(mut.expectPageError);
      const line = lineOf(r.mutated as string, mut.expectAt ?? mut.replace);
      expect(line).toBeGreaterThan(0);
      const first = failures[0];
      expect(first ? `${first.file}:${first.failureLine}` : 'no failure', summary).toBe(
        `${mut.file}:${line}`,
      );
    });
  }
});
