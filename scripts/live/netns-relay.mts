// The relay that runs INSIDE the live tier's network namespace (started with
// `ip netns exec NAME node netns-relay.mjs`). It joins the namespace's TCP
// world to the host's through Unix sockets, which both sides reach as files:
//
//   listen   a TCP listener in the namespace (e.g. 198.18.0.1:443, where the
//            namespace's /etc/hosts sends dev-123456.okta.com); each connection
//            is piped to a Unix socket the host side serves;
//   expose   a Unix socket the host side connects to; each connection is piped
//            to a TCP address in the namespace (e.g. thv's 127.0.0.1:8080).
//
// Commands arrive on stdin, one JSON object a line; each gets one JSON reply
// line on stdout ({"id":…,"ok":true} or {"id":…,"ok":false,"error":"…"}).
// The relay ends when stdin closes: its parent going away stops it.
import net from 'node:net';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { listenOn, pipeSockets } from './sockets.mts';

export type RelayCommand =
  | { id: number; op: 'listen'; host: string; port: number; unix: string }
  | { id: number; op: 'expose'; unix: string; host: string; port: number };

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();

/** Runs one command; a `listen` answers with the port it got (port 0: a free one). */
async function run(cmd: RelayCommand): Promise<number | undefined> {
  if (cmd.op === 'listen') {
    const server = net.createServer((c) => pipeSockets(c, net.connect(cmd.unix), sockets));
    await listenOn(server, cmd.port, cmd.host);
    servers.push(server);
    return (server.address() as net.AddressInfo).port;
  } else {
    rmSync(cmd.unix, { force: true });
    const server = net.createServer((c) =>
      pipeSockets(c, net.connect(cmd.port, cmd.host), sockets),
    );
    await listenOn(server, cmd.unix);
    servers.push(server);
    return undefined;
  }
}

const reply = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  let cmd: RelayCommand;
  try {
    cmd = JSON.parse(line) as RelayCommand;
  } catch {
    reply({ id: -1, ok: false, error: `not JSON: ${line.slice(0, 80)}` });
    return;
  }
  run(cmd).then(
    (port) => reply({ id: cmd.id, ok: true, ...(port === undefined ? {} : { port }) }),
    (e: unknown) => reply({ id: cmd.id, ok: false, error: (e as Error).message }),
  );
});
lines.on('close', () => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
  process.exit(0);
});
reply({ id: 0, ok: true, ready: true });
