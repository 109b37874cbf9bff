// `thv` on a page's PATH: a stand-in that fails where ToolHive v0.44.0 fails.
// Command lines are read with ToolHive's own flag table
// (scripts/lib/toolhive-cli.mts): a flag the subcommand lacks, a bad type, a
// value outside an enum, a StringArray read as one value, two exclusive
// flags — each an error naming the subcommand. Stricter than thv on purpose
// in one place: `thv run` ignores unknown flags (FParseErrWhitelist), the
// shim fails on them.
//
// `thv run` starts the reference proxy (--compat toolhive in toolhive mode)
// with the same auth flags, in front of the example MCP server the plan maps
// the image to, and returns once the proxy is healthy (real thv detaches).
// The workload state is ToolHive's (thv-state.mts): a run config per
// workload under the page's HOME, names unique until `thv rm`, the proxy's
// log apart from the MCP server's, client config files with the URLs
// ToolHive writes.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PageSpec as PageContext } from '../world.mts';
import { THV_AUTH_FLAGS } from '../../token-exchange-proxy/flags.mts';
import type { ShimRequest, ShimResult } from './server.mts';
import {
  mcpServerUrl,
  runnerDetachedLine,
  runnerStartLines,
  slogLine,
  toolhiveLogTranslator,
} from './thv-log.mts';
import {
  freePort,
  startWorkload,
  workloads,
  type StartProxyRequest,
  type Workload,
} from './workloads.mts';
import {
  parseThv,
  thvValue,
  ThvCliError,
  THV_CLIENT_TYPES,
  type ParsedThv,
} from '../../lib/toolhive-cli.mts';
import {
  CLIENT_FILES,
  clientFilePath,
  deleteRunConfig,
  ensureDefaultGroup,
  proxyLogPath,
  readGroup,
  removeClientServer,
  runConfigJson,
  saveRunConfig,
  thvPaths,
  upsertClientServer,
  writeGroup,
  type ThvPaths,
} from './thv-state.mts';

/**
 * cobra prints a RunE error as `Error: <message>` and exits 1; `logged` are
 * the log lines thv wrote to stderr before it failed.
 */
const fail = (msg: string, code = 1, logged = ''): ShimResult => ({
  code,
  stderr: `${logged}Error: ${msg}\n`,
});

/**
 * pkg/runner/retriever/retriever.go:400 hasLatestTag@v0.44.0: the tag is
 * `latest`, or there is none (a digest is never latest).
 */
export function hasLatestTag(image: string): boolean {
  if (image.includes('@')) return false;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon <= slash || image.slice(colon + 1) === 'latest';
}

/** pkg/transport/http.go:34 LocalhostIPv4 — the host ListWorkloads puts in URLs. */
const LOCALHOST_IPV4 = '127.0.0.1';

export { mcpServerUrl } from './thv-log.mts';

/** pkg/container/name.go:32 generateContainerBaseName: `[namespace-]name`, sanitised. */
export function defaultWorkloadName(image: string): string {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const noTag = colon > slash ? image.slice(0, colon) : image;
  const parts = noTag.split('/');
  let ns = parts.length >= 2 ? (parts[parts.length - 2] as string) : '';
  const name = parts[parts.length - 1] as string;
  if (ns.includes(':')) ns = ns.split(':')[0] as string;
  return (ns ? `${ns}-${name}` : name).replace(/[^a-zA-Z0-9-]/g, '-');
}

interface ThvWorld {
  ctx: PageContext;
  paths: ThvPaths;
  req: ShimRequest;
}

export function thvShim(ctx: PageContext) {
  return async (req: ShimRequest): Promise<ShimResult> => {
    const home = req.env['HOME'] || ctx.workspace;
    const paths = thvPaths(home, req.env);
    ensureDefaultGroup(paths);
    const world: ThvWorld = { ctx, paths, req };
    let p: ParsedThv;
    try {
      // the values thv refuses only while building the run config are refused by run(), where thv does
      p = parseThv(req.args, { deferRefusals: true });
    } catch (e) {
      if (!(e instanceof ThvCliError)) throw e;
      const runIgnores =
        req.args[0] === 'run' && /^unknown flag/.test(e.message)
          ? '\n(real thv does not name the flag; the doctest refuses it, so that a misspelt flag cannot go unnoticed)'
          : '';
      return fail(`${e.message}${runIgnores}`);
    }
    if (p.values.get('help') === true)
      return { code: 0, stdout: `thv ${p.command.path}: see ${p.command.source}\n` };
    switch (p.command.path) {
      case 'run':
        return run(world, p);
      case 'list':
        return list(world, p);
      case 'logs':
        return logs(world, p);
      case 'stop':
        return stop(world, p);
      case 'rm':
        return rm(world, p);
      case 'start':
        return start(world, p);
      case 'export':
        return exportRunConfig(world, p);
      case 'client register':
        return clientRegister(world, p);
      case 'client remove':
        return clientRemove(world, p);
      case 'client status':
        return clientStatus(world);
      case 'client list-registered':
        return clientListRegistered(world);
      case 'client setup':
        return clientSetup(world);
      case 'version':
        return {
          code: 0,
          stdout: `ToolHive ${toolhiveVersion(ctx)} (doctest shim over the reference proxy)\n`,
        };
      default:
        return fail(
          `the doctest thv shim does not implement "thv ${p.command.path}" (it has run, list, logs, stop, rm, start/restart, client register/remove/status/list-registered)`,
          2,
        );
    }
  };
}

function toolhiveVersion(ctx: PageContext): string {
  try {
    const j = JSON.parse(readFileSync(path.join(ctx.root, 'toolhive-release.json'), 'utf8')) as {
      toolhive?: string;
    };
    return j.toolhive ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const str = (p: ParsedThv, n: string) => thvValue<string>(p, n);
const list_ = (p: ParsedThv, n: string) => thvValue<string[]>(p, n);
const bool = (p: ParsedThv, n: string) => thvValue<boolean>(p, n);

/** cmd/thv/app/auth_flags.go:26 readSecretFromFile / :45 resolveSecret. */
function resolveExchangeSecret(w: ThvWorld, p: ParsedThv): { secret: string; file?: string } {
  const flagValue = str(p, 'token-exchange-client-secret');
  if (flagValue) return { secret: flagValue };
  const file = str(p, 'token-exchange-client-secret-file');
  if (file) {
    const clean = path.normalize(file);
    const abs = path.resolve(w.req.cwd, clean);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such file or directory'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'is a directory'
              : (e as Error).message;
      throw new Error(
        `invalid token exchange configuration: failed to read secret file ${clean}: open ${clean}: ${why}`,
      );
    }
    const secret = text.trim();
    if (!secret)
      throw new Error(`invalid token exchange configuration: secret file ${clean} is empty`);
    return { secret, file: abs };
  }
  return { secret: w.req.env['TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET'] ?? '' };
}

const keyValues = (items: string[]) =>
  Object.fromEntries(
    items.map((kv) => {
      const i = kv.indexOf('=');
      return i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );

async function run(w: ThvWorld, p: ParsedThv): Promise<ShimResult> {
  const { ctx } = w;
  if (p.values.has('from-config'))
    return fail('the doctest thv shim does not run exported configurations (--from-config)', 2);
  if (bool(p, 'foreground'))
    return fail(
      'thv run --foreground blocks until the server exits; in a page sample it would never return. Run it detached (without --foreground)',
      2,
    );
  const image = p.positionals[0] as string;
  // The order of thv's checks, and what it logs on stderr before each
  // (cmd/thv/app/run.go:217-258 runSingleServer, run_flags.go:336 BuildRunnerConfig @v0.44.0).
  const name = str(p, 'name') || defaultWorkloadName(image);
  // run.go:228-234 + pkg/workloads/manager.go:371 DoesWorkloadExist: a stopped
  // workload still exists (only one in error may be replaced) until `thv rm`.
  const existing = workloads(ctx).get(name);
  if (existing && existing.status !== 'exited')
    return fail(`workload with name '${name}' already exists`);
  const group = str(p, 'group');
  if (group !== 'default') return fail(`group '${group}' does not exist`); // run.go:370
  // run_flags.go:510 handleImageResolution → retriever.VerifyImage (retriever.go:347-388):
  // an image the registry does not list has no provenance to verify
  let logged = '';
  const refusedVerification = p.refused.get('image-verification');
  if (refusedVerification) return fail(refusedVerification);
  const verification = str(p, 'image-verification');
  if (verification === 'disabled') logged += slogLine('WARN', 'Image verification is disabled');
  // toolhive-core container/verifier/utils.go:28@v0.0.38 ErrProvenanceServerInformationNotSet
  else if (verification === 'enabled')
    return fail(
      `failed to find or create the MCP server ${image}: provenance server information not set`,
    );
  else
    logged += slogLine(
      'WARN',
      'MCP server has no provenance information set, skipping image verification',
      { image },
    );
  const refusedProxyMode = p.refused.get('proxy-mode'); // run_flags.go:395
  if (refusedProxyMode) return fail(refusedProxyMode, 1, logged);
  // run_flags.go:792 BuildTokenExchangeConfig (auth_flags.go:45 resolveSecret)
  let secret: { secret: string; file?: string } | undefined;
  if (str(p, 'token-exchange-url')) {
    try {
      secret = resolveExchangeSecret(w, p);
    } catch (e) {
      return fail((e as Error).message, 1, logged);
    }
  }
  // pkg/runner/config_builder.go:1117 WithTransport, from validateConfig
  const refusedTransport = p.refused.get('transport');
  if (refusedTransport) return fail(refusedTransport, 1, logged);
  const transport = (str(p, 'transport') || 'streamable-http').toLowerCase(); // run_flags.go:552 resolveTransportType
  if (transport === 'stdio') {
    return fail(
      'the doctest runs the example MCP server over streamable-http; use --transport streamable-http (or sse)',
      1,
      logged,
    );
  }
  const profile = str(p, 'permission-profile');
  if (profile && !['none', 'network', 'stdio'].includes(profile)) {
    // pkg/runner/config_builder.go:1314 permissions.FromFile
    if (!existsSync(path.resolve(w.req.cwd, profile)))
      return fail(
        `failed to load permission profile: failed to read permission profile file ${profile}: open ${profile}: no such file or directory (--permission-profile takes none, network or a JSON file)`,
        1,
        logged,
      );
  }
  // run_flags.go:421 EnforcePolicyAndPullImage → retriever.go:255 pullImage: a `latest`
  // tag is pulled every time (images/registry.go:87 logs it); when the pull fails, the
  // local image is used. Other tags are used from the local store when there.
  const mapped = ctx.plan.images[image];
  if (!mapped) {
    return fail(
      `image or server "${image}" is not mapped to the example MCP server in the page's plan (images: ${Object.keys(ctx.plan.images).join(', ') || 'none'})`,
      1,
      logged,
    );
  }
  if (hasLatestTag(image)) logged += slogLine('INFO', 'pulling image', { image });
  // the proxy gets the auth flags as given (secret file made absolute: the proxy's cwd differs)
  const proxyArgs: string[] = [];
  for (const [flagName, v] of p.values) {
    if (!THV_AUTH_FLAGS.has(flagName)) continue; // what the reference proxy implements
    if (flagName === 'token-exchange-client-secret-file' && secret?.file) {
      proxyArgs.push(`--${flagName}=${secret.file}`);
    } else if (Array.isArray(v)) proxyArgs.push(`--${flagName}=${v.join(',')}`);
    else proxyArgs.push(`--${flagName}=${String(v)}`);
  }
  // --proxy-port 0 (the default): thv picks a free port (pkg/networking)
  const port = thvValue<number>(p, 'proxy-port') || (await freePort());
  const headerName = str(p, 'token-exchange-header-name');
  const request: StartProxyRequest = {
    name,
    image,
    port,
    transport,
    proxyArgs: [...proxyArgs, ...(ctx.plan.mode === 'toolhive' ? ['--compat', 'toolhive'] : [])],
    ...(headerName ? { tokenHeader: headerName } : {}),
    // network isolation (on by default): the ingress Squid drops the Authorization header
    ...(bool(p, 'isolate-network')
      ? { dropRequestHeaders: ['authorization', 'proxy-authorization'] }
      : {}),
    env: w.req.env,
  };
  const oidcGiven = [
    'oidc-issuer',
    'oidc-audience',
    'oidc-jwks-url',
    'oidc-introspection-url',
    'oidc-client-id',
    'oidc-client-secret',
  ].some((f) => str(p, f));
  const resourceUrl = str(p, 'resource-url');
  // cmd/thv/app/run.go:252 SaveState, before the workload starts
  saveRunConfig(
    w.paths,
    name,
    runConfigJson({
      name,
      image,
      transport,
      proxyMode: str(p, 'proxy-mode'),
      host: str(p, 'host'),
      port,
      targetPort: thvValue<number>(p, 'target-port'),
      targetHost: str(p, 'target-host'),
      group,
      permissionProfile: profile,
      env: keyValues(list_(p, 'env')),
      volumes: list_(p, 'volume'),
      secrets: list_(p, 'secret'),
      toolsFilter: list_(p, 'tools'),
      labels: keyValues(list_(p, 'label')),
      isolateNetwork: bool(p, 'isolate-network'),
      thvCaBundle: str(p, 'thv-ca-bundle'),
      jwksAuthTokenFile: str(p, 'jwks-auth-token-file'),
      ...(oidcGiven || resourceUrl
        ? {
            oidc: {
              issuer: str(p, 'oidc-issuer'),
              audience: str(p, 'oidc-audience'),
              jwksUrl: str(p, 'oidc-jwks-url'),
              introspectionUrl: str(p, 'oidc-introspection-url'),
              clientId: str(p, 'oidc-client-id'),
              clientSecret: str(p, 'oidc-client-secret'),
              caCertPath: str(p, 'thv-ca-bundle'),
              authTokenFile: str(p, 'jwks-auth-token-file'),
              allowPrivateIp: bool(p, 'jwks-allow-private-ip'),
              insecureAllowHttp: bool(p, 'oidc-insecure-allow-http'),
              resourceUrl,
              scopes: list_(p, 'oidc-scopes'),
            },
          }
        : {}),
      ...(secret
        ? {
            tokenExchange: {
              tokenUrl: str(p, 'token-exchange-url'),
              clientId: str(p, 'token-exchange-client-id'),
              clientSecret: secret.secret,
              audience: str(p, 'token-exchange-audience'),
              scopes: list_(p, 'token-exchange-scopes'),
              subjectTokenType: normalizeTokenType(str(p, 'token-exchange-subject-token-type')),
              headerName,
            },
          }
        : {}),
    }),
  );
  // the proxy log is opened O_APPEND (pkg/workloads/manager.go:732): a re-run adds to it
  let wl: Workload;
  try {
    wl = await startProxy(w, request);
  } catch (err) {
    // The detached runner (pkg/workloads/manager.go RunWorkloadDetached) checks what the
    // foreground did not: thv run has returned 0, the workload is in error, its proxy log says why.
    appendFileSync(proxyLogPath(w.paths, name), slogLine('ERROR', (err as Error).message));
    workloads(ctx).set(name, failedWorkload(request, (err as Error).message));
    return { code: 0, stderr: logged + loggingTo(w, name) };
  }
  // pkg/runner/runner.go:555-588: clients registered before the server starts get the
  // runner's URL, built with the host "localhost"
  for (const client of readGroup(w.paths, group).registered_clients)
    upsertClientServer(
      w.paths,
      client,
      name,
      mcpServerUrl('localhost', wl.port, transport, name),
      transport,
    );
  return { code: 0, stderr: logged + loggingTo(w, name) };
}

/** pkg/workloads/manager.go:742 slog.Info("logging to", "path", …), ToolHive's JSON log line. */
const loggingTo = (w: ThvWorld, name: string) =>
  slogLine('INFO', 'logging to', { path: proxyLogPath(w.paths, name) });

/** A workload whose proxy stopped at start-up: listed (with --all) in error, replaceable by thv run. */
function failedWorkload(request: StartProxyRequest, why: string): Workload {
  return {
    name: request.name,
    image: request.image,
    port: request.port,
    realPort: 0,
    transport: request.transport,
    status: 'exited',
    createdAt: new Date(),
    logs: [why],
    mcpLog: () => '',
    request,
    proc: undefined as unknown as Workload['proc'],
    stop: async () => {},
  };
}

/** pkg/oauthproto/tokenexchange/exchange.go:26 NormalizeTokenType (the table's enum has refused the rest). */
function normalizeTokenType(t: string): string {
  return t && !t.startsWith('urn:') ? `urn:ietf:params:oauth:token-type:${t}` : t;
}

/**
 * Starts the workload's proxy; its log file gets what ToolHive's detached
 * runner writes there (thv-log.mts): the runner's start-up lines, then the
 * proxy's own lines in ToolHive's format.
 */
async function startProxy(w: ThvWorld, request: StartProxyRequest): Promise<Workload> {
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

function list(w: ThvWorld, p: ParsedThv): ShimResult {
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

function logs(w: ThvWorld, p: ParsedThv): ShimResult {
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

async function stop(w: ThvWorld, p: ParsedThv): Promise<ShimResult> {
  const all = bool(p, 'all');
  if ((all || p.values.has('group')) && p.positionals.length)
    return fail(
      'no arguments should be provided when --all or --group flag is set. Hint: remove the workload names or remove the flag',
    );
  if (!all && !p.values.has('group') && p.positionals.length === 0)
    return fail(
      "at least one workload name must be provided. Hint: use 'thv list' to see available workloads, or use --all to stop all",
    );
  const running = [...workloads(w.ctx).values()].filter((x) => x.status === 'running');
  const targets =
    all || p.values.has('group') ? running : p.positionals.map((n) => workloads(w.ctx).get(n));
  if (targets.length === 0) return { code: 0, stdout: 'No running workloads to stop\n' };
  // cmd/thv/app/stop.go:98-106: a name that is not running is not an error
  if (targets.some((x) => !x || x.status !== 'running'))
    return { code: 0, stdout: 'one or more workloads are not running\n' };
  // a stopped workload keeps its container, its run config and its client entries
  for (const x of targets) await x?.stop();
  return { code: 0 };
}

async function rm(w: ThvWorld, p: ParsedThv): Promise<ShimResult> {
  const all = bool(p, 'all');
  if ((all || p.values.has('group')) && p.positionals.length)
    return fail(
      'no arguments should be provided when --all or --group flag is set. Hint: remove the workload names or remove the flag',
    );
  if (!all && !p.values.has('group') && p.positionals.length === 0)
    return fail(
      "at least one workload name must be provided. Hint: use 'thv list' to see available workloads, or use --all to remove all",
    );
  const names = all || p.values.has('group') ? [...workloads(w.ctx).keys()] : p.positionals;
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

async function start(w: ThvWorld, p: ParsedThv): Promise<ShimResult> {
  const all = bool(p, 'all');
  if ((all || p.values.has('group')) && p.positionals.length)
    return fail(
      'cannot specify both flags and workload name. Hint: remove the workload name or remove the --all/--group flag',
    );
  if (!all && !p.values.has('group') && p.positionals.length === 0)
    return fail(
      "must specify either --all flag, --group flag, or workload name. Hint: use 'thv list' to see available workloads",
    );
  if (bool(p, 'foreground'))
    return fail(
      'thv start --foreground blocks until the server exits; in a page sample it would never return',
      2,
    );
  const names = all || p.values.has('group') ? [...workloads(w.ctx).keys()] : p.positionals;
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
function exportRunConfig(w: ThvWorld, p: ParsedThv): ShimResult {
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

// ── thv client ───────────────────────────────────────────────────────────

function checkClient(client: string): ShimResult | undefined {
  if (!(THV_CLIENT_TYPES as readonly string[]).includes(client))
    return fail(`invalid client type: ${client} (valid types: ${THV_CLIENT_TYPES.join(', ')})`);
  if (!CLIENT_FILES[client])
    return fail(
      `the doctest thv shim writes the config files of ${Object.keys(CLIENT_FILES).join(', ')} only; ${client} is a real ToolHive client it does not model`,
      2,
    );
  return undefined;
}

function clientRegister(w: ThvWorld, p: ParsedThv): ShimResult {
  const client = p.positionals[0] as string;
  const bad = checkClient(client);
  if (bad) return bad;
  const groups = list_(p, 'group');
  for (const g of groups)
    if (g !== 'default')
      return fail(`failed to register clients with groups: group '${g}' does not exist`);
  const g = readGroup(w.paths, 'default');
  if (!g.registered_clients.includes(client)) g.registered_clients.push(client);
  writeGroup(w.paths, g);
  // cmd/thv/app/client.go:238 ListWorkloads(running only) → their URLs (127.0.0.1)
  for (const wl of workloads(w.ctx).values()) {
    if (wl.status !== 'running') continue;
    upsertClientServer(
      w.paths,
      client,
      wl.name,
      mcpServerUrl(LOCALHOST_IPV4, wl.port, wl.transport, wl.name),
      wl.transport,
    );
  }
  return { code: 0 };
}

function clientRemove(w: ThvWorld, p: ParsedThv): ShimResult {
  const client = p.positionals[0] as string;
  const bad = checkClient(client);
  if (bad) return bad;
  const g = readGroup(w.paths, 'default');
  g.registered_clients = g.registered_clients.filter((c) => c !== client);
  writeGroup(w.paths, g);
  for (const wl of workloads(w.ctx).values()) removeClientServer(w.paths, client, wl.name);
  return { code: 0 };
}

/** olekukonko/tablewriter with borders, as cmd/thv/app/ui/clients_status.go renders (headers upper-cased). */
function boxTable(header: string[], rows: string[][]): string {
  const width = (s: string) =>
    [...s].reduce((n, ch) => n + (/\p{Extended_Pictographic}/u.test(ch) ? 2 : 1), 0);
  const all = [header.map((h) => h.toUpperCase()), ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => width(r[i] as string))));
  const line = (l: string, m: string, r: string) =>
    l + widths.map((wd) => '─'.repeat(wd + 2)).join(m) + r;
  const row = (cells: string[]) =>
    '│' +
    cells.map((c, i) => ` ${c}${' '.repeat((widths[i] as number) - width(c))} `).join('│') +
    '│';
  return (
    [
      line('┌', '┬', '┐'),
      row(all[0] as string[]),
      line('├', '┼', '┤'),
      ...rows.map(row),
      line('└', '┴', '┘'),
    ].join('\n') + '\n'
  );
}

/**
 * pkg/client/discovery.go:113 IsClientInstalled@v0.44.0: the client's config
 * directory (or, for a client with none, its settings file) exists under HOME.
 * Clients whose files the shim does not model are never installed in a page's HOME.
 */
function isInstalled(w: ThvWorld, client: string): boolean {
  const file = clientFilePath(w.paths, client);
  return (
    file !== undefined &&
    existsSync(path.dirname(file)) &&
    (client !== 'claude-code' || existsSync(file))
  );
}

/** pkg/client: every supported client; installed = its config directory exists under HOME. */
function clientStatus(w: ThvWorld): ShimResult {
  const registered = readGroup(w.paths, 'default').registered_clients;
  const rows = [...THV_CLIENT_TYPES].sort().map((c) => {
    const installed = isInstalled(w, c);
    return [c, installed ? '✅ Yes' : '❌ No', registered.includes(c) ? '✅ Yes' : '❌ No'];
  });
  return { code: 0, stdout: boxTable(['Client Type', 'Installed', 'Registered'], rows) };
}

/**
 * cmd/thv/app/client.go:97 clientSetupCmdFunc@v0.44.0: with no client
 * installed it says so and succeeds; otherwise it opens a menu in the
 * terminal, which a page's shell does not have.
 */
function clientSetup(w: ThvWorld): ShimResult {
  if (!THV_CLIENT_TYPES.some((c) => isInstalled(w, c)))
    return { code: 0, stdout: 'No new clients found.\n' };
  return fail(
    'thv client setup asks you to pick clients in a terminal menu; the doctest has no terminal. ' +
      'Use thv client register <client> (the same registration, without the menu)',
    2,
  );
}

function clientListRegistered(w: ThvWorld): ShimResult {
  const registered = [...readGroup(w.paths, 'default').registered_clients].sort();
  if (registered.length === 0) return { code: 0, stdout: 'No clients are currently registered.\n' };
  return {
    code: 0,
    stdout: boxTable(
      ['Client Type', 'Groups'],
      registered.map((c) => [c, 'default']),
    ),
  };
}
