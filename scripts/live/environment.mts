// The live tier's machinery: the real `thv` at the pinned release, a real
// container runtime (podman) and the network plumbing that lets them reach
// the run's mock IdP at the vendor URLs while nothing leaves the machine.
//
// Why a network namespace. ToolHive's OIDC discovery and JWKS client
// (pkg/networking/http_client.go@v0.44.0, HttpClientBuilder.Build) uses an
// http.Transport without a Proxy function, so it ignores HTTPS_PROXY, and its
// dialer refuses loopback, RFC 1918 and documentation addresses
// (pkg/networking/utilities.go@v0.44.0, privateIPBlocks) unless the page
// passes --jwks-allow-private-ip, which it must not do for the test's sake.
// So `thv` and podman run in a network namespace of their own whose
// /etc/hosts (`ip netns exec` bind-mounts /etc/netns/NAME/hosts) sends each
// vendor host to an address from 198.18.0.0/15 (RFC 2544's benchmarking
// range, which ToolHive does not block) on the namespace's loopback. A relay
// inside the namespace (netns-relay.mts) pipes those connections over Unix
// sockets to the run's forward proxy on the host, which terminates TLS with
// the run's test CA and records the call. The namespace has no interface but
// its loopback and podman's bridges: no packet can leave it.
//
// Ports a page names (`thv run --proxy-port 8080`) are published the other
// way: the host's 127.0.0.1:8080 is bound for real (a busy port fails with a
// clear message) and piped into the namespace's 127.0.0.1:8080.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { defaultBackendConfig, imageTarballs, type ImageTarball } from './images.mts';
import type { BakedBackendConfig } from './images/mcp-container.mts';
import { pinnedToolhive, REPO_ROOT, thvBinary, versionFromThvOutput } from './paths.mts';
import { listenOn, pipeSockets } from './sockets.mts';

const run = promisify(execFile);

export type LiveAvailability =
  { ok: true; thv: string; version: string } | { ok: false; reason: string };

/** Host tools the live runtime needs, with the Debian package that has each. */
const HOST_TOOLS: [tool: string, pkg: string][] = [
  ['podman', 'podman'],
  ['runc', 'runc'],
  ['squid', 'squid'],
  ['dnsmasq', 'dnsmasq-base'],
  ['ip', 'iproute2'],
  ['nsenter', 'util-linux'],
  ['netavark', 'netavark'],
  // netavark's firewall driver runs iptables; without it every container on a
  // podman network fails with "netavark: No such file or directory (os error 2)"
  ['iptables', 'iptables'],
  ['tar', 'tar'],
  ['ldd', 'libc-bin'],
];

const SBIN_PATH = [
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin',
  '/usr/lib/podman',
];

function findTool(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(':').filter(Boolean), ...SBIN_PATH];
  return dirs.map((d) => path.join(d, name)).find((p) => existsSync(p));
}

let availability: LiveAvailability | undefined;

/** Sync and cheap (one `thv version`, cached): is the live tier runnable here, and if not, why. */
export function liveAvailability(): LiveAvailability {
  if (availability) return availability;
  const missing = HOST_TOOLS.filter(([t]) => !findTool(t));
  if (missing.length > 0) {
    return (availability = {
      ok: false,
      reason: `no ${missing.map(([t]) => t).join(', ')} on PATH (Debian: apt-get install ${[...new Set(missing.map(([, p]) => p))].join(' ')})`,
    });
  }
  if (process.getuid?.() !== 0) {
    return (availability = {
      ok: false,
      reason:
        'the live tier runs podman and a network namespace, which need root (run it as root, e.g. in CI or a container)',
    });
  }
  const pinned = pinnedToolhive();
  const thv = thvBinary();
  if (!existsSync(thv)) {
    return (availability = {
      ok: false,
      reason: `no thv ${pinned} at ${thv} (install it with: npm run live:setup)`,
    });
  }
  const home = mkdtempSync(path.join(os.tmpdir(), 'thv-version-'));
  try {
    const r = spawnSync(thv, ['version'], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { PATH: process.env['PATH'] ?? '', ...thvEnv({ home, caFile: '', httpsProxy: '' }) },
    });
    const version = versionFromThvOutput(r.stdout ?? '');
    if (version !== pinned) {
      return (availability = {
        ok: false,
        reason: `${thv} reports ${version ?? `no version (${(r.stderr || r.error?.message || '').trim().slice(0, 120)})`}, the guides need ${pinned} (reinstall with: npm run live:setup)`,
      });
    }
    return (availability = { ok: true, thv, version });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The environment of every `thv` the live tier starts: HOME and ToolHive's XDG
 * folders inside `home` (nothing touches the machine's ToolHive state), the
 * run's test CA (Go reads SSL_CERT_FILE), the forward proxy, and no update
 * check. ToolHive skips it only for the value "true"
 * (pkg/updates/client.go@v0.44.0 ShouldSkipUpdateChecks), which also turns
 * usage metrics off (pkg/usagemetrics/collector.go@v0.44.0).
 */
export function thvEnv(opts: {
  home: string;
  caFile: string;
  httpsProxy: string;
}): Record<string, string> {
  const dirs = {
    XDG_CONFIG_HOME: path.join(opts.home, '.config'),
    XDG_STATE_HOME: path.join(opts.home, '.local/state'),
    XDG_DATA_HOME: path.join(opts.home, '.local/share'),
    XDG_CACHE_HOME: path.join(opts.home, '.cache'),
    XDG_RUNTIME_DIR: path.join(opts.home, '.run'),
    // thv writes each workload's squid.conf with os.CreateTemp and never
    // removes it (pkg/container/docker/squid.go@v0.44.0): in the home, not /tmp
    TMPDIR: path.join(opts.home, '.tmp'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });
  return {
    HOME: opts.home,
    ...dirs,
    TOOLHIVE_SKIP_UPDATE_CHECK: 'true',
    TOOLHIVE_USAGE_METRICS_ENABLED: 'false',
    ...(opts.caFile ? { SSL_CERT_FILE: opts.caFile } : {}),
    ...(opts.httpsProxy
      ? {
          HTTPS_PROXY: opts.httpsProxy,
          https_proxy: opts.httpsProxy,
          HTTP_PROXY: opts.httpsProxy,
          http_proxy: opts.httpsProxy,
          NO_PROXY: 'localhost,127.0.0.1,::1',
          no_proxy: 'localhost,127.0.0.1,::1',
        }
      : {}),
  };
}

export interface LiveRuntime {
  /** podman API socket (Docker-compatible). */
  socket: string;
  /** TOOLHIVE_PODMAN_SOCKET, CONTAINERS_CONF, CONTAINERS_STORAGE_CONF, CONTAINERS_REGISTRIES_CONF, TOOLHIVE_EGRESS_IMAGE, TOOLHIVE_SKIP_UPDATE_CHECK. */
  env: Record<string, string>;
  /** Stand-in name (example-mcp-server, egress-proxy, dns) → the local podman image. */
  images: Record<string, string>;
  /** Stops everything it started (containers, networks, podman service, relay, namespace), by PID. */
  close(): Promise<void>;
  /** The network namespace thv and podman run in. */
  netns: string;
  /** Directory with `thv` and `podman` wrappers that run the real tools inside the namespace. */
  binDir: string;
  /** Gives a local image a further name (a page's image, e.g. ghcr.io/example/backend-mcp-server:latest). */
  alias(name: string, image: string): Promise<void>;
  /**
   * Sends these vendor host names (port 443), as seen from inside the namespace,
   * to `proxyUrl`'s forward proxy (CONNECT host:443). Returns the URL of that
   * same proxy as reachable from inside the namespace (for HTTPS_PROXY).
   */
  routeHosts(hosts: string[], proxyUrl: string): Promise<string>;
  /** Binds the host's 127.0.0.1:port and pipes it to the namespace's 127.0.0.1:port; fails when the port is busy. */
  publish(port: number): Promise<void>;
  /** The example backend API's record (GET /__received) from the one running example MCP server container. */
  backendReceived(): Promise<string>;
  /** Runs podman (inside the namespace, with the runtime's configuration). */
  podman(args: string[], opts?: { timeoutMs?: number }): Promise<string>;
}

export interface LiveRuntimeOptions {
  dir: string;
  signal?: AbortSignal;
  /** What the example backend API in the image accepts (default: the Okta backend server and its mock IdP JWKS). */
  backend?: BakedBackendConfig;
}

/** Docker's default capabilities (moby's oci/caps/defaults.go). */
const DOCKER_DEFAULT_CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
];

/** Writes ToolHive-ready podman configuration: runc, cgroupfs, explicit ulimits, offline registries. */
async function writePodmanConfig(dir: string): Promise<Record<string, string>> {
  const containersConf = path.join(dir, 'containers.conf');
  const storageConf = path.join(dir, 'storage.conf');
  const registriesConf = path.join(dir, 'registries.conf');
  await mkdir(path.join(dir, 'cni'), { recursive: true });
  // crun refuses "cgroups in hybrid mode" here; the default ulimits fail with
  // "setrlimit … Operation not permitted" in a sandbox.
  await writeFile(
    containersConf,
    [
      '[containers]',
      'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
      // Docker's default capability set, which ToolHive's Docker API client
      // assumes; podman's lacks NET_RAW, without which Squid's ICMP helper
      // (pinger) dies and Squid answers the first request with ERR_READ_ERROR
      `default_capabilities = [${DOCKER_DEFAULT_CAPABILITIES.map((c) => `"${c}"`).join(', ')}]`,
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `static_dir = "${path.join(dir, 'libpod')}"`,
      `tmp_dir = "${path.join(dir, 'libpod-tmp')}"`,
      `volume_path = "${path.join(dir, 'volumes')}"`,
      '[network]',
      // netavark, not CNI: CNI's portmap plugin also maps a published port
      // on ToolHive's internal network, which has no gateway, so the
      // proxy's connection to the ingress container times out
      'network_backend = "netavark"',
      // the run's networks stay in the run's folder, not /etc/containers/networks
      `network_config_dir = "${path.join(dir, 'cni')}"`,
      '',
    ].join('\n'),
  );
  await writeFile(
    storageConf,
    [
      '[storage]',
      'driver = "overlay"',
      `graphroot = "${path.join(dir, 'storage')}"`,
      `runroot = "${path.join(dir, 'storage-run')}"`,
      '',
    ].join('\n'),
  );
  // Nothing is ever pulled: every registry the run could name is blocked, so a
  // pull fails at once, without a DNS lookup, and ToolHive falls back to the
  // local image (pkg/runner/retriever/retriever.go@v0.44.0 pullImage).
  await writeFile(
    registriesConf,
    [
      'unqualified-search-registries = []',
      ...['docker.io', 'ghcr.io', 'quay.io', 'localhost'].flatMap((r) => [
        '[[registry]]',
        `prefix = "${r}"`,
        `location = "${r}"`,
        'blocked = true',
      ]),
      '',
    ].join('\n'),
  );
  return {
    CONTAINERS_CONF: containersConf,
    CONTAINERS_STORAGE_CONF: storageConf,
    CONTAINERS_REGISTRIES_CONF: registriesConf,
  };
}

async function bundleRelay(dir: string): Promise<string> {
  const out = path.join(dir, 'netns-relay.mjs');
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: ['scripts/live/netns-relay.mts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'silent',
  });
  return out;
}

interface Relay {
  child: ChildProcess;
  send(cmd: Record<string, unknown>): Promise<{ port?: number }>;
}

function startRelay(netns: string, script: string): Promise<Relay> {
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = new Map<number, (r: { ok: boolean; error?: string; port?: number }) => void>();
  let nextId = 1;
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      reject(new Error(`the network relay exited (${code}) before it was ready`));
      for (const w of waiting.values()) w({ ok: false, error: 'the network relay exited' });
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const r = JSON.parse(line) as { id: number; ok: boolean; error?: string; port?: number };
      if (r.id === 0) {
        resolve({
          child,
          send(cmd) {
            const id = nextId++;
            return new Promise((res, rej) => {
              waiting.set(id, (answer) => {
                waiting.delete(id);
                if (answer.ok) res(answer.port === undefined ? {} : { port: answer.port });
                else rej(new Error(`network relay: ${answer.error}`));
              });
              child.stdin?.write(`${JSON.stringify({ ...cmd, id })}\n`);
            });
          },
        });
      } else waiting.get(r.id)?.(r);
    });
  });
}

/** Opens a CONNECT tunnel to host:443 through an HTTP forward proxy. */
function connectThrough(proxyUrl: string, host: string): Promise<net.Socket> {
  const u = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(u.port), u.hostname);
    s.once('error', reject);
    s.once('connect', () => s.write(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n\r\n`));
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      s.off('data', onData);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1];
      if (status !== '200') {
        s.destroy();
        reject(new Error(`forward proxy refused CONNECT ${host}:443 (${status ?? 'no status'})`));
        return;
      }
      s.off('error', reject);
      const rest = head.subarray(end + 4);
      if (rest.length > 0) s.unshift(rest);
      resolve(s);
    };
    s.on('data', onData);
  });
}

async function waitForSocket(socket: string, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  while (Date.now() < until) {
    if (exited !== undefined) throw new Error(`podman system service exited (${exited})`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(socket);
      s.once('connect', () => {
        s.end('GET /_ping HTTP/1.0\r\n\r\n');
        s.once('data', (d) => resolve(d.toString().includes('200')));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`podman system service did not answer on ${socket} within ${ms / 1000} s`);
}

function stopChild(child: ChildProcess, ms = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    }, ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    process.kill(child.pid as number, 'SIGTERM');
  });
}

let namespaces = 0;

/** Starts podman (in a fresh network namespace) with the live tier's images imported. */
export async function startLiveRuntime(opts: LiveRuntimeOptions): Promise<LiveRuntime> {
  const avail = liveAvailability();
  if (!avail.ok) throw new Error(`the live tier cannot run: ${avail.reason}`);
  const dir = opts.dir;
  await mkdir(dir, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    opts.signal?.removeEventListener('abort', onAbort);
    const errors: string[] = [];
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    if (errors.length > 0) throw new Error(`live runtime clean-up: ${errors.join('; ')}`);
  };
  const onAbort = () => void close().catch(() => {});
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const podmanEnv = await writePodmanConfig(dir);
    const tarballs = imageTarballs(opts.backend ?? (await defaultBackendConfig()));
    tarballs.catch(() => {});

    // the namespace: loopback only, its own hosts and resolver files
    const netns = `thvdocs-${process.pid}-${++namespaces}`;
    await run('ip', ['netns', 'add', netns]);
    const etcDir = path.join('/etc/netns', netns);
    cleanups.push(async () => {
      // every process still in the namespace was started by this runtime (thv's detached proxies included)
      const pids = await run('ip', ['netns', 'pids', netns]).then(
        (r) => r.stdout.split(/\s+/).filter(Boolean).map(Number),
        () => [] as number[],
      );
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await run('ip', ['netns', 'delete', netns]);
      await rm(etcDir, { recursive: true, force: true });
    });
    await mkdir(etcDir, { recursive: true });
    const hostsFile = path.join(etcDir, 'hosts');
    const hostLines = ['127.0.0.1 localhost', '::1 localhost ip6-localhost ip6-loopback'];
    await writeFile(hostsFile, `${hostLines.join('\n')}\n`);
    // no resolver answers inside the namespace: a name not in its hosts file fails at once
    await writeFile(
      path.join(etcDir, 'resolv.conf'),
      'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n',
    );
    const inNs = (args: string[]) => run('ip', ['netns', 'exec', netns, ...args]);
    await inNs(['ip', 'link', 'set', 'lo', 'up']);

    // podman's API service, inside the namespace
    const socket = path.join(dir, 'podman.sock');
    // podman enters only the namespace's network (nsenter): `ip netns exec`
    // also remounts /sys, which hides the cgroup mounts runc needs ("no cgroup
    // mount found in mountinfo")
    const nsNet = `--net=/run/netns/${netns}`;
    const podmanBin = findTool('podman') as string;
    const service = spawn(
      'nsenter',
      [nsNet, podmanBin, 'system', 'service', '--time=0', `unix://${socket}`],
      { env: { ...process.env, ...podmanEnv }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let serviceLog = '';
    service.stderr?.on(
      'data',
      (d: Buffer) => (serviceLog = (serviceLog + d.toString()).slice(-4000)),
    );
    cleanups.push(() => stopChild(service));
    const podman = async (args: string[], o: { timeoutMs?: number } = {}) => {
      const r = await run('nsenter', [nsNet, podmanBin, ...args], {
        env: { ...process.env, ...podmanEnv },
        timeout: o.timeoutMs ?? 120_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      return r.stdout;
    };
    // everything ToolHive created: containers first, then its networks
    cleanups.push(async () => {
      await podman(['rm', '--all', '--force', '--time', '2']).catch(() => '');
      const nets = (await podman(['network', 'ls', '--format', '{{.Name}}']).catch(() => ''))
        .split('\n')
        .filter((n) => n && n !== 'podman');
      if (nets.length > 0) await podman(['network', 'rm', '--force', ...nets]).catch(() => '');
    });
    await waitForSocket(socket, service, 20_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${serviceLog}`);
    });

    // images: built (or cached) tarballs, imported into this runtime's own storage
    const images: Record<string, string> = {};
    const imported: ImageTarball[] = await tarballs;
    for (const img of imported) {
      await podman(['import', ...img.changes.flatMap((c) => ['--change', c]), img.tar, img.ref]);
      for (const a of img.aliases) await podman(['tag', img.ref, a]);
      images[img.name] = img.ref;
    }

    // the relay joining the namespace to the host
    const relayScript = await bundleRelay(dir);
    const relay = await startRelay(netns, relayScript);
    cleanups.push(async () => {
      relay.child.stdin?.end();
      await stopChild(relay.child, 2000);
    });
    const servers: net.Server[] = [];
    const sockets = new Set<net.Socket>();
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    });

    // wrappers: `thv` and `podman` as the page's shell finds them
    const binDir = path.join(dir, 'bin');
    await mkdir(binDir, { recursive: true });
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const envLines = Object.entries(podmanEnv).map(([k, v]) => `export ${k}=${q(v)}`);
    await writeFile(
      path.join(binDir, 'thv'),
      `#!/bin/sh\n# the real ToolHive CLI (${avail.version}), inside the live tier's network namespace\nexec ip netns exec ${netns} ${q(avail.thv)} "$@"\n`,
    );
    await writeFile(
      path.join(binDir, 'podman'),
      `#!/bin/sh\n# podman with the live tier's configuration, inside its network namespace\n${envLines.join('\n')}\nexec nsenter ${nsNet} ${q(podmanBin)} "$@"\n`,
    );
    await chmod(path.join(binDir, 'thv'), 0o755);
    await chmod(path.join(binDir, 'podman'), 0o755);

    let nextAddress = 1;
    let nsProxyUrl: string | undefined;
    const runtime: LiveRuntime = {
      socket,
      env: {
        TOOLHIVE_PODMAN_SOCKET: socket,
        ...podmanEnv,
        TOOLHIVE_EGRESS_IMAGE: images['egress-proxy'] as string,
        TOOLHIVE_SKIP_UPDATE_CHECK: 'true',
      },
      images,
      close,
      netns,
      binDir,
      async alias(name, image) {
        await podman(['tag', image, name]);
      },
      async routeHosts(hosts, proxyUrl) {
        for (const host of hosts) {
          if (!/^[a-z0-9.-]+$/i.test(host)) throw new Error(`cannot route host name "${host}"`);
          const address = `198.18.0.${nextAddress++}`;
          await inNs(['ip', 'addr', 'add', `${address}/32`, 'dev', 'lo']);
          const unix = path.join(dir, `out-${address}.sock`);
          const server = net.createServer((c) => {
            c.pause();
            connectThrough(proxyUrl, host).then(
              (up) => {
                pipeSockets(c, up, sockets);
                c.resume();
              },
              () => c.destroy(),
            );
          });
          await listenOn(server, unix);
          servers.push(server);
          await relay.send({ op: 'listen', host: address, port: 443, unix });
          hostLines.push(`${address} ${host}`);
        }
        // rewritten in place: the namespace's /etc/hosts is a bind mount of this file
        await writeFile(hostsFile, `${hostLines.join('\n')}\n`);
        if (!nsProxyUrl) {
          // the forward proxy itself, reachable from inside (for HTTPS_PROXY)
          const u = new URL(proxyUrl);
          const unix = path.join(dir, 'out-proxy.sock');
          const server = net.createServer((c) =>
            pipeSockets(c, net.connect(Number(u.port), u.hostname), sockets),
          );
          await listenOn(server, unix);
          servers.push(server);
          const { port } = await relay.send({ op: 'listen', host: '127.0.0.1', port: 0, unix });
          nsProxyUrl = `http://127.0.0.1:${port}`;
        }
        return nsProxyUrl;
      },
      async publish(port) {
        const unix = path.join(dir, `in-${port}.sock`);
        await relay.send({ op: 'expose', unix, host: '127.0.0.1', port });
        const server = net.createServer((c) => pipeSockets(c, net.connect(unix), sockets));
        try {
          await listenOn(server, port, '127.0.0.1');
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw new Error(
            code === 'EADDRINUSE'
              ? `127.0.0.1:${port} is already in use on this machine; the live tier binds it for real (the page runs thv with --proxy-port ${port}). Stop whatever listens there (ss -ltnp 'sport = :${port}') and run again.`
              : `cannot bind 127.0.0.1:${port}: ${(e as Error).message}`,
          );
        }
        servers.push(server);
      },
      async backendReceived() {
        // the container runs the stand-in under the page's image name: match by image ID
        const id = (
          await podman([
            'image',
            'inspect',
            '--format',
            '{{.Id}}',
            images['example-mcp-server'] as string,
          ])
        ).trim();
        const ids = (await podman(['ps', '--no-trunc', '--format', '{{.ID}} {{.ImageID}}']))
          .split('\n')
          .map((l) => l.split(' '))
          .filter(([, image]) => image && id.endsWith(image.replace(/^sha256:/, '')))
          .map(([c]) => c as string);
        if (ids.length !== 1)
          throw new Error(`expected one running example MCP server container, found ${ids.length}`);
        return podman(
          [
            'exec',
            ids[0] as string,
            '/usr/bin/node',
            '/opt/toolhive-docs/mcp-container.mjs',
            'received',
          ],
          { timeoutMs: 20_000 },
        );
      },
      podman,
    };
    return runtime;
  } catch (e) {
    await close().catch(() => {});
    throw e;
  }
}
