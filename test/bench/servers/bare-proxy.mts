// The yardstick, in a process of its own: a node:http server that forwards
// every request to the upstream through an undici Pool with the reference
// proxy's own Pool settings (forward.mts createUpstream) and copies headers
// minus hop-by-hop ones — everything a proxy must do, nothing about tokens.
//   bare-proxy.mts UPSTREAM_URL
// Prints { url } once it listens; stops on SIGTERM or when stdin closes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUpstream, stripHopByHop } from '../../../scripts/token-exchange-proxy/forward.mts';

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: bare-proxy.mts UPSTREAM_URL\n');
  process.exit(2);
}
const { pool } = createUpstream(target);
const server = createServer((req, res) => {
  pool
    .request({
      path: req.url ?? '/',
      method: req.method as 'POST',
      headers: stripHopByHop(req.headers),
      body: req,
    })
    .then(({ statusCode, headers, body }) => {
      res.writeHead(statusCode, stripHopByHop(headers));
      body.pipe(res);
    })
    .catch(() => {
      res.writeHead(502).end();
    });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => void pool.close().then(() => process.exit(0)));
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
