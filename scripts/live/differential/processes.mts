// Starts the two proxies under comparison as separate processes with the same
// flags: the real `thv proxy` and the reference proxy (`--compat toolhive`,
// by its CLI). Each gets its own forward-proxy listener (so the record says
// who called the IdP), trusts the run's test CA, and is stopped by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { thvEnv } from '../environment.mts';
import type { World } from './world.mts';

export type Side = 'thv' | 'standin';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const STANDIN_CLI = join(REPO_ROOT, 'scripts/token-exchange-proxy/cli.mts');

export interface Started {
  side: Side;
  pid: number;
  port: number;
  url: string;
  /** Set when the process exited before it listened (a refused start-up). */
  exited?: { code: number | null; stderr: string; stdout: string };
  output(): { stdout: string; stderr: string };
  stop(): Promise<void>;
}

/**
 * The environment `thv` runs in: the live tier's (scripts/live/environment.mts
 * thvEnv: its own HOME and XDG folders, the run's CA, the forward proxy, no
 * update check), plus PATH.
 */
export function thvEnvironment(opts: {
  home: string;
  caFile: string;
  httpsProxy: string;
}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...thvEnv(opts) };
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(child.pid as number, 'SIGKILL');
      } catch {
        // gone already
      }
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(child.pid as number, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/**
 * Starts one side with `flags` (everything after the server name) plus
 * `--port`. `env` adds variables (a secret from the environment, say).
 */
export async function startSide(
  side: Side,
  world: World,
  thv: string,
  name: string,
  flags: string[],
  env: Record<string, string> = {},
): Promise<Started> {
  const port = await freePort();
  const args = ['proxy', name, ...flags, '--port', String(port)];
  let child: ChildProcess;
  if (side === 'thv') {
    const home = join(world.dir, `home-${name}-${port}`);
    await mkdir(join(home, '.run'), { recursive: true, mode: 0o700 });
    child = spawn(thv, args, {
      env: {
        ...thvEnvironment({ home, caFile: world.caFile, httpsProxy: world.proxyUrl.thv }),
        ...world.runtimeEnv,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } else {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', STANDIN_CLI, ...args.slice(1), '--compat', 'toolhive'],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: world.dir,
          NODE_EXTRA_CA_CERTS: world.caFile,
          ...(world.proxyUrl.standin
            ? { HTTPS_PROXY: world.proxyUrl.standin, NO_PROXY: '127.0.0.1,localhost,::1' }
            : {}),
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  }
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<{ code: number | null }>((r) =>
    child.once('exit', (code) => r({ code })),
  );
  let exit: { code: number | null } | undefined;
  void exited.then((e) => (exit = e));
  const deadline = Date.now() + 30_000;
  while (!exit && Date.now() < deadline && !(await canConnect(port))) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const started: Started = {
    side,
    pid: child.pid ?? -1,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => ({ stdout, stderr }),
    stop: () => stopChild(child),
  };
  if (exit) started.exited = { code: exit.code, stdout, stderr };
  else if (!(await canConnect(port))) {
    await stopChild(child);
    throw new Error(`${side} (${args.join(' ')}) did not listen on ${port} within 30 s\n${stderr}`);
  }
  return started;
}
