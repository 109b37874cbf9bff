// The run's esbuild bundles stand in for `tsx <cli>.mts`, and the page's `npm`
// for `npm run NAME -- ARGS…`: both must run what package.json names, with the
// same arguments, and hand anything else to the real npm.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildBundles, realNpm } from '../../scripts/doctest/bundles.mts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const npmShim = path.join(root, 'scripts/doctest/bin/npm');

describe('bundled CLIs and the npm fast path', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'doctest-bundles-test-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const ws = path.join(dir, 'ws');
  await run('mkdir', [ws]);
  await symlink(path.join(root, 'package.json'), path.join(ws, 'package.json'));
  const fakeNpm = path.join(dir, 'fake-npm');
  await writeFile(fakeNpm, '#!/bin/sh\necho "real npm: $*"\n');
  await chmod(fakeNpm, 0o755);
  const bundles = await buildBundles(root, dir);
  const pkgJson = await realpath(path.join(root, 'package.json'));
  const shim = (args: string[], realNpmPath = fakeNpm, cwd = ws) =>
    run(npmShim, args, {
      cwd,
      env: {
        ...process.env,
        DOCTEST_NPM_RUN_DIR: bundles.npmRunDir,
        DOCTEST_REPO_PACKAGE_JSON: pkgJson,
        DOCTEST_REAL_NPM: realNpmPath,
      },
    });

  it('covers the scripts the reference page runs', () => {
    expect(Object.keys(bundles.npmScripts).sort()).toEqual(['idp', 'mcp-example', 'proxy']);
  });

  it.each(['idp', 'mcp-example', 'proxy'])(
    '`npm run %s -- --help` prints what the real npm run prints',
    async (name) => {
      const npm = realNpm(process.env['PATH'] ?? '', path.dirname(npmShim));
      expect(npm).toBeDefined();
      const real = await run(npm as string, ['run', '--silent', name, '--', '--help'], {
        cwd: root,
      });
      const fast = await shim(['run', name, '--', '--help']);
      expect(fast.stdout).toBe(real.stdout);
      expect(fast.stdout.length).toBeGreaterThan(50);
    },
    60_000,
  );

  it('hands other command lines to the real npm', async () => {
    // without `--`, npm reads --help itself: not the script's arguments
    expect((await shim(['run', 'proxy', '--help'])).stdout).toBe('real npm: run proxy --help\n');
    expect((await shim(['run', 'no-such-script'])).stdout).toBe('real npm: run no-such-script\n');
    expect((await shim(['ci'])).stdout).toBe('real npm: ci\n');
  });

  it('uses the bundles only in a workspace that links this checkout', async () => {
    const other = path.join(dir, 'other');
    await run('mkdir', [other]);
    await writeFile(
      path.join(other, 'package.json'),
      JSON.stringify({ scripts: { proxy: 'echo other' } }),
    );
    expect((await shim(['run', 'proxy', '--', '--help'], fakeNpm, other)).stdout).toBe(
      'real npm: run proxy -- --help\n',
    );
  });

  it('reuses the cached bundles when nothing they were built from changed', async () => {
    const again = await buildBundles(root, dir);
    expect(again.built).toBe(false);
    expect([...again.byEntry.values()]).toEqual([...bundles.byEntry.values()]);
  });
});
