// The program inside the live tier's example MCP server image: the example
// MCP server AND the example backend API, in one container.
//
//   mcp-container.mjs            serve (the image's entrypoint)
//   mcp-container.mjs received   print the backend API's record (GET /__received) as JSON
//
// Why both in one container: the run's servers bind 127.0.0.1 only, so no
// backend API on the host is reachable from a container. Inside the container
// the backend API listens on the container's own loopback, where the MCP
// server reaches it directly (ToolHive's egress proxy variables list
// 127.0.0.1 in NO_PROXY, pkg/container/docker/client.go@v0.44.0
// addEgressEnvVars). The backend validates the exchanged token against the
// mock IdP's JWKS, baked into the image at build time (the mock IdP's signing
// keys are fixed test fixtures, scripts/lib/test-only-keys.mts), served to it
// from loopback as well: the container never talks to the host.
//
// ToolHive tells the server its port in MCP_PORT (pkg/runtime/setup.go@v0.44.0).
// It also sets MCP_HOST, to the address its proxy dials on the host side
// (127.0.0.1), which is not an address to bind inside a container: the MCP
// server listens on all of the container's interfaces, as container images
// do, so that ToolHive's ingress proxy reaches it over the workload's network.
import { readFileSync } from 'node:fs';
import http, { createServer } from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import type { AddressInfo } from 'node:net';
import { startBackendApi } from '../../example-mcp-server/backend-api.mts';
import {
  listeningLogLine,
  startExampleMcpServer,
  TOKEN_HEADER_ENV,
} from '../../example-mcp-server/mcp-server.mts';

/** Where the image keeps what the build baked in. */
export const BACKEND_CONFIG_PATH = '/opt/toolhive-docs/backend.json';
/** The backend API's port on the container's loopback. */
export const BACKEND_PORT = 9000;

export interface BakedBackendConfig {
  issuer: string;
  audience: string;
  jwks: { keys: unknown[] };
}

/**
 * ToolHive's ingress proxy is Squid with `standby=2` on its cache_peer
 * (pkg/container/docker/squid.go@v0.44.0): it keeps idle connections to the
 * MCP server open and sends the next request on one. Node closes an idle
 * connection after 5 s (server.keepAliveTimeout), and Squid then answers that
 * request itself with 502 ERR_READ_ERROR; a connection that has sent no
 * request yet is closed after headersTimeout. MCP servers meant for ToolHive
 * keep idle connections open; so do the servers in this image.
 */
function keepIdleConnections(): void {
  const original = http.createServer;
  http.createServer = ((...args: Parameters<typeof original>) => {
    const server = original(...args);
    server.keepAliveTimeout = 0;
    // and the connections Squid opens ahead, which send no request for a while
    server.headersTimeout = 0;
    server.requestTimeout = 0;
    return server;
  }) as typeof original;
  syncBuiltinESMExports();
}

async function serve(): Promise<void> {
  keepIdleConnections();
  const config = JSON.parse(readFileSync(BACKEND_CONFIG_PATH, 'utf8')) as BakedBackendConfig;
  const jwksBody = JSON.stringify(config.jwks);
  const jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwksBody);
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
  const backend = await startBackendApi({
    issuer: config.issuer,
    audience: config.audience,
    jwksUrl,
    host: '127.0.0.1',
    port: BACKEND_PORT,
  });
  const port = Number(process.env['MCP_PORT'] ?? '8080');
  const mcp = await startExampleMcpServer({
    backendUrl: backend.url,
    host: '0.0.0.0',
    port,
    ...(process.env[TOKEN_HEADER_ENV] ? { tokenHeader: process.env[TOKEN_HEADER_ENV] } : {}),
  });
  process.stdout.write(listeningLogLine(mcp.mcpUrl, backend.url));
  const stop = () => {
    void Promise.allSettled([mcp.close(), backend.close()]).then(() => {
      jwks.close();
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function printReceived(): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${BACKEND_PORT}/__received`);
  process.stdout.write(await res.text());
}

const mode = process.argv[2] ?? 'serve';
(mode === 'received' ? printReceived() : serve()).catch((e: unknown) => {
  process.stderr.write(`mcp-container: ${(e as Error).message}\n`);
  process.exit(1);
});
