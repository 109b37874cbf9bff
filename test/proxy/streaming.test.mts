// MCP traffic passes faithfully: SSE streams unbuffered, session headers both
// ways, DELETE, hop-by-hop headers dropped, a client disconnect aborts the
// upstream request, and the old HTTP+SSE transport works through the proxy.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  startBackendApi,
  type RunningBackendApi,
} from '../../scripts/example-mcp-server/backend-api.mts';
import {
  startExampleMcpServer,
  type RunningExampleMcpServer,
} from '../../scripts/example-mcp-server/mcp-server.mts';
import { startProxy, type RunningProxy } from '../../scripts/token-exchange-proxy/index.mts';
import { BACKEND_AUDIENCE, fixtureAuth } from './helpers/fixture-idp.mts';
import { LogCapture } from './helpers/log-capture.mts';
import { toolText } from './helpers/mcp-client.mts';
import { startProxyFixture, type ProxyFixture } from './helpers/proxy-fixture.mts';

const log = new LogCapture();
let fx: ProxyFixture;
let { idp, upstream, proxy, token } = {} as ProxyFixture;

beforeAll(async () => {
  fx = await startProxyFixture('stream', log);
  ({ idp, upstream, proxy, token } = fx);
});
afterAll(() => fx.close());

describe('streamable HTTP details', () => {
  it('an SSE event reaches the client before the upstream sends the next one (no buffering)', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    upstream.handlers.set('/sse-slow', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('id: 1\ndata: {"n":1}\n\n');
      void released.then(() => res.end('id: 2\ndata: {"n":2}\n\n'));
    });
    const res = await request(`${proxy.url}/sse-slow`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    expect(res.headers['content-type']).toBe('text/event-stream');
    const it = res.body[Symbol.asyncIterator]();
    const first = await it.next();
    // The second event does not exist yet: the first arrived on its own.
    expect(String(first.value)).toContain('data: {"n":1}');
    release();
    let rest = '';
    for (let n = await it.next(); !n.done; n = await it.next()) rest += String(n.value);
    expect(rest).toContain('data: {"n":2}');
  });

  it('a client that disconnects aborts the upstream request', async () => {
    let upstreamClosed: () => void = () => undefined;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    upstream.handlers.set('/sse-forever', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      req.socket.on('close', () => upstreamClosed());
    });
    const controller = new AbortController();
    const res = await request(`${proxy.url}/sse-forever`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    await res.body[Symbol.asyncIterator]().next();
    controller.abort();
    await closed; // resolves only if the proxy closed its upstream connection
  });

  it('Mcp-Session-Id and Last-Event-ID go up, Mcp-Session-Id comes back; DELETE passes; hop-by-hop headers stay behind', async () => {
    // node:http, because fetch drops Connection and Proxy-* request headers itself.
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${proxy.url}/mcp`, {
        method: 'DELETE',
        headers: {
          authorization: `Bearer ${token}`,
          'mcp-session-id': 'abc-123',
          'last-event-id': '42',
          'mcp-protocol-version': '2025-06-18',
          connection: 'keep-alive, x-hop',
          'x-hop': 'do-not-forward',
          'proxy-authorization': 'Basic eDp5',
        },
      });
      req.on('response', resolve).on('error', reject).end();
    });
    res.resume();
    expect(res.statusCode).toBe(200);
    expect(res.headers['mcp-session-id']).toBe('session-from-upstream');
    const seen = upstream.requests.at(-1);
    expect(seen?.method).toBe('DELETE');
    expect(seen?.headers).toMatchObject({
      'mcp-session-id': 'abc-123',
      'last-event-id': '42',
      'mcp-protocol-version': '2025-06-18',
    });
    expect(seen?.headers['x-hop']).toBeUndefined();
    expect(seen?.headers['proxy-authorization']).toBeUndefined();
  });

  it('a POST body reaches the upstream unchanged', async () => {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'x', arguments: { s: 'ü'.repeat(5000) } },
    });
    const res = await fetch(`${proxy.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    expect(upstream.requests.at(-1)?.body).toBe(body);
  });
});

describe('the old HTTP+SSE transport through the proxy', () => {
  let backend: RunningBackendApi;
  let mcp: RunningExampleMcpServer;
  let sseProxy: RunningProxy;
  beforeAll(async () => {
    backend = await startBackendApi({ issuer: idp.issuer, jwksUrl: idp.jwksUrl });
    mcp = await startExampleMcpServer({ backendUrl: backend.url });
    sseProxy = await startProxy({
      name: 'sse',
      targetUri: mcp.url,
      ...fixtureAuth(idp, { exchange: { scopes: ['api:read'] } }),
      logDestination: log,
    });
  });
  afterAll(async () => {
    await sseProxy.close();
    await mcp.close();
    await backend.close();
  });

  it('connects over /sse, posts to /messages, and the tool reaches the backend with the exchanged token', async () => {
    const headers = { authorization: `Bearer ${token}` };
    const client = new Client({ name: 'sse-test', version: '1.0.0' });
    const transport = new SSEClientTransport(new URL(`${sseProxy.url}/sse`), {
      requestInit: { headers },
      eventSourceInit: {
        fetch: (url, init) =>
          fetch(url, {
            ...init,
            headers: { ...(init?.headers as Record<string, string>), ...headers },
          }),
      },
    });
    await client.connect(transport);
    const result = await client.callTool({ name: 'list_items', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(toolText(result))).toMatchObject({ owner: 'alice@example.com' });
    expect(backend.received.at(-1)?.claims).toMatchObject({
      aud: BACKEND_AUDIENCE,
      scope: 'api:read',
    });
    await client.close();
  });
});
