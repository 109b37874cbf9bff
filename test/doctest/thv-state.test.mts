// What the thv shim keeps on disk, in ToolHive's places and formats: the run
// config (with the resolved exchange secret), groups, client config files.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  clientConfigUrl,
  clientFilePath,
  proxyLogPath,
  removeClientServer,
  runConfigJson,
  runConfigPath,
  saveRunConfig,
  thvPaths,
  upsertClientServer,
  type RunConfigInput,
} from '../../scripts/doctest/shims/thv-state.mts';
import { defaultWorkloadName, mcpServerUrl } from '../../scripts/doctest/shims/thv.mts';

const home = mkdtempSync(path.join(os.tmpdir(), 'thv-state-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const input: RunConfigInput = {
  name: 'backend-mcp',
  image: 'ghcr.io/example/backend-mcp-server:latest',
  transport: 'streamable-http',
  proxyMode: 'streamable-http',
  host: '127.0.0.1',
  port: 8080,
  targetPort: 0,
  targetHost: '127.0.0.1',
  group: 'default',
  permissionProfile: '',
  env: {},
  volumes: [],
  secrets: [],
  toolsFilter: [],
  labels: {},
  isolateNetwork: true,
  thvCaBundle: '',
  jwksAuthTokenFile: '',
  oidc: {
    issuer: 'https://idp.example.com',
    audience: 'mcp-server',
    jwksUrl: '',
    introspectionUrl: '',
    clientId: '',
    clientSecret: '',
    caCertPath: '',
    authTokenFile: '',
    allowPrivateIp: false,
    insecureAllowHttp: false,
    resourceUrl: 'http://127.0.0.1:8080/mcp',
    scopes: ['openid'],
  },
  tokenExchange: {
    tokenUrl: 'https://idp.example.com/token',
    clientId: 'exchange-client',
    clientSecret: 'test-only-secret',
    audience: 'backend-api',
    scopes: ['api:read'],
    subjectTokenType: '',
    headerName: '',
  },
};

describe('paths', () => {
  it('XDG defaults under HOME, XDG_* when set', () => {
    const p = thvPaths(home, {});
    expect(runConfigPath(p, 'x')).toBe(path.join(home, '.local/state/toolhive/runconfigs/x.json'));
    expect(proxyLogPath(p, 'x')).toBe(path.join(home, '.local/share/toolhive/logs/x.log'));
    expect(runConfigPath(thvPaths(home, { XDG_STATE_HOME: '/s' }), 'x')).toBe(
      '/s/toolhive/runconfigs/x.json',
    );
    expect(clientFilePath(p, 'vscode')).toBe(path.join(home, '.config/Code/User/mcp.json'));
    expect(clientFilePath(p, 'claude-code')).toBe(path.join(home, '.claude.json'));
  });
});

describe('run config', () => {
  it('holds the resolved exchange secret in the token-exchange middleware, as ToolHive saves it', () => {
    const p = thvPaths(home, {});
    saveRunConfig(p, 'backend-mcp', runConfigJson(input));
    const file = runConfigPath(p, 'backend-mcp');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(j).toMatchObject({
      schema_version: 'v0.1.0',
      name: 'backend-mcp',
      transport: 'streamable-http',
      port: 8080,
      group: 'default',
      oidc_config: { Issuer: 'https://idp.example.com', ResourceURL: 'http://127.0.0.1:8080/mcp' },
    });
    const mw = j['middleware_configs'] as { type: string; parameters: Record<string, unknown> }[];
    expect(mw.map((m) => m.type)).toEqual(['auth', 'tokenexchange', 'mcp-parser']);
    expect(mw[1]?.parameters['token_exchange_config']).toEqual({
      token_url: 'https://idp.example.com/token',
      client_id: 'exchange-client',
      client_secret: 'test-only-secret',
      audience: 'backend-api',
      scopes: ['api:read'],
      header_strategy: 'replace',
    });
  });
  it('a custom header is the custom strategy', () => {
    const j = runConfigJson({
      ...input,
      tokenExchange: {
        ...(input.tokenExchange as NonNullable<RunConfigInput['tokenExchange']>),
        headerName: 'X-Backend',
      },
    });
    const te = (j['middleware_configs'] as { parameters: { token_exchange_config?: unknown } }[])[1]
      ?.parameters.token_exchange_config;
    expect(te).toMatchObject({
      header_strategy: 'custom',
      external_token_header_name: 'X-Backend',
    });
  });
});

describe('client config files', () => {
  it('upsert keeps other keys, writes {url, type}; remove drops only that server', () => {
    const p = thvPaths(home, {});
    const file = clientFilePath(p, 'claude-code') as string;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ theme: 'dark', mcpServers: { other: { url: 'x' } } }));
    upsertClientServer(
      p,
      'claude-code',
      'backend-mcp',
      'http://127.0.0.1:8080/mcp',
      'streamable-http',
    );
    const j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(j).toEqual({
      theme: 'dark',
      mcpServers: {
        other: { url: 'x' },
        'backend-mcp': { url: 'http://127.0.0.1:8080/mcp', type: 'http' },
      },
    });
    expect(clientConfigUrl(p, 'claude-code', 'backend-mcp')).toEqual({
      url: 'http://127.0.0.1:8080/mcp',
    });
    expect(clientConfigUrl(p, 'claude-code')).toMatchObject({
      error: expect.stringMatching(/2 servers/),
    });
    removeClientServer(p, 'claude-code', 'backend-mcp');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      theme: 'dark',
      mcpServers: { other: { url: 'x' } },
    });
  });
  it('VS Code: servers, sse as "sse"; a missing file is an error that says how to make it', () => {
    const p = thvPaths(home, {});
    expect(clientConfigUrl(p, 'vscode')).toMatchObject({
      error: expect.stringMatching(
        /does not exist: no sample registered vscode \(thv client register vscode\)/,
      ),
    });
    upsertClientServer(p, 'vscode', 's', mcpServerUrl('127.0.0.1', 8081, 'sse', 's'), 'sse');
    const j = JSON.parse(readFileSync(clientFilePath(p, 'vscode') as string, 'utf8')) as Record<
      string,
      unknown
    >;
    expect(j).toEqual({ servers: { s: { url: 'http://127.0.0.1:8081/sse#s', type: 'sse' } } });
  });
});

it('default workload names as pkg/container/name.go generates them', () => {
  expect(defaultWorkloadName('ghcr.io/example/backend-mcp-server:latest')).toBe(
    'example-backend-mcp-server',
  );
  expect(defaultWorkloadName('localhost:5000/mcp:1')).toBe('localhost-mcp');
  expect(defaultWorkloadName('fetch')).toBe('fetch');
});
