// A sealed network namespace for runs that include the real `thv` (the
// fidelity suite, the bench):
// ToolHive's OIDC/JWKS client ignores HTTPS_PROXY and refuses loopback and
// private addresses (pkg/networking/http_client.go, utilities.go @v0.44.0),
// so the vendor host names must resolve, as in real life, to an address it
// accepts. Inside a namespace with no route out, 198.18.0.10 (RFC 2544's
// benchmarking range, which ToolHive does not block) sits on `lo`, and the
// namespace's own /etc/hosts (`ip netns exec` bind-mounts /etc/netns/NAME/hosts)
// maps the vendor hosts to it. Needs root and iproute2; nothing leaves the namespace.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

export const SEALED_ADDRESS = '198.18.0.10';

export interface SealedNetwork {
  name: string;
  /** Prefix for a command that runs inside the namespace. */
  wrapper: string[];
  close(): void;
}

export function sealedNetworkUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for a network namespace (ip netns add)';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'needs iproute2 (`ip`): apt-get install iproute2';
  }
  return undefined;
}

export function createSealedNetwork(hosts: string[], prefix = 'thv-sealed'): SealedNetwork {
  const name = `${prefix}-${process.pid}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  ip('netns', 'add', name);
  const dir = `/etc/netns/${name}`;
  const close = () => {
    try {
      ip('netns', 'del', name);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ip('-n', name, 'link', 'set', 'lo', 'up');
    ip('-n', name, 'addr', 'add', `${SEALED_ADDRESS}/32`, 'dev', 'lo');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/hosts`, `127.0.0.1 localhost\n${SEALED_ADDRESS} ${hosts.join(' ')}\n`);
    writeFileSync(`${dir}/resolv.conf`, ''); // no DNS server: every other name fails at once
  } catch (err) {
    close();
    throw err;
  }
  return { name, wrapper: ['ip', 'netns', 'exec', name], close };
}
