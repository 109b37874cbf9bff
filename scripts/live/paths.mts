// Where the live tier keeps what it installs and builds, and which ToolHive
// release it runs. One place for both facts.
//
// The cache lives OUTSIDE the repository (nothing built is ever committed):
//   TOOLHIVE_DOCS_LIVE_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/toolhive-docs-live
//     bin/thv         the ToolHive CLI at the pinned release
//     go/{mod,cache}  Go's module and build caches for that install
//                     (TOOLHIVE_DOCS_LIVE_GOMODCACHE / _GOCACHE override them,
//                     e.g. to reuse a warm cache elsewhere on the machine)
//     images/         root-file-system tarballs of the images, keyed by their inputs
// TOOLHIVE_DOCS_THV names a thv binary to use instead of bin/thv (it must
// report the pinned version).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** The ToolHive release the guides are written for (toolhive-release.json: the one place that names it). */
export function pinnedToolhive(): string {
  const release = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'toolhive-release.json'), 'utf8'),
  ) as { toolhive?: unknown };
  if (typeof release.toolhive !== 'string' || !/^v\d+\.\d+\.\d+/.test(release.toolhive))
    throw new Error('toolhive-release.json: "toolhive" must be a release tag such as v1.2.3');
  return release.toolhive;
}

export function liveCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['TOOLHIVE_DOCS_LIVE_CACHE']) return path.resolve(env['TOOLHIVE_DOCS_LIVE_CACHE']);
  const base = env['XDG_CACHE_HOME'] || path.join(env['HOME'] || os.homedir(), '.cache');
  return path.join(base, 'toolhive-docs-live');
}

/** The thv binary the live tier runs. */
export function thvBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env['TOOLHIVE_DOCS_THV']
    ? path.resolve(env['TOOLHIVE_DOCS_THV'])
    : path.join(liveCacheDir(env), 'bin', 'thv');
}

export function goCaches(env: NodeJS.ProcessEnv = process.env): { mod: string; build: string } {
  const cache = liveCacheDir(env);
  return {
    mod: env['TOOLHIVE_DOCS_LIVE_GOMODCACHE'] || path.join(cache, 'go', 'mod'),
    build: env['TOOLHIVE_DOCS_LIVE_GOCACHE'] || path.join(cache, 'go', 'cache'),
  };
}

export function imageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(liveCacheDir(env), 'images');
}

/** The first line of `thv version` names the release: "ToolHive v0.44.0". */
export function versionFromThvOutput(stdout: string): string | undefined {
  return /^ToolHive (v\S+)/m.exec(stdout)?.[1];
}
