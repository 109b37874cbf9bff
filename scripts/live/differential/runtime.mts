// A container runtime socket for `thv proxy`. The proxy itself never creates a
// container, but thv's main refuses every non-informational command, `proxy`
// included, unless a Docker-compatible API answers a ping
// (cmd/thv/main.go@v0.44.0: container.CheckRuntimeAvailable;
// pkg/container/docker/sdk/factory.go@v0.44.0: newClientWithSocketPath pings).
//
// The project's live runtime (scripts/live/environment.mts, startLiveRuntime)
// is used when it exists; otherwise this starts Podman's API service on a
// socket in the run's folder, with its own storage, and stops it by its PID.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import net from 'node:net';

export interface RuntimeSocket {
  env: Record<string, string>;
  close(): Promise<void>;
}

const LIVE_ENVIRONMENT = resolve(import.meta.dirname, '../environment.mts');

interface LiveModule {
  startLiveRuntime(opts: { dir: string }): Promise<{
    env: Record<string, string>;
    close(): Promise<void>;
  }>;
}

function pings(socket: string): Promise<boolean> {
  return new Promise((done) => {
    const c = net.connect(socket);
    c.once('error', () => done(false));
    c.once('connect', () => c.write('GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n'));
    let text = '';
    c.on('data', (d: Buffer) => (text += d.toString()));
    c.once('close', () => done(/^HTTP\/1\.[01] 200/.test(text)));
  });
}

export async function startRuntimeSocket(dir: string): Promise<RuntimeSocket> {
  if (existsSync(LIVE_ENVIRONMENT)) {
    const live = (await import(LIVE_ENVIRONMENT)) as Partial<LiveModule>;
    if (typeof live.startLiveRuntime === 'function') {
      const rt = await live.startLiveRuntime({ dir: join(dir, 'live-runtime') });
      return { env: rt.env, close: () => rt.close() };
    }
  }
  const base = join(dir, 'podman');
  await mkdir(join(base, 'tmp'), { recursive: true });
  const conf = join(base, 'containers.conf');
  // The settings this machine's sandbox needs (runc, cgroupfs, explicit ulimits).
  await writeFile(
    conf,
    [
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      '[containers]',
      'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
      '',
    ].join('\n'),
  );
  const socket = join(base, 'podman.sock');
  const child = spawn(
    'podman',
    [
      '--storage-driver',
      'vfs',
      '--root',
      join(base, 'storage'),
      '--runroot',
      join(base, 'run'),
      '--tmpdir',
      join(base, 'tmp'),
      'system',
      'service',
      '--time=0',
      `unix://${socket}`,
    ],
    { env: { ...process.env, CONTAINERS_CONF: conf }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  child.once('error', (e) => (stderr += String(e)));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null && !(await pings(socket))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () =>
    new Promise<void>((r) => {
      if (child.exitCode !== null || child.pid === undefined) return r();
      child.once('exit', () => r());
      process.kill(child.pid, 'SIGTERM');
    });
  if (!(await pings(socket))) {
    await stop();
    throw new Error(
      `podman system service did not answer on ${socket} within 20 s (install podman and runc: apt-get install podman runc)\n${stderr}`,
    );
  }
  return {
    env: { TOOLHIVE_PODMAN_SOCKET: socket, CONTAINERS_CONF: conf },
    close: stop,
  };
}
