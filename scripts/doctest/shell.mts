// One persistent bash per page, fed sample by sample. Each sample is written
// to a file and `source`d with `-uo pipefail` and an ERR trap that returns
// from the sourced file at the first failing command (errexit semantics
// without losing the shell, so variables and functions carry over). Output
// goes to a file; a sentinel line with the exit status comes back on fd 3.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Cleanups } from './cleanups.mts';

export interface ShellRun {
  exitCode: number;
  output: string;
  timedOut: boolean;
  /** The shell itself died (e.g. `set -u` on an unbound variable, or `exit`). */
  shellDied: boolean;
  /** The run was interrupted (Ctrl-C) while the sample ran. */
  interrupted: boolean;
}

export class PageShell {
  private proc: ChildProcess | undefined;
  /** The process group of the current bash: outlives bash itself (background jobs). */
  private group: number | undefined;
  private buffer = '';
  private waiter: ((line: string) => void) | undefined;
  private exited: Promise<void> | undefined;
  private n = 0;
  private readonly dir: string;

  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly page: { signal: AbortSignal; cleanups: Cleanups },
  ) {
    this.dir = path.join(cwd, '.doctest');
  }

  private async start(): Promise<ChildProcess> {
    if (this.group) await this.stop(); // a bash that died between samples leaves its group
    await mkdir(this.dir, { recursive: true });
    const proc = spawn('bash', ['--noprofile', '--norc'], {
      cwd: this.cwd,
      env: this.env,
      stdio: ['pipe', 'ignore', 'ignore', 'pipe'],
      detached: true, // own process group: everything it starts is stopped with it
    });
    proc.stdio[3]?.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      let i;
      while ((i = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 1);
        this.waiter?.(line);
      }
    });
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    proc.once('exit', () => {
      if (this.proc === proc) this.proc = undefined;
      this.waiter?.('__DOCTEST_SHELL_EXIT__');
    });
    proc.stdin?.on('error', () => {});
    this.group = proc.pid;
    this.page.cleanups.pid(proc.pid, { group: true });
    proc.stdin?.write('set -uo pipefail\nset -o errtrace\n');
    this.proc = proc;
    return proc;
  }

  async run(script: string, timeoutMs: number): Promise<ShellRun> {
    const proc = this.proc ?? (await this.start());
    const i = ++this.n;
    const file = path.join(this.dir, `sample-${i}.sh`);
    const out = path.join(this.dir, `out-${i}.txt`);
    const nonce = randomBytes(8).toString('hex');
    await writeFile(file, `${script}\n`);
    const signal = this.page.signal;
    const line = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('__DOCTEST_TIMEOUT__'), timeoutMs);
      const onAbort = () => {
        clearTimeout(timer);
        resolve('__DOCTEST_ABORT__');
      };
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = (l) => {
        if (l.startsWith(`__DOCTEST_DONE__ ${nonce} `) || l.startsWith('__DOCTEST_SHELL_EXIT__')) {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(l);
        }
      };
      proc.stdin?.write(
        `trap 'return $? 2>/dev/null' ERR\n` +
          `source ${JSON.stringify(file)} > ${JSON.stringify(out)} 2>&1 < /dev/null\n` +
          `__doctest_rc=$?\ntrap - ERR\nprintf '__DOCTEST_DONE__ %s %s\\n' ${nonce} "$__doctest_rc" >&3\n`,
      );
    });
    this.waiter = undefined;
    const output = await readFile(out, 'utf8').catch(() => '');
    const result = { output, timedOut: false, shellDied: false, interrupted: false };
    if (line === '__DOCTEST_ABORT__') {
      await this.stop();
      return { ...result, exitCode: -1, interrupted: true };
    }
    if (line === '__DOCTEST_TIMEOUT__') {
      await this.stop();
      return { ...result, exitCode: -1, timedOut: true };
    }
    if (line.startsWith('__DOCTEST_SHELL_EXIT__')) {
      // bash is gone, its background jobs are not: stop() kills the group
      await this.stop();
      return { ...result, exitCode: proc.exitCode ?? -1, shellDied: true };
    }
    return { ...result, exitCode: Number(line.split(' ')[2]) };
  }

  /** Stops the shell and every process in its group (background jobs of samples included). */
  async stop(): Promise<void> {
    const group = this.group;
    this.proc = undefined;
    this.group = undefined;
    if (!group) return;
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-group, sig);
      } catch {
        // already gone
      }
    };
    kill('SIGTERM');
    const gone = await Promise.race([
      this.exited?.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 2000)),
    ]);
    if (!gone) kill('SIGKILL');
    // background jobs may outlive bash itself: kill the group again
    kill('SIGKILL');
  }
}
