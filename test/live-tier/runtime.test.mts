// The live tier's machinery (scripts/live/): what thv is given, and what the
// runtime starts and removes. The runtime tests need root, podman and the
// pinned thv (npm run live:setup); without them they skip, saying why.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  liveAvailability,
  startLiveRuntime,
  thvEnv,
  type LiveRuntime,
} from '../../scripts/live/environment.mts';
import { pinnedToolhive, versionFromThvOutput } from '../../scripts/live/paths.mts';

describe('what thv is given', () => {
  it('reads the release from thv version', () => {
    expect(versionFromThvOutput('ToolHive v0.44.0\nCommit: unknown\n')).toBe('v0.44.0');
    expect(versionFromThvOutput('thv: command not found')).toBeUndefined();
  });

  it('keeps ToolHive state in the given home and turns the update check off with the value ToolHive honours', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'thv-env-'));
    try {
      const env = thvEnv({ home, caFile: '/ca.pem', httpsProxy: 'http://127.0.0.1:1' });
      // pkg/updates/client.go@v0.44.0: only "true" (case-insensitive) skips the check
      expect(env['TOOLHIVE_SKIP_UPDATE_CHECK']).toBe('true');
      for (const k of [
        'XDG_CONFIG_HOME',
        'XDG_STATE_HOME',
        'XDG_DATA_HOME',
        'XDG_CACHE_HOME',
        'TMPDIR',
      ])
        expect(env[k]?.startsWith(`${home}/`), k).toBe(true);
      expect(env['HOME']).toBe(home);
      expect(env['SSL_CERT_FILE']).toBe('/ca.pem');
      expect(env['HTTPS_PROXY']).toBe('http://127.0.0.1:1');
      expect(existsSync(env['XDG_RUNTIME_DIR'] as string)).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('says what is missing and how to install it when the live tier cannot run', () => {
    const a = liveAvailability();
    if (a.ok) expect(a.version).toBe(pinnedToolhive());
    else expect(a.reason).toMatch(/apt-get install|npm run live:setup|root/);
  });
});

const avail = liveAvailability();

describe.skipIf(!avail.ok)(
  `live runtime${avail.ok ? '' : ` (skipped: ${avail.reason})`}`,
  { timeout: 240_000 },
  () => {
    let runtime: LiveRuntime | undefined;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'live-runtime-test-'));
    afterAll(async () => {
      await runtime?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('starts podman in its own namespace, with the images, and removes everything on close', async () => {
      runtime = await startLiveRuntime({ dir });
      const rt = runtime;
      expect(Object.keys(rt.images).sort()).toEqual(['dns', 'egress-proxy', 'example-mcp-server']);
      for (const ref of Object.values(rt.images)) expect(ref).not.toMatch(/:latest$/);
      const images = await rt.podman(['images', '--format', '{{.Repository}}:{{.Tag}}']);
      // ToolHive asks for its DNS image by this fixed name (pkg/container/docker/client.go@v0.44.0)
      expect(images).toContain('docker.io/dockurr/dnsmasq:latest');
      await rt.alias(
        'ghcr.io/example/backend-mcp-server:latest',
        rt.images['example-mcp-server'] as string,
      );
      expect(await rt.podman(['images', '--format', '{{.Repository}}:{{.Tag}}'])).toContain(
        'ghcr.io/example/backend-mcp-server:latest',
      );
      // nothing can be pulled
      await expect(rt.podman(['pull', 'ghcr.io/example/backend-mcp-server:9'])).rejects.toThrow(
        /blocked/,
      );
      expect(rt.env['TOOLHIVE_EGRESS_IMAGE']).toBe(rt.images['egress-proxy']);
      expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).toContain(rt.netns);

      await rt.close();
      runtime = undefined;
      expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(rt.netns);
      expect(existsSync(path.join('/etc/netns', rt.netns))).toBe(false);
      expect(
        await new Promise((resolve) => {
          const s = net.connect(rt.socket);
          s.once('connect', () => resolve('answers'));
          s.once('error', () => resolve('gone'));
        }),
      ).toBe('gone');
    });

    it('fails clearly when a port the page names is busy', async () => {
      const busy = net.createServer();
      await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
      const port = (busy.address() as net.AddressInfo).port;
      try {
        runtime = await startLiveRuntime({ dir: path.join(dir, 'second') });
        await expect(runtime.publish(port)).rejects.toThrow(
          new RegExp(`127\\.0\\.0\\.1:${port} is already in use.*--proxy-port ${port}`),
        );
      } finally {
        busy.close();
      }
    });
  },
);
