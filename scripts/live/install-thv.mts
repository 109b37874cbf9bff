// Installs the ToolHive CLI at the pinned release (toolhive-release.json)
// with Go's own client, from the Go module proxy, into the live cache
// (paths.mts). Reuses an installed binary when `thv version` reports the
// pinned release.
//
// First `go install github.com/stacklok/toolhive/cmd/thv@<release>`
// (ToolHive's go.mod has no replace lines, so that is allowed). When the
// proxy does not serve the exact version of github.com/stacklok/toolhive-catalog
// that the release requires (a module that only embeds the registry catalog:
// pkg/catalog/toolhive is a `//go:embed` of JSON data), it builds from the
// release's module source instead, with that one module replaced by the
// nearest later catalog version the proxy does serve. The substitution only
// changes the registry catalog built into `thv` (what `thv registry list` and
// `thv run <server name>` find); no ToolHive code changes.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  goCaches,
  liveCacheDir,
  pinnedToolhive,
  thvBinary,
  versionFromThvOutput,
} from './paths.mts';

const run = promisify(execFile);

const TOOLHIVE = 'github.com/stacklok/toolhive';
const CATALOG = 'github.com/stacklok/toolhive-catalog';

export interface InstallResult {
  thv: string;
  version: string;
  /** How it got there: reused, go-install, or built from the module source with a substituted catalog. */
  path: 'reused' | 'go-install' | 'module-source';
  note: string;
}

type Log = (line: string) => void;

/** `thv version` of a binary, with no update check and a throw-away HOME. */
export async function thvVersion(thv: string): Promise<string | undefined> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'thv-version-'));
  try {
    const { stdout } = await run(thv, ['version'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, 'config'),
        XDG_STATE_HOME: path.join(home, 'state'),
        XDG_DATA_HOME: path.join(home, 'data'),
        XDG_CACHE_HOME: path.join(home, 'cache'),
        TOOLHIVE_SKIP_UPDATE_CHECK: 'true',
      },
      timeout: 20_000,
    });
    return versionFromThvOutput(stdout);
  } catch {
    return undefined;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function goEnv(bin?: string): NodeJS.ProcessEnv {
  const caches = goCaches();
  return {
    ...process.env,
    GOMODCACHE: caches.mod,
    GOCACHE: caches.build,
    GOFLAGS: '-modcacherw',
    ...(bin ? { GOBIN: bin } : {}),
  };
}

async function go(args: string[], opts: { cwd?: string; bin?: string } = {}): Promise<string> {
  const { stdout } = await run('go', args, {
    cwd: opts.cwd,
    env: goEnv(opts.bin),
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60 * 60_000,
  });
  return stdout;
}

function stderrOf(e: unknown): string {
  const err = e as { stderr?: string; message?: string };
  return (err.stderr || err.message || String(e)).trim();
}

/** Compares Go module versions vMAJOR.MINOR.PATCH (no pre-releases in the catalog's). */
function cmpVersion(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/).map(Number);
  const pb = b.replace(/^v/, '').split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

async function buildFromModuleSource(version: string, binDir: string, log: Log): Promise<string> {
  const info = JSON.parse(await go(['mod', 'download', '-json', `${TOOLHIVE}@${version}`])) as {
    Dir: string;
  };
  const work = await mkdtemp(path.join(os.tmpdir(), 'thv-build-'));
  try {
    const src = path.join(work, 'toolhive');
    await cp(info.Dir, src, { recursive: true });
    await run('chmod', ['-R', 'u+w', src]);
    const gomod = await readFile(path.join(src, 'go.mod'), 'utf8');
    const required = new RegExp(`^\\s*${CATALOG.replace(/[./]/g, '\\$&')} (v\\S+)`, 'm').exec(
      gomod,
    )?.[1];
    if (!required) throw new Error(`${TOOLHIVE}@${version}'s go.mod does not require ${CATALOG}`);
    // outside any module: inside the release's, go would first resolve the unserved version
    const listed = (await go(['list', '-m', '-versions', CATALOG], { cwd: work }))
      .trim()
      .split(/\s+/)
      .slice(1);
    const candidates = listed.filter((v) => cmpVersion(v, required) > 0).sort(cmpVersion);
    let catalogDir: string | undefined;
    let used: string | undefined;
    for (const v of candidates) {
      try {
        const c = JSON.parse(await go(['mod', 'download', '-json', `${CATALOG}@${v}`])) as {
          Dir: string;
        };
        catalogDir = c.Dir;
        used = v;
        break;
      } catch (e) {
        log(`  ${CATALOG}@${v} is not served either: ${stderrOf(e).split('\n')[0]}`);
      }
    }
    if (!catalogDir || !used)
      throw new Error(
        `no version of ${CATALOG} later than ${required} can be downloaded (listed: ${listed.join(' ') || 'none'})`,
      );
    log(
      `  substituting ${CATALOG} ${used} for ${required}: it only embeds the registry catalog (pkg/catalog/toolhive), so thv's code is the release's; only \`thv registry\` data differs`,
    );
    const replacement = path.join(work, 'toolhive-catalog');
    await cp(
      path.join(catalogDir, 'pkg/catalog/toolhive'),
      path.join(replacement, 'pkg/catalog/toolhive'),
      { recursive: true },
    );
    await run('chmod', ['-R', 'u+w', replacement]);
    await writeFile(path.join(replacement, 'go.mod'), `module ${CATALOG}\n\ngo 1.26\n`);
    await go(['mod', 'edit', `-replace=${CATALOG}=${replacement}`], { cwd: src });
    const out = path.join(binDir, `thv.${process.pid}.partial`);
    log(`  go build ./cmd/thv (cold: several minutes)`);
    await go(
      [
        'build',
        '-trimpath',
        '-ldflags',
        `-X ${TOOLHIVE}/pkg/versions.Version=${version}`,
        '-o',
        out,
        './cmd/thv',
      ],
      { cwd: src },
    );
    await chmod(out, 0o755);
    await rename(out, path.join(binDir, 'thv'));
    return used;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Installs (or reuses) thv at the pinned release. */
export async function installThv(log: Log = () => {}): Promise<InstallResult> {
  const version = pinnedToolhive();
  const thv = thvBinary();
  if (existsSync(thv)) {
    const have = await thvVersion(thv);
    if (have === version)
      return { thv, version, path: 'reused', note: `${thv} reports ${version}` };
    log(`${thv} reports ${have ?? 'no version'}; installing ${version}`);
    if (process.env['TOOLHIVE_DOCS_THV'])
      throw new Error(
        `TOOLHIVE_DOCS_THV=${thv} reports ${have ?? 'no version'}, not ${version}: point it at a thv ${version} or unset it`,
      );
  }
  try {
    await run('go', ['version'], { timeout: 20_000 });
  } catch {
    throw new Error(
      `Go is needed to install thv ${version} (ToolHive's go.mod asks for Go 1.26): install it from https://go.dev/dl/ and run npm run live:setup again`,
    );
  }
  const binDir = path.dirname(thv);
  await mkdir(binDir, { recursive: true });
  log(`go install ${TOOLHIVE}/cmd/thv@${version} (GOBIN=${binDir}, caches in ${liveCacheDir()})`);
  try {
    await go(['install', `${TOOLHIVE}/cmd/thv@${version}`], { bin: binDir });
    const have = await thvVersion(thv);
    if (have !== version) throw new Error(`the installed thv reports ${have ?? 'no version'}`);
    return { thv, version, path: 'go-install', note: 'go install from the module proxy' };
  } catch (e) {
    const why = stderrOf(e);
    if (!why.includes(CATALOG)) throw new Error(`go install failed:\n${why}`);
    log(
      `go install failed on ${CATALOG}:\n  ${why.split('\n').filter((l) => l.includes(CATALOG))[0] ?? why.split('\n')[0]}`,
    );
    log('building from the release module source instead');
  }
  const used = await buildFromModuleSource(version, binDir, log);
  const have = await thvVersion(thv);
  if (have !== version)
    throw new Error(`the thv built from source reports ${have ?? 'no version'}, not ${version}`);
  return {
    thv,
    version,
    path: 'module-source',
    note: `built from ${TOOLHIVE}@${version}'s module source with ${CATALOG} ${used} (embedded registry catalog only)`,
  };
}
