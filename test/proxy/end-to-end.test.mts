// A real MCP client → reference proxy → example MCP server → backend API,
// with the exchange done at the IdP: the backend gets the exchanged token
// (audience and scopes changed, sub kept) and never the client's token.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startBackendApi,
  type RunningBackendApi,
} from '../../scripts/example-mcp-server/backend-api.mts';
import {
  startExampleMcpServer,
  type RunningExampleMcpServer,
} from '../../scripts/example-mcp-server/mcp-server.mts';
import { startProxy, type RunningProxy } from '../../scripts/token-exchange-proxy/index.mts';
import type { ProxyOptions } from '../../scripts/token-exchange-proxy/options.mts';
import {
  BACKEND_AUDIENCE,
  EXCHANGE_CLIENT_SECRET,
  fixtureAuth,
  MCP_AUDIENCE,
  startFixtureIdp,
  type FixtureIdp,
} from './helpers/fixture-idp.mts';
import { LogCapture } from './helpers/log-capture.mts';
import { connectMcp, toolText } from './helpers/mcp-client.mts';

let idp: FixtureIdp;
let backend: RunningBackendApi;
const secrets = new Set<string>([EXCHANGE_CLIENT_SECRET]);
const started: RunningProxy[] = [];
const logs: LogCapture[] = [];

beforeAll(async () => {
  idp = await startFixtureIdp();
  backend = await startBackendApi({ issuer: idp.issuer, jwksUrl: idp.jwksUrl });
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.close()));
  await backend.close();
  await idp.close();
  for (const l of logs) l.expectNoSecrets(secrets);
});
afterEach(() => {
  backend.received.length = 0;
});

async function proxyFor(
  mcpUrl: string,
  extra: Partial<ProxyOptions> = {},
  te: Partial<NonNullable<ProxyOptions['tokenExchange']>> = {},
) {
  const log = new LogCapture();
  logs.push(log);
  const proxy = await startProxy({
    name: 'e2e',
    targetUri: mcpUrl,
    ...fixtureAuth(idp, { exchange: { scopes: ['api:read', 'api:write'], ...te } }),
    resourceUrl: 'http://127.0.0.1/mcp',
    logDestination: log,
    ...extra,
  });
  started.push(proxy);
  return proxy;
}

describe('MCP client through the proxy to the backend API', () => {
  let mcp: RunningExampleMcpServer;
  beforeAll(async () => {
    mcp = await startExampleMcpServer({ backendUrl: backend.url });
  });
  afterAll(() => mcp.close());

  it('calls a tool; the backend receives the exchanged token with the same sub', async () => {
    const proxy = await proxyFor(mcp.mcpUrl);
    const token = await idp.mint();
    secrets.add(token);
    const client = await connectMcp(`${proxy.url}/mcp`, token);
    const result = await client.callTool({ name: 'get_profile', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(toolText(result))).toMatchObject({
      sub: 'alice@example.com',
      scopes: ['api:read', 'api:write'],
    });
    const got = backend.received.at(-1);
    expect(got?.status).toBe(200);
    expect(got?.claims).toMatchObject({
      aud: BACKEND_AUDIENCE,
      sub: 'alice@example.com',
      iss: idp.issuer,
    });
    // The MCP server never saw a token for the MCP audience.
    for (const seen of mcp.seen) {
      for (const t of Object.values(seen.tokens))
        expect(t).not.toMatchObject({ aud: MCP_AUDIENCE });
    }
    await client.close();
  });

  it('exchanges once for many calls with one token (cache), not at all for a second session', async () => {
    const proxy = await proxyFor(mcp.mcpUrl);
    const token = await idp.mint({ sub: 'bob@example.com' });
    secrets.add(token);
    const before = idp.exchanges().length;
    const client = await connectMcp(`${proxy.url}/mcp`, token);
    for (let i = 0; i < 5; i++) await client.callTool({ name: 'list_items', arguments: {} });
    await client.close();
    expect(idp.exchanges().length - before).toBe(1);
  });

  it('--compat toolhive exchanges on every request', async () => {
    const proxy = await proxyFor(mcp.mcpUrl, { compat: 'toolhive', clockSkewSeconds: 0 });
    const token = await idp.mint({ sub: 'carol@example.com' });
    secrets.add(token);
    const before = idp.exchanges().length;
    const client = await connectMcp(`${proxy.url}/mcp`, token);
    await client.callTool({ name: 'list_items', arguments: {} });
    await client.callTool({ name: 'list_items', arguments: {} });
    await client.close();
    // initialize, notifications/initialized, 2 tool calls, DELETE on close (at least 4 HTTP requests)
    expect(idp.exchanges().length - before).toBeGreaterThanOrEqual(4);
  });
});

describe('custom header mode', () => {
  let mcp: RunningExampleMcpServer;
  beforeAll(async () => {
    mcp = await startExampleMcpServer({ backendUrl: backend.url, tokenHeader: 'X-Backend-Token' });
  });
  afterAll(() => mcp.close());

  it('puts Bearer <exchanged> in the header and drops the client Authorization by default', async () => {
    const proxy = await proxyFor(mcp.mcpUrl, {}, { headerName: 'X-Backend-Token' });
    const token = await idp.mint();
    secrets.add(token);
    mcp.seen.length = 0;
    const client = await connectMcp(`${proxy.url}/mcp`, token);
    const result = await client.callTool({ name: 'get_profile', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(backend.received.at(-1)?.mcpServerReceivedIn).toBe('x-backend-token');
    expect(mcp.seen.length).toBeGreaterThan(0);
    for (const seen of mcp.seen) {
      expect(Object.keys(seen.tokens)).toEqual(['x-backend-token']);
      expect(seen.tokens['x-backend-token']).toMatchObject({ aud: BACKEND_AUDIENCE });
    }
    await client.close();
  });

  it('--compat toolhive forwards the client Authorization as well (as ToolHive does)', async () => {
    const proxy = await proxyFor(
      mcp.mcpUrl,
      { compat: 'toolhive' },
      { headerName: 'X-Backend-Token' },
    );
    const token = await idp.mint();
    secrets.add(token);
    mcp.seen.length = 0;
    const client = await connectMcp(`${proxy.url}/mcp`, token);
    await client.callTool({ name: 'get_profile', arguments: {} });
    await client.close();
    const first = mcp.seen[0];
    expect(first?.tokens.authorization).toMatchObject({ aud: MCP_AUDIENCE });
    expect(first?.tokens['x-backend-token']).toMatchObject({ aud: BACKEND_AUDIENCE });
  });
});
