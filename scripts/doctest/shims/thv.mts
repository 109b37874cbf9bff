// `thv` on a page's PATH. `thv run <flags> <IMAGE_OR_NAME>` starts the
// reference proxy with the same auth flags plus --compat toolhive, in front of
// the example MCP server the plan maps the image to, and returns once the
// proxy is healthy (real thv detaches too). Unlike real thv, which silently
// ignores unknown flags, an unknown or misspelt flag fails.
// Also: thv list, thv stop NAME, thv rm NAME, thv logs NAME.
import type { PageContext } from '../context.mts';
import type { ShimRequest, ShimResult } from './server.mts';
import { startWorkload, workloads } from './workloads.mts';

// Every long flag of `thv run` (toolhive-facts a.1; reference/thv-run-flags.json).
const RUN_FLAGS = new Set(
  `allow-docker-gateway allowed-origins audit-config authz-config build-with ca-cert debug enable-audit endpoint-prefix env env-file env-file-dir foreground from-config group host ignore-globally image-verification isolate-network jwks-allow-private-ip jwks-auth-token-file k8s-pod-patch label name network oidc-audience oidc-client-id oidc-client-secret oidc-insecure-allow-http oidc-introspection-url oidc-issuer oidc-jwks-url oidc-scopes otel-custom-attributes otel-enable-prometheus-metrics-path otel-endpoint otel-env-vars otel-headers otel-insecure otel-metrics-enabled otel-sampling-rate otel-service-name otel-tracing-enabled otel-use-legacy-attributes permission-profile print-resolved-overlays proxy-mode proxy-port publish remote-auth remote-auth-authorize-url remote-auth-bearer-token remote-auth-bearer-token-file remote-auth-callback-port remote-auth-client-id remote-auth-client-secret remote-auth-client-secret-file remote-auth-issuer remote-auth-resource remote-auth-scope-param-name remote-auth-scopes remote-auth-skip-browser remote-auth-timeout remote-auth-token-url remote-forward-headers remote-forward-headers-secret resource-url runtime-add-package runtime-image secret session-ttl stateless strict-protocol-validation target-host target-port thv-ca-bundle token-exchange-audience token-exchange-client-id token-exchange-client-secret token-exchange-client-secret-file token-exchange-header-name token-exchange-scopes token-exchange-subject-token-type token-exchange-url tools tools-override transport trust-proxy-headers volume webhook-config`.split(
    ' ',
  ),
);
const BOOL_FLAGS = new Set(
  'allow-docker-gateway debug enable-audit foreground ignore-globally isolate-network jwks-allow-private-ip oidc-insecure-allow-http otel-enable-prometheus-metrics-path otel-insecure otel-metrics-enabled otel-tracing-enabled otel-use-legacy-attributes print-resolved-overlays remote-auth remote-auth-skip-browser stateless strict-protocol-validation trust-proxy-headers'.split(
    ' ',
  ),
);
/** Flags the reference proxy implements (passed on as written). */
const PROXY_FLAG = /^(oidc-|token-exchange-|resource-url$|jwks-|thv-ca-bundle$)/;

const fail = (msg: string, code = 1): ShimResult => ({ code, stderr: `Error: ${msg}\n` });

export function thvShim(ctx: PageContext) {
  return async (req: ShimRequest): Promise<ShimResult> => {
    const [cmd, ...rest] = req.args;
    switch (cmd) {
      case 'run':
        return run(ctx, rest, req);
      case 'list':
      case 'ls':
        return list(ctx, rest);
      case 'stop':
      case 'rm':
      case 'delete': {
        const name = rest.find((a) => !a.startsWith('-'));
        const w = name ? workloads(ctx).get(name) : undefined;
        if (!w) return fail(`workload ${name ?? '(none given)'} not found`);
        await w.stop();
        if (cmd !== 'stop') workloads(ctx).delete(w.name);
        return {
          code: 0,
          stdout:
            cmd === 'stop'
              ? `Stopping workload ${w.name}...\nWorkload ${w.name} stopped\n`
              : `Workload ${w.name} removed\n`,
        };
      }
      case 'logs': {
        const name = rest.find((a) => !a.startsWith('-'));
        const w = name ? workloads(ctx).get(name) : undefined;
        if (!w) return fail(`workload ${name ?? '(none given)'} not found`);
        return { code: 0, stdout: w.logs.join('') };
      }
      case 'version':
        return { code: 0, stdout: 'ToolHive (doctest shim over the reference proxy)\n' };
      default:
        return fail(
          `the doctest thv shim does not implement "thv ${cmd ?? ''}" (it has run, list, stop, rm, logs)`,
          2,
        );
    }
  };
}

async function run(ctx: PageContext, args: string[], req: ShimRequest): Promise<ShimResult> {
  const proxyArgs: string[] = [];
  const own: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!RUN_FLAGS.has(name)) {
      return fail(
        `unknown flag: --${name}\n(real thv run ignores unknown flags silently, so this typo would go unnoticed; the doctest fails on it)`,
      );
    }
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else if (!BOOL_FLAGS.has(name)) {
      value = args[++i];
      if (value === undefined) return fail(`flag needs an argument: --${name}`);
    }
    if (PROXY_FLAG.test(name)) proxyArgs.push(`--${name}`, ...(value !== undefined ? [value] : []));
    else own[name] = value ?? 'true';
  }
  const image = positionals[0];
  if (!image) return fail('thv run needs an image or server name');
  const mapped = ctx.plan.images[image];
  if (!mapped) {
    return fail(
      `image or server "${image}" is not mapped to the example MCP server in the page's plan (images: ${Object.keys(ctx.plan.images).join(', ') || 'none'})`,
    );
  }
  const transport = own['transport'] ?? 'streamable-http';
  if (transport === 'stdio') {
    return fail(
      'the doctest runs the example MCP server over streamable-http; use --transport streamable-http (or sse)',
    );
  }
  const name = own['name'] ?? image.split('/').pop()?.split(':')[0] ?? 'server';
  if (workloads(ctx).get(name)?.status === 'running')
    return fail(`workload with name ${name} already exists`);
  const headerIdx = proxyArgs.indexOf('--token-exchange-header-name');
  const tokenHeader = headerIdx >= 0 ? proxyArgs[headerIdx + 1] : undefined;
  try {
    const w = await startWorkload(ctx, {
      name,
      image,
      port: Number(own['proxy-port'] ?? 8080),
      transport,
      proxyArgs: [...proxyArgs, ...(ctx.plan.mode === 'toolhive' ? ['--compat', 'toolhive'] : [])],
      ...(tokenHeader ? { tokenHeader } : {}),
      env: req.env,
    });
    workloads(ctx).set(name, w);
    return { code: 0, stdout: `MCP server ${name} is running at http://127.0.0.1:${w.port}/mcp\n` };
  } catch (err) {
    return fail(`failed to start ${name}: ${(err as Error).message}`);
  }
}

function list(ctx: PageContext, args: string[]): ShimResult {
  const all = args.includes('--all') || args.includes('-a');
  const rows = [...workloads(ctx).values()].filter((w) => all || w.status === 'running');
  if (rows.length === 0) return { code: 0, stdout: 'No MCP servers found\n' };
  const table = [
    ['NAME', 'PACKAGE', 'STATUS', 'URL', 'PORT', 'GROUP', 'CREATED'],
    ...rows.map((w) => [
      w.name,
      w.image,
      w.status,
      `http://127.0.0.1:${w.port}/mcp`,
      String(w.port),
      'default',
      w.createdAt.toISOString().replace('T', ' ').slice(0, 19),
    ]),
  ];
  const widths =
    table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] as string).length))) ?? [];
  return {
    code: 0,
    stdout:
      table
        .map((r) =>
          r
            .map((c, i) => c.padEnd((widths[i] as number) + 3))
            .join('')
            .trimEnd(),
        )
        .join('\n') + '\n',
  };
}
