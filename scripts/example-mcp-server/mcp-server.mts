// An MCP server (official TypeScript SDK, streamable HTTP at /mcp, and the
// older HTTP+SSE transport at /sse + /messages) that accepts a per-request
// token and passes it on: each tool calls the backend API with the token that
// came with *that* MCP request — from Authorization, or from a custom header
// when the proxy uses one (ToolHive's --token-exchange-header-name).
//
// The server does not validate tokens itself; the backend API does. It
// records which token headers each request carried (names and unverified
// claims, never raw tokens) at GET /__received.
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { InMemoryEventStore } from '@modelcontextprotocol/sdk/examples/shared/inMemoryEventStore.js';
import { decodeJwt } from 'jose';
import { z } from 'zod';

/**
 * The environment variable that tells the example MCP server's container
 * image which header its token arrives in (its `--token-header`): what a
 * page sets with `thv run -e` or an MCPServer's `env`, next to the proxy's
 * `--token-exchange-header-name` / `externalTokenHeaderName`. The proxy
 * setting alone does not reach the server.
 */
export const TOKEN_HEADER_ENV = 'EXAMPLE_MCP_TOKEN_HEADER';

export interface ExampleMcpServerOptions {
  /** Base URL of the backend API (e.g. http://127.0.0.1:9100). */
  backendUrl: string;
  /** Header the per-request token arrives in (default authorization). Its value is `Bearer <token>`. */
  tokenHeader?: string;
  host?: string;
  port?: number;
}

export interface SeenRequest {
  at: string;
  method: string;
  path: string;
  /** For each token-carrying header present: unverified claims worth comparing. */
  tokens: Record<
    string,
    { aud?: unknown; iss?: unknown; sub?: unknown; scope?: unknown; scp?: unknown } | 'opaque'
  >;
}

export interface RunningExampleMcpServer {
  url: string;
  mcpUrl: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * The line the example MCP server image prints when it is up (what `thv logs
 * NAME` shows for it): its MCP URL, as it listens in the container, and the
 * backend API it calls.
 */
export function listeningLogLine(mcpUrl: string, backendUrl: string): string {
  return `${JSON.stringify({ msg: 'example MCP server listening', url: mcpUrl, backend: backendUrl })}\n`;
}

function tokenFrom(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  const value = Array.isArray(v) ? v[0] : v;
  return value?.startsWith('Bearer ') ? value.slice(7) : undefined;
}

function summarize(token: string): SeenRequest['tokens'][string] {
  try {
    const c = decodeJwt(token);
    return { aud: c.aud, iss: c.iss, sub: c.sub, scope: c.scope, scp: c.scp };
  } catch {
    return 'opaque';
  }
}

function buildServer(opts: ExampleMcpServerOptions, tokenHeader: string): McpServer {
  const server = new McpServer({ name: 'example-backend-mcp-server', version: '1.0.0' });

  async function callBackend(
    method: 'GET' | 'POST',
    path: string,
    headers: IncomingHttpHeaders | undefined,
  ) {
    const token = headers ? tokenFrom(headers, tokenHeader) : undefined;
    if (!token) {
      return {
        isError: true,
        content: [
          {
            type: 'text' as const,
            text: `No per-request token: expected "Bearer <token>" in the ${tokenHeader} header`,
          },
        ],
      };
    }
    const res = await fetch(new URL(path, opts.backendUrl), {
      method,
      headers: { authorization: `Bearer ${token}`, 'x-token-received-in': tokenHeader },
    });
    const text = await res.text();
    return {
      isError: !res.ok,
      content: [
        { type: 'text' as const, text: res.ok ? text : `backend answered ${res.status}: ${text}` },
      ],
    };
  }

  server.registerTool(
    'get_profile',
    {
      description: 'The signed-in user as the backend API sees them (needs api:read)',
      inputSchema: {},
    },
    async (_args, extra) =>
      callBackend('GET', '/api/profile', extra.requestInfo?.headers as IncomingHttpHeaders),
  );
  server.registerTool(
    'list_items',
    { description: "List the user's items from the backend API (needs api:read)", inputSchema: {} },
    async (_args, extra) =>
      callBackend('GET', '/api/items', extra.requestInfo?.headers as IncomingHttpHeaders),
  );
  server.registerTool(
    'create_item',
    {
      description: 'Create an item in the backend API (needs api:write)',
      inputSchema: { name: z.string() },
    },
    async (_args, extra) =>
      callBackend('POST', '/api/items', extra.requestInfo?.headers as IncomingHttpHeaders),
  );
  return server;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

export async function startExampleMcpServer(
  opts: ExampleMcpServerOptions,
): Promise<RunningExampleMcpServer> {
  const tokenHeader = (opts.tokenHeader ?? 'authorization').toLowerCase();
  const seen: SeenRequest[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const sseSessions = new Map<string, SSEServerTransport>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url.pathname === '/__received') {
      if (req.method === 'DELETE') {
        seen.length = 0;
        res.writeHead(204).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen));
      return;
    }
    const tokens: SeenRequest['tokens'] = {};
    for (const name of new Set(['authorization', tokenHeader])) {
      const t = tokenFrom(req.headers, name);
      if (t) tokens[name] = summarize(t);
    }
    seen.push({
      at: new Date().toISOString(),
      method: req.method ?? 'GET',
      path: url.pathname,
      tokens,
    });

    if (url.pathname === '/mcp') {
      // MCP streamable HTTP: one transport per session (Mcp-Session-Id).
      const sessionId = req.headers['mcp-session-id'] as string | undefined;
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      let transport = sessionId ? sessions.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              jsonrpc: '2.0',
              error: { code: -32001, message: 'Session not found' },
              id: null,
            }),
          );
          return;
        }
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          eventStore: new InMemoryEventStore(), // Last-Event-ID resumption
          onsessioninitialized: (id: string): void => {
            sessions.set(id, created);
          },
        });
        created.onclose = () => {
          if (created.sessionId) sessions.delete(created.sessionId);
        };
        await buildServer(opts, tokenHeader).connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, body);
      return;
    }
    if (url.pathname === '/sse' && req.method === 'GET') {
      // The HTTP+SSE transport of MCP 2024-11-05.
      const transport = new SSEServerTransport('/messages', res);
      sseSessions.set(transport.sessionId, transport);
      res.on('close', () => sseSessions.delete(transport.sessionId));
      await buildServer(opts, tokenHeader).connect(transport);
      return;
    }
    if (url.pathname === '/messages' && req.method === 'POST') {
      const transport = sseSessions.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) {
        res.writeHead(404).end('unknown sessionId');
        return;
      }
      await transport.handlePostMessage(req, res, await readJson(req));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'server_error', error_description: (e as Error).message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  return {
    url,
    mcpUrl: `${url}/mcp`,
    seen,
    async close() {
      for (const t of sessions.values()) await t.close().catch(() => undefined);
      for (const t of sseSessions.values()) await t.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
