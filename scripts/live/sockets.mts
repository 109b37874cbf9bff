// Socket plumbing the live tier's relays share (the host side in
// environment.mts, the namespace side in netns-relay.mts): pipe two sockets
// both ways, each closing the other, tracked for clean-up; listen and wait.
import type net from 'node:net';

/** Pipes a ↔ b; each end's close or error ends the other; both stay in `sockets` while open. */
export function pipeSockets(a: net.Socket, b: net.Socket, sockets: Set<net.Socket>): void {
  for (const s of [a, b]) {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  }
  a.pipe(b);
  b.pipe(a);
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}

/** Listens on a Unix socket path, or a port and host; rejects on the listen error. */
export function listenOn(server: net.Server, ...args: [string] | [number, string]): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if (args.length === 1) server.listen(args[0], done);
    else server.listen(args[0], args[1], done);
  });
}
