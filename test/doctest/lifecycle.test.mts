// Never hangs, never leaves anything behind: a proxy that dies while its
// workload starts, a bash that dies under `set -u`, and Ctrl-C (once, twice,
// under --watch) leave no process, no listener and no workspace. The Ctrl-C
// fixture's processes ignore SIGTERM, so the second Ctrl-C finds the first's
// unwinding still waiting: only the emergency clean-up passes that test.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runDoctests } from '../../scripts/doctest/run.mts';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures/lifecycle', name);
const tmp = (name: string) => path.join(os.tmpdir(), name);

// a killed process whose new parent has not reaped it yet is a zombie: it runs no more
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const servers = () =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'PipeServerWrap')
    .length;

describe('clean-up when things die', () => {
  it('a proxy that dies while its workload starts leaves no MCP server or tap listening', async () => {
    const before = servers();
    const report = await runDoctests({ root, pages: [fixture('proxy-dies.mdx')] });
    expect(report.samples).toHaveLength(1);
    // everything the page and the run started is closed once the run returns
    expect(servers()).toBe(before);
  });

  it('a bash that dies under set -u takes its background jobs with it, and the failure names the likely cause', async () => {
    await rm(tmp('doctest-lifecycle-setu.pid'), { force: true });
    const report = await runDoctests({ root, pages: [fixture('set-u.mdx')] });
    const died = report.samples[1];
    expect(died?.status).toBe('failed');
    expect(died?.reason).toMatch(/the shell exited/);
    expect(died?.reason).toMatch(/\$SERVR_NAME is set by no earlier sample/);
    expect(died?.cause).toMatchObject({ line: 3, what: 'sets $SERVER_NAME' });
    const pid = Number(await readFile(tmp('doctest-lifecycle-setu.pid'), 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });

  it('a port something else holds fails the sample that starts the server, named, not a later one', async () => {
    // held here (or by whoever holds it already): either way the page's server cannot listen there
    const held = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => {
      held.once('error', () => resolve());
      held.listen(47913, '127.0.0.1', () => resolve());
    });
    try {
      const report = await runDoctests({ root, pages: [fixture('busy-port.mdx')], bail: true });
      const first = report.samples.find((s) => s.status === 'failed');
      expect(first?.line).toBe(3);
      expect(first?.reason).toMatch(/port 47913 on 127\.0\.0\.1 is already in use/);
    } finally {
      await new Promise((r) => held.close(r));
    }
  });
});

/** Runs the CLI on the interrupt fixture, sends `signals` once the long sample runs; returns what it left. */
async function interrupt(signals: number, extra: string[] = []) {
  const pidFile = tmp('doctest-lifecycle-int.pid');
  const wsFile = tmp('doctest-lifecycle-int.ws');
  await rm(pidFile, { force: true });
  await rm(wsFile, { force: true });
  const reportDir = tmp(`doctest-lifecycle-report-${process.pid}`);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/doctest/cli.mts',
      '--report-dir',
      reportDir,
      ...extra,
      fixture('interrupt.mdx'),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 90_000;
  while (!existsSync(wsFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500)); // the long sample is running
  for (let i = 0; i < signals; i++) {
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 50));
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  const workspace = (await readFile(wsFile, 'utf8')).trim();
  const pid = Number(await readFile(pidFile, 'utf8'));
  const report = await readFile(path.join(reportDir, 'report.json'), 'utf8').then(
    (t) =>
      JSON.parse(t) as {
        samples: { status: string }[];
        tiers: { interrupted?: string[] }[];
      },
    () => undefined,
  );
  await rm(reportDir, { recursive: true, force: true });
  return { code, workspace, pid, output, report };
}

describe(
  'Ctrl-C removes the workspace (it holds a secret file) and every process',
  { timeout: 180_000 },
  () => {
    it('once: the run unwinds, reports and exits 130', async () => {
      const r = await interrupt(1);
      expect(r.code, r.output).toBe(130);
      expect(existsSync(r.workspace)).toBe(false);
      expect(alive(r.pid)).toBe(false);
      expect(r.output).not.toMatch(/still open after the report/);
      expect(r.output).toMatch(/interrupted; not recorded/);
      // the sample it did not finish, and the page, are not counted as failed
      expect(r.report?.samples.filter((s) => s.status === 'failed')).toEqual([]);
      expect(r.report?.tiers[0]?.interrupted).toEqual([
        path.relative(root, fixture('interrupt.mdx')),
      ]);
    });

    it('twice: everything is killed and removed at once, exit 130', async () => {
      const r = await interrupt(2);
      expect(r.code, r.output).toBe(130);
      expect(existsSync(r.workspace)).toBe(false);
      expect(alive(r.pid)).toBe(false);
    });

    it('under --watch: the run in progress unwinds, then the process ends', async () => {
      const r = await interrupt(1, ['--watch']);
      expect(r.code, r.output).toBe(130);
      expect(existsSync(r.workspace)).toBe(false);
      expect(alive(r.pid)).toBe(false);
    });
  },
);
