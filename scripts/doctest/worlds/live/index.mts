// The live world (../../world.mts): the page's `thv` is the REAL ToolHive CLI
// of the release the guides name (toolhive-release.json), under podman, in
// the live runtime's network namespace (scripts/live/environment.mts). The
// mock IdP, the forward proxy, the test CA and the verify client are the same
// as in the hermetic world (../shared/): only what stands behind `thv` differs.
//
//   - `thv` on PATH: a wrapper that runs the real binary inside the namespace
//     with HOME and ToolHive's XDG folders in the page's workspace, the run's
//     test CA (SSL_CERT_FILE), no update check, and the forward proxy as seen
//     from inside the namespace (HTTPS_PROXY). Vendor hosts resolve, inside the
//     namespace only, to addresses the relay pipes to the forward proxy, which
//     records each call as made by `proxy`.
//   - Every `--proxy-port N` the page's shell samples name, and the port of the
//     plan's verify URL, is bound on the host's 127.0.0.1 for real before the
//     first sample (a busy port fails the page, named) and piped into the
//     namespace, where thv listens.
//   - The plan's images (ghcr.io/example/backend-mcp-server:latest) are local
//     podman images: the example MCP server and, in the same container, the
//     example backend API (scripts/live/images/mcp-container.mts), which checks
//     the exchanged token against the run's mock IdP keys baked into the image.
//     DOCTEST_BACKEND_URL is a loopback relay whose GET /__received reads that
//     container's record (`podman exec`), so `curl <BACKEND_API_URL>/__received`
//     works as the page writes it.
//   - At the end of the page every workload is removed (`thv rm`), then the
//     runtime stops what it started: containers, networks, podman, the
//     namespace with every process still in it (thv's detached proxies).
import { mkdir, writeFile, chmod } from 'node:fs/promises';
import { createServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { extractPage } from '../../extract.mts';
import type { PageSpec, PageWorld, World, WorldModule } from '../../world.mts';
import {
  holdRunServices,
  mintPlaceholders,
  pageServices,
  releaseRunServices,
  runServices,
} from '../shared/network.mts';
import { runVerify } from '../shared/verify.mts';
import { thvProxyLogs } from '../shared/thv-logs.mts';
import { pageLocal } from '../../page-local.mts';
import {
  liveAvailability,
  startLiveRuntime,
  thvEnv,
  type LiveRuntime,
} from '../../../live/environment.mts';
import type { BakedBackendConfig } from '../../../live/images/mcp-container.mts';
import type { ReceivedRequest } from '../../../example-mcp-server/backend-api.mts';

const run = promisify(execFile);

export const live: WorldModule = {
  availability: () => {
    const a = liveAvailability();
    return a.ok ? { ok: true } : { ok: false, reason: a.reason };
  },
  openWorld: async () => {
    const a = liveAvailability();
    if (!a.ok) throw new Error(`the live tier cannot run: ${a.reason}`);
    holdRunServices();
    let closed = false;
    const world: World = {
      tier: 'live',
      against: `thv ${a.version}`,
      openPage: (spec) => livePage(spec),
      close: async () => {
        if (closed) return;
        closed = true;
        await releaseRunServices();
      },
    };
    return world;
  },
};

/** Ports the page's shell samples give `--proxy-port`, and the verify URL's. */
export function pagePorts(spec: PageSpec): number[] {
  const ports = new Set<number>();
  for (const s of extractPage(spec.pageAbs, spec.root)) {
    if (!['bash', 'sh', 'shell'].includes(s.lang)) continue;
    for (const m of s.text.matchAll(/--proxy-port[= ]+(\d+)/g)) ports.add(Number(m[1]));
  }
  const url = spec.plan.verify?.url;
  if (typeof url === 'string') {
    const u = new URL(url);
    if (['localhost', '127.0.0.1'].includes(u.hostname)) ports.add(Number(u.port || 80));
  }
  return [...ports].sort((a, b) => a - b);
}

interface LivePage {
  runtime: LiveRuntime;
  env: NodeJS.ProcessEnv;
  thvEnv: Record<string, string>;
  received: () => Promise<ReceivedRequest[]>;
}

const livePageState = pageLocal((spec: PageSpec) => startPage(spec));

async function backendConfig(spec: PageSpec): Promise<BakedBackendConfig> {
  const r = await runServices();
  const b = spec.plan.backend;
  const as = r.idp.server(b.issuer);
  const jwksUrl = as.endpoints.jwks ?? `${as.issuer}/v1/keys`;
  const res = await fetch(jwksUrl);
  if (!res.ok) throw new Error(`the mock IdP's JWKS for ${b.issuer} answered ${res.status}`);
  return {
    issuer: b.issuer,
    audience: b.audience,
    jwks: (await res.json()) as BakedBackendConfig['jwks'],
  };
}

async function startPage(spec: PageSpec): Promise<LivePage> {
  const svc = await pageServices(spec);
  const dir = path.join(spec.workspace, '.live');
  const runtime = await startLiveRuntime({
    dir,
    signal: spec.signal,
    backend: await backendConfig(spec),
  });
  spec.cleanups.push(() => runtime.close(), 'live runtime (podman, network namespace)');
  const nsProxy = await runtime.routeHosts(
    svc.run.vendorHosts.filter((h) => !h.startsWith('*.')),
    svc.proxyProxyUrl,
  );
  for (const port of pagePorts(spec)) {
    await runtime.publish(port);
    svc.hostProxy.nameLocal(port, 'proxy');
  }
  for (const [image, standIn] of Object.entries(spec.plan.images)) {
    const local = runtime.images[standIn];
    if (!local)
      throw new Error(
        `${spec.page.replace(/\.mdx?$/, '.doctest.yaml')}: images: ${image}: the live tier has no image for "${standIn}" (it has: ${Object.keys(runtime.images).join(', ')})`,
      );
    await runtime.alias(image, local);
  }
  const env = thvEnv({ home: spec.workspace, caFile: svc.run.caFile, httpsProxy: nsProxy });
  // workloads the page left behind: removed before the runtime goes
  spec.cleanups.push(() => removeWorkloads(runtime, env), 'thv rm (the page’s workloads)');

  // the page's `thv`: the real one, inside the namespace, with ToolHive's state in the workspace
  const bin = path.join(dir, 'page-bin');
  await mkdir(bin, { recursive: true });
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const exports = Object.entries({ ...runtime.env, ...env })
    .map(([k, v]) => `export ${k}=${q(v)}`)
    .join('\n');
  await writeFile(
    path.join(bin, 'thv'),
    `#!/bin/sh\n# the real thv (live tier), in the live runtime's network namespace\n${exports}\nexec ${q(path.join(runtime.binDir, 'thv'))} "$@"\n`,
  );
  await chmod(path.join(bin, 'thv'), 0o755);

  // GET /__received of the example backend API inside the container
  const relay = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/__received') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    runtime.backendReceived().then(
      (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body),
      (e: Error) =>
        res
          .writeHead(502, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'backend_unreachable', error_description: e.message })),
    );
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  spec.cleanups.push(
    () => new Promise<void>((r) => relay.close(() => r())),
    'backend record relay',
  );
  const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  svc.hostProxy.nameLocal(Number(new URL(relayUrl).port), 'backend-api');

  const received = async () => {
    try {
      return JSON.parse(await runtime.backendReceived()) as ReceivedRequest[];
    } catch {
      return [];
    }
  };
  return {
    runtime,
    thvEnv: env,
    received,
    env: {
      ...svc.env,
      PATH: `${bin}:${path.join(spec.root, 'scripts/doctest/bin')}:${svc.env['PATH'] ?? ''}`,
      DOCTEST_BACKEND_URL: relayUrl,
      DOCTEST_TIER: 'live',
      ...spec.plan.env,
    },
  };
}

async function removeWorkloads(runtime: LiveRuntime, env: Record<string, string>): Promise<void> {
  const thv = path.join(runtime.binDir, 'thv');
  const opts = {
    env: { PATH: process.env['PATH'] ?? '', ...runtime.env, ...env },
    timeout: 60_000,
  };
  const { stdout } = await run(thv, ['list', '--all', '--format', 'json'], opts).catch(() => ({
    stdout: '[]',
  }));
  let names: string[] = [];
  try {
    const parsed = JSON.parse(stdout || '[]') as { name?: string }[] | null;
    names = (parsed ?? []).map((w) => w.name).filter((n): n is string => Boolean(n));
  } catch {
    names = [];
  }
  for (const name of names) await run(thv, ['rm', name], opts).catch(() => {});
}

function livePage(spec: PageSpec): PageWorld {
  let placeholders: Promise<Record<string, string>> | undefined;
  const values = () => (placeholders ??= mintPlaceholders(spec));
  return {
    placeholders: values,
    shellEnv: async () => (await livePageState(spec)).env,
    reachable: async (port) => listening(port),
    verify: async (v) => {
      const page = await livePageState(spec);
      return runVerify(spec, v, values, { received: page.received });
    },
    // the real thv's detached proxy writes its log under the page's XDG_DATA_HOME (thvEnv)
    proxyLogs: () => thvProxyLogs(spec.workspace),
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
