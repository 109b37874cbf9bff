// CLI of the example MCP server and its backend API.
//   npm run mcp-example -- --port N --backend-url URL [--token-header NAME] [--host H]
//   npm run mcp-example -- backend --port N --issuer URL [--jwks-url URL] [--audience A] [--host H]
import { parseArgs } from 'node:util';
import { startBackendApi } from './backend-api.mts';
import { startExampleMcpServer } from './mcp-server.mts';

const HELP = `Usage:
  npm run mcp-example -- [mcp] --backend-url URL [--port N] [--host H] [--token-header NAME]
      An MCP server (streamable HTTP at /mcp, HTTP+SSE at /sse) whose tools call the backend
      API with the token each MCP request carried.
      --backend-url URL     base URL of the backend API (required)
      --port N              port (default 0: a free port; the URL is printed)
      --host H              address (default 127.0.0.1)
      --token-header NAME   header the token arrives in, as "Bearer <token>" (default authorization)

  npm run mcp-example -- backend --issuer URL [--jwks-url URL] [--audience A] [--port N] [--host H]
      The backend API: verifies tokens (issuer, JWKS signature, audience, scopes api:read /
      api:write) and records what it received at GET /__received.
      --issuer URL          expected iss (required)
      --jwks-url URL        JWKS URL (default: OIDC discovery of the issuer)
      --audience A          expected audience (default backend-api)
`;

function fail(message: string): never {
  process.stderr.write(`mcp-example: error: ${message}\n\n${HELP}`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        'backend-url': { type: 'string' },
        'token-header': { type: 'string' },
        issuer: { type: 'string' },
        'jwks-url': { type: 'string' },
        audience: { type: 'string' },
      },
    });
  } catch (e) {
    fail((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const mode = positionals[0] ?? 'mcp';
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port ${values.port} is not a port number`);
  let running: { url: string; close(): Promise<void> };
  if (mode === 'backend') {
    if (!values.issuer) fail('--issuer is required in backend mode');
    running = await startBackendApi({
      issuer: values.issuer,
      jwksUrl: values['jwks-url'],
      audience: values.audience,
      host: values.host,
      port,
    });
    process.stdout.write(
      `${JSON.stringify({ msg: 'backend API listening', url: running.url, received: `${running.url}/__received` })}\n`,
    );
  } else if (mode === 'mcp') {
    if (!values['backend-url']) fail('--backend-url is required');
    const mcp = await startExampleMcpServer({
      backendUrl: values['backend-url'],
      tokenHeader: values['token-header'],
      host: values.host,
      port,
    });
    running = mcp;
    process.stdout.write(
      `${JSON.stringify({ msg: 'example MCP server listening', url: mcp.url, mcpUrl: mcp.mcpUrl })}\n`,
    );
  } else {
    fail(`unknown mode "${mode}": use mcp (default) or backend`);
  }
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((e: unknown) => fail((e as Error).message));
