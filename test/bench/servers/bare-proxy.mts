// The yardstick, in a process of its own: a node:http server that forwards
// every request to the upstream with the reference proxy's own forwarding
// (forward.mts: createUpstream's Pool settings, forward()'s streaming both
// ways, a client disconnect aborting the upstream request) and copies headers
// minus hop-by-hop ones — everything a proxy must do, nothing about tokens,
// metrics or logs. It sets no X-Forwarded-* (the reference proxy and ToolHive
// do: three more request headers upstream). The same forward() on both sides
// keeps the ratio about what the token work costs, not about how the
// forwarding is written.
//   bare-proxy.mts UPSTREAM_URL
// Prints { url } once it listens; stops on SIGTERM or when stdin closes.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createUpstream,
  forward,
  sendInternalError,
  stripHopByHop,
  type ForwardObserver,
} from '../../../scripts/token-exchange-proxy/forward.mts';

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: bare-proxy.mts UPSTREAM_URL\n');
  process.exit(2);
}
const upstream = createUpstream(target);
const observer: ForwardObserver = {
  upstreamHeaders: () => undefined,
  done: () => undefined,
  failed: (res: ServerResponse) => sendInternalError(res),
};
// the reference proxy's keep-alive (server.mts), so that neither closes idle client connections sooner
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) =>
  forward(upstream, req, res, stripHopByHop(req.headers), req.url ?? '/', observer),
);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => void upstream.pool.close().then(() => process.exit(0)));
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
