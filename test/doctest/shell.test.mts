import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runDoctests } from '../../scripts/doctest/run.mts';

const root = path.resolve(import.meta.dirname, '../..');
const pidFile = path.join(os.tmpdir(), 'doctest-shell-fixture-bg.pid');

// a killed process whose new parent has not reaped it yet is a zombie: it runs no more
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return !/^\d+ \(.*\) Z/.test(stat);
};

describe('bash samples in one persistent shell per page', async () => {
  await rm(pidFile, { force: true });
  const report = await runDoctests({
    root,
    pages: [path.join(import.meta.dirname, 'fixtures/shell/page.mdx')],
  });
  const at = (line: number) => report.samples.find((s) => s.line === line);

  it('carries variables and functions from one sample to the next', () => {
    expect(at(10)?.status).toBe('passed');
    expect(at(14)).toMatchObject({ status: 'passed', kind: 'validated' });
  });
  it('stops a sample at its first failing command (errexit) and fails it', () => {
    expect(at(18)?.status).toBe('failed');
    expect(at(18)?.reason).toBe('exited with status 1');
    expect(at(18)?.output ?? '').not.toContain('not reached');
  });
  it('accepts the exit status the page announces', () => {
    expect(at(23)?.status).toBe('passed');
  });
  it('fails a hanging sample with its timeout, named, and goes on with a fresh shell', () => {
    expect(at(27)?.status).toBe('failed');
    expect(at(27)?.reason).toMatch(/timed out after 1 s \(doctest-timeout=1\)/);
    expect(at(35)?.status).toBe('passed');
  });
  it('is offline: hosts that are not routed are unreachable', () => {
    expect(at(43)?.status).toBe('passed');
  });
  it('stops background jobs of samples and removes the workspace when the page ends', async () => {
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
    await rm(pidFile, { force: true });
  });
});
