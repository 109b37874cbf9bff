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
// ToolHive writes. This file reads the command line and runs `thv run`;
// the workload's later life is in thv-lifecycle.mts, `thv client` in
// thv-client.mts.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PageSpec as PageContext } from '../world.mts';
import { THV_AUTH_FLAGS } from '../../token-exchange-proxy/flags.mts';
import type { ShimRequest, ShimResult } from './server.mts';
import { mcpServerUrl, slogLine } from './thv-log.mts';
import { freePort, workloads, type StartProxyRequest, type Workload } from './workloads.mts';
import { TOKEN_HEADER_ENV } from '../../example-mcp-server/mcp-server.mts';
import { parseThv, thvValue, ThvCliError, type ParsedThv } from '../../lib/toolhive-cli.mts';
import {
  ensureDefaultGroup,
  proxyLogPath,
  readGroup,
  runConfigJson,
  saveRunConfig,
  thvPaths,
  upsertClientServer,
} from './thv-state.mts';
import { bool, fail, list_, str, type ThvWorld } from './thv-command.mts';
import {
  exportRunConfig,
  list,
  loggingTo,
  logs,
  rm,
  start,
  startProxy,
  stop,
} from './thv-lifecycle.mts';
import {
  clientListRegistered,
  clientRegister,
  clientRemove,
  clientSetup,
  clientStatus,
} from './thv-client.mts';

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
  // the server reads its token where its image is told to (thv run -e), as in the live tier;
  // --token-exchange-header-name only tells the proxy where to write
  const serverTokenHeader = keyValues(list_(p, 'env'))[TOKEN_HEADER_ENV];
  const request: StartProxyRequest = {
    name,
    image,
    port,
    transport,
    proxyArgs: [...proxyArgs, ...(ctx.plan.mode === 'toolhive' ? ['--compat', 'toolhive'] : [])],
    ...(serverTokenHeader ? { tokenHeader: serverTokenHeader } : {}),
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
              headerName: str(p, 'token-exchange-header-name'),
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
