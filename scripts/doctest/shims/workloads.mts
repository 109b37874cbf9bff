// Processes the shims start for a page: a reference proxy (as a child
// process, through its CLI's bundle — bundles.mts) in front of an in-process example MCP server,
// each hop behind a recording tap. Stopped with the page.
import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import { startTap } from '../worlds/shared/host-proxy.mts';
import { listeningLogLine, startExampleMcpServer } from '../../example-mcp-server/mcp-server.mts';
import type { PageSpec as PageContext } from '../world.mts';
import { pageServices } from '../worlds/shared/network.mts';
import { pageLocal } from '../page-local.mts';
import { listeningUrlReader } from '../../token-exchange-proxy/startup-messages.mts';

export interface Workload {
  name: string;
  image: string;
  /** Port the page knows the proxy by (e.g. 8080). */
  port: number;
  realPort: number;
  transport: string;
  status: 'running' | 'stopped' | 'exited';
  createdAt: Date;
  /** The proxy's output (stdout and stderr, in order). */
  logs: string[];
  /** The MCP server's own log (`thv logs NAME`): what the image's server prints. */
  mcpLog(): string;
  /** What started it (thv start runs it again). */
  request: StartProxyRequest;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** The page's workloads by name (`thv list`); each is stopped with the page. */
export const workloads = pageLocal((ctx: PageContext): Map<string, Workload> => {
  const map = new Map<string, Workload>();
  ctx.cleanups.push(async () => {
    for (const w of map.values()) await w.stop();
  }, 'workloads');
  return map;
});

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export interface StartProxyRequest {
  name: string;
  image: string;
  /** Port the page uses (localhost:<port>), mapped to the real one. */
  port: number;
  transport: string;
  /** CLI arguments for the reference proxy after NAME and --target-uri (auth flags, --manifests …). */
  proxyArgs: string[];
  /** Header the example MCP server reads its token from. */
  tokenHeader?: string;
  /**
   * Request headers lost between the proxy and the MCP server. `thv run` with network
   * isolation (its default) puts an ingress Squid there, an accelerator whose
   * `cache_peer … originserver` has no `login=PASSTHRU` (pkg/container/docker/squid.go:461@v0.44.0),
   * and Squid passes `Authorization` to an origin-server peer only with login=PASS*.
   */
  dropRequestHeaders?: readonly string[];
  env?: Record<string, string>;
  /** Map localhost:<port> to the proxy now (thv run: yes; the operator: only on port-forward). */
  expose?: boolean;
  /** Called with each chunk the proxy writes (thv keeps the proxy's log in a file). */
  onLog?: (chunk: string) => void;
}

/** Starts MCP server + proxy; resolves when /health answers, rejects with the proxy's output if it exits. */
export async function startWorkload(ctx: PageContext, req: StartProxyRequest): Promise<Workload> {
  const svc = await pageServices(ctx);
  const record = (c: Parameters<typeof svc.calls.push>[0]) => svc.calls.push(c);
  const backendTap = await startTap(
    'mcp-server',
    'backend-api',
    Number(new URL(svc.backend.url).port),
    record,
  );
  const mcp = await startExampleMcpServer({
    backendUrl: backendTap.url,
    ...(req.tokenHeader ? { tokenHeader: req.tokenHeader } : {}),
  });
  const mcpTap = await startTap(
    'proxy',
    'mcp-server',
    Number(new URL(mcp.url).port),
    record,
    req.dropRequestHeaders,
  );
  svc.hostProxy.nameLocal(mcpTap.port, 'mcp-server');
  // the proxy's CLI (scripts/token-exchange-proxy/cli.mts), bundled once per run
  const cli = svc.run.bundles.byEntry.get('scripts/token-exchange-proxy/cli.mts') as string;
  const proc = spawn(
    process.execPath,
    [
      cli,
      req.name,
      '--target-uri',
      `${mcpTap.url}${req.transport === 'sse' ? '/sse' : '/mcp'}`,
      '--host',
      '127.0.0.1',
      // port 0: the proxy binds a free port itself and logs its URL. A port picked here and
      // bound later could be taken in between by another server on a busy machine, and the
      // workload would then fail to start for a reason no page has.
      '--port',
      '0',
      ...req.proxyArgs,
    ],
    {
      cwd: ctx.workspace,
      env: {
        ...svc.env,
        HTTP_PROXY: svc.proxyProxyUrl,
        HTTPS_PROXY: svc.proxyProxyUrl,
        http_proxy: svc.proxyProxyUrl,
        https_proxy: svc.proxyProxyUrl,
        ...req.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: string[] = [];
  const listening = listeningUrlReader();
  const onData = (c: Buffer) => {
    logs.push(c.toString());
    req.onLog?.(c.toString());
  };
  proc.stdout?.on('data', (c: Buffer) => listening.feed(c.toString()));
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const w: Workload = {
    name: req.name,
    image: req.image,
    port: req.port,
    realPort: 0,
    transport: req.transport,
    status: 'running',
    createdAt: new Date(),
    logs,
    // what the example MCP server image prints in its container (scripts/live/images/mcp-container.mts):
    // it listens on all of the container's interfaces, at the port ToolHive gives it
    mcpLog: () => listeningLogLine(`http://0.0.0.0:${new URL(mcp.url).port}/mcp`, backendTap.url),
    request: req,
    proc,
    stop: async () => {
      if (w.status === 'running') w.status = 'stopped';
      await release();
    },
  };
  // everything the workload started goes, once, whether it stopped, exited or never came up
  // (a proxy that dies while starting used to leave the MCP server and both taps listening)
  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= (async () => {
      svc.hostProxy.unmapLocal(`localhost:${req.port}`);
      svc.hostProxy.unmapLocal(`127.0.0.1:${req.port}`);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(t);
      }
      await mcpTap.close();
      await mcp.close();
      await backendTap.close();
    })());
  ctx.cleanups.push(release, `workload ${req.name}`);
  ctx.cleanups.pid(proc.pid);
  proc.once('exit', () => {
    if (w.status === 'running') w.status = 'exited';
  });
  // wait for health, like thv run which returns once the proxy is up
  const deadline = Date.now() + 40_000; // generous: a loaded 2-core machine starts node+tsx slowly
  for (;;) {
    if (ctx.signal.aborted) {
      await w.stop();
      throw new Error('interrupted');
    }
    if (proc.exitCode !== null || w.status === 'exited') {
      await w.stop();
      throw new Error(logs.join('').trim() || `proxy exited with status ${proc.exitCode}`);
    }
    const url = listening.url();
    const port = url === undefined ? undefined : Number(new URL(url).port);
    const ok =
      port !== undefined &&
      (await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      ));
    if (ok) {
      w.realPort = port;
      break;
    }
    if (Date.now() > deadline) {
      await w.stop();
      throw new Error(`proxy did not become healthy within 40 s:\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (req.expose !== false) {
    svc.hostProxy.mapLocal(`localhost:${req.port}`, w.realPort, 'proxy');
    svc.hostProxy.mapLocal(`127.0.0.1:${req.port}`, w.realPort, 'proxy');
  }
  svc.hostProxy.nameLocal(w.realPort, 'proxy');
  return w;
}
