// The one clean-up stack of a page. Whatever a page starts — its shell's
// process group, proxies, servers, listeners, its workspace — is pushed here
// as it starts and undone once, last first, when the page ends: on success,
// on failure, on a timeout and on the first Ctrl-C. A second Ctrl-C cannot
// wait for that: `emergencyCleanup` then kills every process group and child
// still registered (SIGKILL, by PID) and removes every registered directory,
// synchronously, before the process exits.
import { rmSync } from 'node:fs';

type Undo = () => Promise<void> | void;

/** Process ids and directories of every live page, for `emergencyCleanup`. */
const emergency = {
  groups: new Set<number>(),
  pids: new Set<number>(),
  dirs: new Set<string>(),
};

export class Cleanups {
  private readonly stack: { what: string; undo: Undo }[] = [];
  private done = false;

  /** Registers an undo step; `what` names it in a clean-up failure. After `run`, undoes at once. */
  push(undo: Undo, what = 'clean-up'): void {
    if (this.done) {
      void Promise.resolve()
        .then(undo)
        .catch(() => {});
      return;
    }
    this.stack.push({ what, undo });
  }

  /** A child process of this run: killed here on a second Ctrl-C; its owner still stops it. */
  pid(pid: number | undefined, opts: { group?: boolean } = {}): void {
    if (!pid) return;
    const set = opts.group ? emergency.groups : emergency.pids;
    set.add(pid);
    this.push(() => void set.delete(pid), `forget pid ${pid}`);
  }

  /** A directory removed when the page ends (and on a second Ctrl-C). */
  dir(dir: string): void {
    emergency.dirs.add(dir);
    this.push(() => {
      rmSync(dir, { recursive: true, force: true });
      emergency.dirs.delete(dir);
    }, `remove ${dir}`);
  }

  /** Undoes everything, last registered first; returns the failures (the rest still run). */
  async run(): Promise<string[]> {
    this.done = true;
    const errors: string[] = [];
    while (this.stack.length > 0) {
      const step = this.stack.pop() as { what: string; undo: Undo };
      try {
        await step.undo();
      } catch (err) {
        errors.push(`${step.what}: ${(err as Error).message}`);
      }
    }
    return errors;
  }
}

/** A run-wide directory (not a page's) removed by `emergencyCleanup`; returns its un-registration. */
export function emergencyDir(dir: string): () => void {
  emergency.dirs.add(dir);
  return () => void emergency.dirs.delete(dir);
}

/** Kills what every page still has running and removes their directories, synchronously. */
export function emergencyCleanup(): void {
  const kill = (pid: number) => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  for (const g of emergency.groups) kill(-g);
  for (const p of emergency.pids) kill(p);
  for (const d of emergency.dirs) rmSync(d, { recursive: true, force: true });
  emergency.groups.clear();
  emergency.pids.clear();
  emergency.dirs.clear();
}
