// thv list, logs, stop, rm, start/restart and export: the workload's life
// after `thv run`, as ToolHive v0.44.0 lives it (cmd/thv/app/*.go), over the
// shim's workload state (thv-state.mts, workloads.mts). startProxy is
// shared with `thv run` (thv.mts).
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { ShimResult } from './server.mts';
import {
  mcpServerUrl,
  runnerDetachedLine,
  runnerStartLines,
  slogLine,
  toolhiveLogTranslator,
} from './thv-log.mts';
import { startWorkload, workloads, type StartProxyRequest, type Workload } from './workloads.mts';
import { type ParsedThv } from '../../lib/toolhive-cli.mts';
import { deleteRunConfig, proxyLogPath, readGroup, removeClientServer } from './thv-state.mts';
import { bool, fail, LOCALHOST_IPV4, str, type ThvWorld } from './thv-command.mts';

/** pkg/workloads/manager.go:742 slog.Info("logging to", "path", …), ToolHive's JSON log line. */
export const loggingTo = (w: ThvWorld, name: string) =>
  slogLine('INFO', 'logging to', { path: proxyLogPath(w.paths, name) });

/**
 * Starts the workload's proxy; its log file gets what ToolHive's detached
 * runner writes there (thv-log.mts): the runner's start-up lines, then the
 * proxy's own lines in ToolHive's format.
 */
export async function startProxy(w: ThvWorld, request: StartProxyRequest): Promise<Workload> {
  const logFile = proxyLogPath(w.paths, request.name);
  mkdirSync(path.dirname(logFile), { recursive: true });
  appendFileSync(
    logFile,
    runnerStartLines({
      name: request.name,
      port: request.port,
      transport: request.transport,
      oidc: request.proxyArgs.some((a) => /^--(oidc-|resource-url)/.test(a)),
      isolateNetwork: request.dropRequestHeaders !== undefined,
    }),
  );
  const translate = toolhiveLogTranslator();
  const wl = await startWorkload(w.ctx, {
    ...request,
    onLog: (chunk) => appendFileSync(logFile, translate(chunk)),
  });
  appendFileSync(logFile, runnerDetachedLine(wl.proc.pid ?? 0));
  workloads(w.ctx).set(request.name, wl);
  return wl;
}

/** runtime.WorkloadStatus as thv shows it (a proxy that exited is in error). */
const statusOf = (wl: Workload) => (wl.status === 'exited' ? 'error' : wl.status);

/** Go's time.Time.String(): 2006-01-02 15:04:05.999999999 -0700 MST. */
function goTime(d: Date): string {
  const iso = d.toISOString(); // 2026-12-01T23:59:00.123Z
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} +0000 UTC`;
}

export function list(w: ThvWorld, p: ParsedThv): ShimResult {
  const all = bool(p, 'all');
  const format = str(p, 'format');
  const groupFilter = str(p, 'group');
  if (groupFilter && groupFilter !== 'default')
    return fail(`failed to filter workloads by group: group '${groupFilter}' does not exist`);
  // pkg/workloads/types/types.go:98: URLs from ListWorkloads use LocalhostIPv4
  const rows = [...workloads(w.ctx).values()]
    .filter((wl) => all || wl.status === 'running')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((wl) => ({
      name: wl.name,
      package: wl.image,
      url: mcpServerUrl(LOCALHOST_IPV4, wl.port, wl.transport, wl.name),
      port: wl.port,
      transport_type: wl.transport,
      proxy_mode: wl.transport,
      status: statusOf(wl),
      created_at: wl.createdAt.toISOString(),
      group: 'default',
      started_at: wl.createdAt.toISOString(),
    }));
  if (format === 'json') return { code: 0, stdout: `${JSON.stringify(rows, null, 2)}\n` };
  if (format === 'mcpservers') {
    const servers = Object.fromEntries(
      rows.map((r) => [r.name, { url: r.url, type: r.proxy_mode }]),
    );
    return { code: 0, stdout: `${JSON.stringify({ mcpServers: servers }, null, 2)}\n` };
  }
  if (rows.length === 0) return { code: 0, stdout: 'No MCP servers found\n' };
  // cmd/thv/app/list.go:207 text/tabwriter, padding 3
  const table = [
    ['NAME', 'PACKAGE', 'STATUS', 'URL', 'PORT', 'GROUP', 'CREATED'],
    ...rows.map((r) => [
      r.name,
      r.package,
      r.status,
      r.url,
      String(r.port),
      r.group,
      goTime(new Date(r.created_at)),
    ]),
  ];
  const widths = (table[0] as string[]).map((_, i) =>
    Math.max(...table.map((r) => (r[i] as string).length)),
  );
  return {
    code: 0,
    stdout:
      table
        .map((r) =>
          r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] as number) + 3))).join(''),
        )
        .join('\n') + '\n',
  };
}

export function logs(w: ThvWorld, p: ParsedThv): ShimResult {
  const name = p.positionals[0] as string;
  if (bool(p, 'follow'))
    return fail(
      'thv logs --follow never returns; in a page sample, read the log without --follow',
      2,
    );
  if (bool(p, 'proxy')) {
    // cmd/thv/app/logs.go:105-121: the proxy's log file; none → nothing printed, exit 0
    const file = proxyLogPath(w.paths, name);
    return { code: 0, stdout: existsSync(file) ? readFileSync(file, 'utf8') : '' };
  }
  // the MCP server container's log (logs.go:124-130)
  const wl = workloads(w.ctx).get(name);
  if (!wl)
    return fail(`container logs for workload ${name} not found, use --proxy to get proxy logs`);
  return { code: 0, stdout: wl.mcpLog() };
}

/** `--all` or `--group` chooses the workloads instead of names. */
const byFlag = (p: ParsedThv) => bool(p, 'all') || p.values.has('group');

/**
 * stop, rm and start take names or --all/--group, not both and not neither;
 * each words the two refusals its own way (cmd/thv/app/{stop,rm,restart}.go@v0.44.0).
 */
function usageError(
  p: ParsedThv,
  texts: { both: string; neither: string },
): ShimResult | undefined {
  if (byFlag(p) && p.positionals.length) return fail(texts.both);
  if (!byFlag(p) && p.positionals.length === 0) return fail(texts.neither);
  return undefined;
}

export async function stop(w: ThvWorld, p: ParsedThv): Promise<ShimResult> {
  const usage = usageError(p, {
    both: 'no arguments should be provided when --all or --group flag is set. Hint: remove the workload names or remove the flag',
    neither:
      "at least one workload name must be provided. Hint: use 'thv list' to see available workloads, or use --all to stop all",
  });
  if (usage) return usage;
  const running = [...workloads(w.ctx).values()].filter((x) => x.status === 'running');
  const targets = byFlag(p) ? running : p.positionals.map((n) => workloads(w.ctx).get(n));
  if (targets.length === 0) return { code: 0, stdout: 'No running workloads to stop\n' };
  // cmd/thv/app/stop.go:98-106: a name that is not running is not an error
  if (targets.some((x) => !x || x.status !== 'running'))
    return { code: 0, stdout: 'one or more workloads are not running\n' };
  // a stopped workload keeps its container, its run config and its client entries
  for (const x of targets) await x?.stop();
  return { code: 0 };
}

export async function rm(w: ThvWorld, p: ParsedThv): Promise<ShimResult> {
  const usage = usageError(p, {
    both: 'no arguments should be provided when --all or --group flag is set. Hint: remove the workload names or remove the flag',
    neither:
      "at least one workload name must be provided. Hint: use 'thv list' to see available workloads, or use --all to remove all",
  });
  if (usage) return usage;
  const names = byFlag(p) ? [...workloads(w.ctx).keys()] : p.positionals;
  for (const n of names) {
    if (
      !workloads(w.ctx).has(n) &&
      !existsSync(path.join(w.paths.state, 'runconfigs', `${n}.json`))
    )
      return fail(`failed to delete workloads: workload ${n} not found`);
  }
  for (const n of names) {
    const wl = workloads(w.ctx).get(n);
    await wl?.stop();
    workloads(w.ctx).delete(n);
    deleteRunConfig(w.paths, n);
    // pkg/runner/runner.go:701-721: a removed workload leaves the registered clients' configs
    for (const client of readGroup(w.paths, 'default').registered_clients)
      removeClientServer(w.paths, client, n);
  }
  return { code: 0 };
}

export async function start(w: ThvWorld, p: ParsedThv): Promise<ShimResult> {
  const usage = usageError(p, {
    both: 'cannot specify both flags and workload name. Hint: remove the workload name or remove the --all/--group flag',
    neither:
      "must specify either --all flag, --group flag, or workload name. Hint: use 'thv list' to see available workloads",
  });
  if (usage) return usage;
  if (bool(p, 'foreground'))
    return fail(
      'thv start --foreground blocks until the server exits; in a page sample it would never return',
      2,
    );
  const names = byFlag(p) ? [...workloads(w.ctx).keys()] : p.positionals;
  let logged = '';
  for (const n of names) {
    const wl = workloads(w.ctx).get(n);
    if (!wl) return fail(`failed to restart workload ${n}: workload ${n} not found`, 1, logged);
    if (wl.status === 'running') continue;
    try {
      const again = await startProxy(w, wl.request);
      again.createdAt = wl.createdAt;
      // the restart runs the workload detached again (pkg/workloads/manager.go:742 logs it)
      logged += loggingTo(w, n);
    } catch (err) {
      return fail(`failed to restart workload ${n}: ${(err as Error).message}`, 1, logged);
    }
  }
  return { code: 0, ...(logged ? { stderr: logged } : {}) };
}

/** cmd/thv/app/export.go:62-90: the saved run config, as saved (secret included). */
export function exportRunConfig(w: ThvWorld, p: ParsedThv): ShimResult {
  const [name, out] = p.positionals as [string, string];
  if (str(p, 'format') === 'k8s')
    return fail('the doctest thv shim exports --format json only (k8s is not modelled)', 2);
  const file = path.join(w.paths.state, 'runconfigs', `${name}.json`);
  if (!existsSync(file))
    return fail(
      `failed to load run configuration for workload '${name}': state '${name}' not found`,
    );
  const target = path.resolve(w.req.cwd, out);
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o750 });
  writeFileSync(target, readFileSync(file), { mode: 0o600 });
  return { code: 0, stdout: `Successfully exported run configuration for '${name}' to '${out}'\n` };
}
