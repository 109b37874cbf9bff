// Where the real thv is. The live tier's scripts/live/environment.mts
// (liveAvailability) is the source when it exists; until then, and as an
// override, THV_BIN names the binary. Either way the binary must report the
// release in toolhive-release.json.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type ThvAvailability =
  { ok: true; thv: string; version: string } | { ok: false; reason: string };

const ROOT = resolve(import.meta.dirname, '../../..');
const LIVE_ENVIRONMENT = join(ROOT, 'scripts/live/environment.mts');

export function expectedRelease(): string {
  return (
    JSON.parse(readFileSync(join(ROOT, 'toolhive-release.json'), 'utf8')) as { toolhive: string }
  ).toolhive;
}

/** `thv version` in a throw-away HOME, without the update check. */
function versionOf(thv: string): string {
  const home = mkdtempSync(join(tmpdir(), 'thv-version-'));
  try {
    const out = execFileSync(thv, ['version'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_STATE_HOME: join(home, '.local/state'),
        XDG_DATA_HOME: join(home, '.local/share'),
        XDG_CACHE_HOME: join(home, '.cache'),
        TOOLHIVE_SKIP_UPDATE_CHECK: 'true',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return /ToolHive (v\S+)/.exec(out)?.[1] ?? '';
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export async function thvAvailability(): Promise<ThvAvailability> {
  const want = expectedRelease();
  let thv = process.env.THV_BIN ?? '';
  if (!thv && existsSync(LIVE_ENVIRONMENT)) {
    const live = (await import(LIVE_ENVIRONMENT)) as {
      liveAvailability?: () => ThvAvailability;
    };
    const a = live.liveAvailability?.();
    if (a && !a.ok) return a;
    if (a?.ok) thv = a.thv;
  }
  if (!thv)
    return {
      ok: false,
      reason: `no thv ${want}: set THV_BIN to a thv ${want} binary, or set up the live tier (scripts/live/)`,
    };
  try {
    accessSync(thv, constants.X_OK);
  } catch {
    return { ok: false, reason: `THV_BIN=${thv}: not an executable file` };
  }
  const version = versionOf(thv);
  if (version !== want)
    return {
      ok: false,
      reason: `${thv} reports ${version || 'no version'}, the guides need ${want}`,
    };
  return { ok: true, thv, version };
}
