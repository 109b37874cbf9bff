// Runs the reference proxy's CLI (scripts/token-exchange-proxy/cli.mts) as a
// child process, as a user would, and reads its URL from the start-up log line.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import { listeningUrlReader } from '../../../scripts/token-exchange-proxy/startup-messages.mts';

const root = path.resolve(import.meta.dirname, '../../..');

export interface ProxyProcess {
  url: string;
  /** Everything the proxy wrote to stdout and stderr so far. */
  output(): string;
  close(): Promise<void>;
}

export async function startProxyCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<ProxyProcess> {
  const child: ChildProcess = spawn(
    path.join(root, 'node_modules/.bin/tsx'),
    ['scripts/token-exchange-proxy/cli.mts', ...args],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`the proxy CLI did not start within 30 s; output:\n${output}`));
    }, 30_000);
    const listening = listeningUrlReader();
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      listening.feed(chunk.toString('utf8'));
      const url = listening.url();
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the proxy CLI exited with ${String(code)} before listening:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
