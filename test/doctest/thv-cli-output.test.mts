// What the thv shim prints and writes, as the real thv v0.44.0 does (the CLI
// differential, `npm run fidelity -- --cli`, measured each against thv on
// podman): the log lines `thv run` writes on stderr before it returns or
// fails, thv's own refusal texts in thv's order, `thv client setup` without
// installed clients, `thv logs NAME`, and client config files as ToolHive's
// hujson edit formats them.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { huRemove, huUpsert } from '../../scripts/doctest/shims/hujson.mts';
import { hasLatestTag } from '../../scripts/doctest/shims/thv.mts';
import {
  runnerStartLines,
  toolhiveLogTranslator,
  TOOLHIVE_EGRESS_IMAGE,
} from '../../scripts/doctest/shims/thv-log.mts';
import { parseThv, ThvCliError } from '../../scripts/lib/toolhive-cli.mts';
import { CLI_IMAGE, WAIT, type CliCase } from '../../scripts/live/differential/cli-cases.mts';
import {
  normaliseCli,
  shimSide,
  type CliObservation,
} from '../../scripts/live/differential/cli-runner.mts';

describe('client config files as ToolHive writes them (hujson Patch + Format)', () => {
  // Each expected text is what github.com/tailscale/hujson (the version
  // ToolHive v0.44.0's go.mod pins) writes for the same edits, run in Go.
  const server = (url: string) => ({ url, type: 'http' });
  const fresh = huUpsert('', 'mcpServers', 'fetch', server('http://127.0.0.1:12345/mcp'));
  const second = huUpsert(fresh, 'mcpServers', 'backend-mcp', server('http://127.0.0.1:8080/mcp'));

  it('a new file: the top object expands (its line is over 80 bytes), the servers object stays inline', () => {
    expect(fresh).toBe(
      '{\n\t"mcpServers": {"fetch": {"url": "http://127.0.0.1:12345/mcp", "type": "http"}}\n}\n',
    );
  });

  it('a second server expands the servers object and aligns the values', () => {
    expect(second).toBe(
      '{\n\t"mcpServers": {\n\t\t"fetch":       {"url": "http://127.0.0.1:12345/mcp", "type": "http"},\n\t\t"backend-mcp": {"url": "http://127.0.0.1:8080/mcp", "type": "http"}\n\t}\n}\n',
    );
    // a replaced entry keeps its place
    expect(huUpsert(second, 'mcpServers', 'fetch', server('http://localhost:9090/mcp'))).toBe(
      '{\n\t"mcpServers": {\n\t\t"fetch":       {"url": "http://localhost:9090/mcp", "type": "http"},\n\t\t"backend-mcp": {"url": "http://127.0.0.1:8080/mcp", "type": "http"}\n\t}\n}\n',
    );
  });

  it('remove keeps the expansion; a server that is not there leaves the file alone', () => {
    expect(huRemove(second, 'mcpServers', 'fetch')).toBe(
      '{\n\t"mcpServers": {\n\t\t"backend-mcp": {"url": "http://127.0.0.1:8080/mcp", "type": "http"}\n\t}\n}\n',
    );
    expect(huRemove(second, 'mcpServers', 'nope')).toBeUndefined();
  });

  it('a file the user wrote keeps its other keys, re-indented with tabs; a long line expands only what it must', () => {
    expect(
      huUpsert('{\n  "theme": "dark",\n  "servers": {}\n}\n', 'servers', 'fetch', {
        url: 'http://127.0.0.1:8080/sse#fetch',
        type: 'sse',
      }),
    ).toBe(
      '{\n\t"theme":   "dark",\n\t"servers": {"fetch": {"url": "http://127.0.0.1:8080/sse#fetch", "type": "sse"}}\n}\n',
    );
    expect(
      huUpsert(
        '{"a": 1, "bb": [1, 2], "ccc": {"x": true}}',
        'servers',
        'a-much-longer-server-name-for-the-width-rule',
        server('http://127.0.0.1:8080/mcp'),
      ),
    ).toBe(
      '{"a": 1, "bb": [1, 2], "ccc": {"x": true}, "servers": {\n\t"a-much-longer-server-name-for-the-width-rule": {"url": "http://127.0.0.1:8080/mcp", "type": "http"}\n}}\n',
    );
  });
});

describe('values thv refuses while it builds the run config', () => {
  it('are refused by parseThv as before, and kept with thv’s own text under deferRefusals', () => {
    const args = ['run', '--transport', 'carrier-pigeon', '--proxy-mode', 'stdio', 'img:1'];
    expect(() => parseThv(args)).toThrow(ThvCliError);
    const p = parseThv(args, { deferRefusals: true });
    expect(p.refused.get('transport')).toBe(
      'failed to validate run config: invalid transport mode: carrier-pigeon. Valid modes are: sse, streamable-http, stdio',
    );
    expect(p.refused.get('proxy-mode')).toBe('invalid value for --proxy-mode: stdio');
    expect(
      parseThv(['run', '--image-verification', 'strict', 'img:1'], {
        deferRefusals: true,
      }).refused.get('image-verification'),
    ).toBe(
      'failed to find or create the MCP server img:1: invalid value for --image-verification: strict',
    );
    // a flag whose value thv refuses at parse time is still refused at once
    expect(() => parseThv(['list', '--format', 'yaml'], { deferRefusals: true })).toThrow(
      ThvCliError,
    );
  });

  it('hasLatestTag as ToolHive reads an image reference', () => {
    expect(hasLatestTag('ghcr.io/example/backend-mcp-server:latest')).toBe(true);
    expect(hasLatestTag('ghcr.io/example/backend-mcp-server')).toBe(true);
    expect(hasLatestTag('localhost:5000/server')).toBe(true);
    expect(hasLatestTag('ghcr.io/example/backend-mcp-server:1.2.0')).toBe(false);
    expect(hasLatestTag('ghcr.io/example/server@sha256:' + 'a'.repeat(64))).toBe(false);
  });
});

describe('the proxy log as ToolHive’s detached runner writes it', () => {
  const t = (s: string) => s.replace(/"time":"[^"]+"/g, '"time":"T"');
  it('start-up: no-authentication warning without OIDC, the isolation images, the readiness probe', () => {
    const lines = t(
      runnerStartLines({
        name: 'fetch',
        port: 8080,
        transport: 'sse',
        oidc: false,
        isolateNetwork: true,
      }),
    ).split('\n');
    expect(lines[0]).toMatch(/^\{"time":"T","level":"WARN","msg":"no authentication configured: /);
    expect(lines.slice(1, 4)).toEqual(
      ['dockurr/dnsmasq:latest', TOOLHIVE_EGRESS_IMAGE, TOOLHIVE_EGRESS_IMAGE].map(
        (image) => `{"time":"T","level":"INFO","msg":"pulling image","image":"${image}"}`,
      ),
    );
    // the SSE URL without its #fragment; 5 minutes in nanoseconds
    expect(lines[4]).toBe(
      '{"time":"T","level":"INFO","msg":"Waiting for MCP server to be ready","endpoint":"http://localhost:8080/sse","timeout":300000000000}',
    );
    const quiet = runnerStartLines({
      name: 'x',
      port: 1,
      transport: 'streamable-http',
      oidc: true,
      isolateNetwork: false,
    });
    expect(quiet).not.toMatch(/no authentication|pulling image/);
  });

  it('the reference proxy’s lines in ToolHive’s format, its own start-up report left out, across chunks', () => {
    const translate = toolhiveLogTranslator();
    const warn = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 11, 2, 6, 0, 0, 123),
      proxy: 'fetch',
      error: 'oauth2: "invalid_client" "bad secret"',
      msg: 'Token exchange failed',
    });
    const listening = JSON.stringify({
      level: 30,
      time: 0,
      proxy: 'fetch',
      url: 'http://127.0.0.1:1',
      msg: 'token-exchange proxy listening',
    });
    const first = translate(`${listening}\n${warn.slice(0, 20)}`);
    expect(first).toBe('');
    expect(translate(`${warn.slice(20)}\n`)).toBe(
      '{"time":"2026-12-02T06:00:00Z","level":"WARN","msg":"Token exchange failed","error":"oauth2: \\"invalid_client\\" \\"bad secret\\""}\n',
    );
  });
});

describe('CLI normalisation rules', () => {
  it('drop only the connection-refused readiness retries; name pids and the live runtime’s egress image', () => {
    const real = [
      '{"time":"<time>","level":"INFO","msg":"pulling image","image":"localhost/toolhive-docs/egress-proxy:d6bd4b9dae59"}',
      '{"time":"<time>","level":"ERROR","msg":"failed to forward request","error":"dial tcp 127.0.0.1:41234: connect: connection refused"}',
      '{"time":"<time>","level":"INFO","msg":"http: proxy error: dial tcp 127.0.0.1:41234: connect: connection refused"}',
      '{"time":"<time>","level":"ERROR","msg":"failed to forward request","error":"context deadline exceeded"}',
      '{"time":"<time>","level":"INFO","msg":"running as detached process","pid":5088}',
      '',
    ].join('\n');
    expect(normaliseCli(real, '/nowhere').split('\n')).toEqual([
      `{"time":"<time>","level":"INFO","msg":"pulling image","image":"${TOOLHIVE_EGRESS_IMAGE}"}`,
      '{"time":"<time>","level":"ERROR","msg":"failed to forward request","error":"context deadline exceeded"}',
      '{"time":"<time>","level":"INFO","msg":"running as detached process","pid":<pid>}',
      '',
    ]);
  });
});

describe('the shim as a page’s shell meets it', { timeout: 120_000 }, () => {
  let dir = '';
  const controller = new AbortController();
  let side: Awaited<ReturnType<typeof shimSide>> | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'thv-cli-output-'));
    side = await shimSide(dir, controller.signal);
  });
  afterAll(async () => {
    await side?.close();
    controller.abort();
    await rm(dir, { recursive: true, force: true });
  });
  const observe = (steps: string[][], env?: Record<string, string>): Promise<CliObservation> =>
    (side as NonNullable<typeof side>).side({
      id: 'test',
      title: 'test',
      steps,
      ...(env ? { env } : {}),
    } as CliCase);
  const run = (...extra: string[]) => ['run', '--name', 'fetch', ...extra, CLI_IMAGE];
  const lines = (s: string) => s.split('\n').filter(Boolean);
  const NO_PROVENANCE = `{"time":"<time>","level":"WARN","msg":"MCP server has no provenance information set, skipping image verification","image":"${CLI_IMAGE}"}`;

  it('thv run: the provenance warning, the pull of a latest tag, then logging to (stderr), nothing on stdout', async () => {
    const o = await observe([
      run('--transport', 'streamable-http'),
      [WAIT, 'fetch'],
      ['logs', 'fetch'],
    ]);
    const [first, logs] = o.steps;
    expect(first?.code).toBe(0);
    expect(first?.stdout).toBe('');
    expect(lines(first?.stderr ?? '')).toEqual([
      NO_PROVENANCE,
      `{"time":"<time>","level":"INFO","msg":"pulling image","image":"${CLI_IMAGE}"}`,
      '{"time":"<time>","level":"INFO","msg":"logging to","path":"<HOME>/.local/share/toolhive/logs/fetch.log"}',
    ]);
    // the MCP server's own log: what the example MCP server image prints in its container
    expect(logs?.stdout).toBe(
      '{"msg":"example MCP server listening","url":"http://0.0.0.0:<port>/mcp","backend":"http://127.0.0.1:<port>"}\n',
    );
  });

  it('a bad --transport fails after the provenance warning, with thv’s text', async () => {
    const o = await observe([
      ['run', '--name', 'fetch', '--transport', 'carrier-pigeon', CLI_IMAGE],
    ]);
    expect(o.steps[0]?.code).toBe(1);
    expect(lines(o.steps[0]?.stderr ?? '')).toEqual([
      NO_PROVENANCE,
      'Error: failed to validate run config: invalid transport mode: carrier-pigeon. Valid modes are: sse, streamable-http, stdio',
    ]);
  });

  it('an empty secret file fails after the provenance warning; a taken name fails before it', async () => {
    const o = await observe([
      run(
        '--token-exchange-url',
        'https://idp.example.com/token',
        '--token-exchange-client-secret-file',
        '<EMPTY_FILE>',
      ),
    ]);
    expect(lines(o.steps[0]?.stderr ?? '')).toEqual([
      NO_PROVENANCE,
      'Error: invalid token exchange configuration: secret file <HOME>/empty-secret is empty',
    ]);
    const again = await observe([run(), [WAIT, 'fetch'], run()]);
    expect(again.steps[1]?.stderr).toBe("Error: workload with name 'fetch' already exists\n");
  });

  it('stop, rm and restart refuse names with --all, and nothing at all, each in its own words', async () => {
    const o = await observe([
      ['stop', '--all', 'fetch'],
      ['stop'],
      ['rm', '--all', 'fetch'],
      ['rm'],
      ['restart', '--all', 'fetch'],
      ['restart'],
    ]);
    expect(o.steps.map((s) => [s.code, s.stderr])).toEqual([
      [
        1,
        'Error: no arguments should be provided when --all or --group flag is set. Hint: remove the workload names or remove the flag\n',
      ],
      [
        1,
        "Error: at least one workload name must be provided. Hint: use 'thv list' to see available workloads, or use --all to stop all\n",
      ],
      [
        1,
        'Error: no arguments should be provided when --all or --group flag is set. Hint: remove the workload names or remove the flag\n',
      ],
      [
        1,
        "Error: at least one workload name must be provided. Hint: use 'thv list' to see available workloads, or use --all to remove all\n",
      ],
      [
        1,
        'Error: cannot specify both flags and workload name. Hint: remove the workload name or remove the --all/--group flag\n',
      ],
      [
        1,
        "Error: must specify either --all flag, --group flag, or workload name. Hint: use 'thv list' to see available workloads\n",
      ],
    ]);
  });

  it('thv client setup with no client installed says so and succeeds; register writes hujson’s text', async () => {
    const o = await observe([
      run(),
      [WAIT, 'fetch'],
      ['client', 'setup'],
      ['client', 'register', 'cursor'],
    ]);
    expect(o.steps[1]).toMatchObject({ code: 0, stdout: 'No new clients found.\n', stderr: '' });
    expect(o.files['.cursor/mcp.json']).toBe(
      '{\n\t"mcpServers": {"fetch": {"url": "http://127.0.0.1:<port>/mcp", "type": "http"}}\n}\n',
    );
  });
  it('thv logs NAME --proxy: the runner’s lines; thv restart logs where it logs to again', async () => {
    const o = await observe([
      run(),
      [WAIT, 'fetch'],
      ['logs', 'fetch', '--proxy'],
      ['stop', 'fetch'],
      ['restart', 'fetch'],
    ]);
    const log = lines(o.steps[1]?.stdout ?? '').map(
      (l) => JSON.parse(l.replace('<pid>', '0')) as { msg: string },
    );
    expect(log.map((l) => l.msg)).toEqual([
      expect.stringMatching(/^no authentication configured/),
      'pulling image',
      'pulling image',
      'pulling image',
      'Waiting for MCP server to be ready',
      'running as detached process',
    ]);
    expect(o.steps[3]?.stderr).toBe(
      '{"time":"<time>","level":"INFO","msg":"logging to","path":"<HOME>/.local/share/toolhive/logs/fetch.log"}\n',
    );
  });
});
