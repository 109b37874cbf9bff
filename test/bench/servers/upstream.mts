// The benchmarks' upstream MCP endpoint, in a process of its own: a plain
// node:http server on 127.0.0.1 that reads the request and answers one small
// JSON-RPC result (and, for a GET that accepts text/event-stream, a stream it keeps open). Prints its URL as one JSON line ({ url }); stops on SIGTERM
// or when its parent goes away (stdin closes).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const answer = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  result: { content: [{ type: 'text', text: 'ok'.repeat(100) }] },
});
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.headers.accept?.includes('text/event-stream')) {
    // a long-lived event stream: the GET stream of MCP's streamable HTTP transport
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': open\n\n');
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => clearInterval(ping));
    return;
  }
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(answer),
    });
    res.end(answer);
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
