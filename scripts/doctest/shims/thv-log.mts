// ToolHive's log lines, as the thv shim writes them: the CLI's on stderr, and
// the proxy log of a workload (`thv logs NAME --proxy`) as ToolHive's
// detached runner writes it, both slog JSON lines (slogLine). The
// shim writes the runner's own start-up lines, in the runner's order, and
// turns the reference proxy's log lines into ToolHive's format; the
// reference proxy's report of its own start-up is left out, since ToolHive
// reports start-up with the runner's lines instead.
import { REFERENCE_PROXY_STARTUP_MESSAGES } from '../../token-exchange-proxy/startup-messages.mts';

/**
 * One line of ToolHive's log: slog's JSON handler with the time as RFC 3339
 * in seconds (toolhive-core logging/logging.go:135@v0.0.38, the version
 * ToolHive v0.44.0's go.mod requires); `time`, `level`, `msg`, then the
 * attributes in call order.
 */
export function slogLine(
  level: 'INFO' | 'WARN' | 'ERROR',
  msg: string,
  attrs: Record<string, unknown> = {},
  at = new Date(),
): string {
  const time = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${JSON.stringify({ time, level, msg, ...attrs })}\n`;
}

/** pkg/transport/url.go:21 GenerateMCPServerURL for local workloads. */
export function mcpServerUrl(host: string, port: number, transport: string, name: string): string {
  return transport === 'sse'
    ? `http://${host}:${port}/sse#${encodeURIComponent(name)}`
    : `http://${host}:${port}/mcp`;
}

/** pkg/container/docker/client.go:42@v0.44.0 DnsImage. */
export const TOOLHIVE_DNS_IMAGE = 'dockurr/dnsmasq:latest';
/** pkg/container/docker/squid.go:22@v0.44.0 defaultSquidImage (TOOLHIVE_EGRESS_IMAGE overrides it). */
export const TOOLHIVE_EGRESS_IMAGE = 'ghcr.io/stacklok/toolhive/egress-proxy:latest';

export interface RunnerStart {
  name: string;
  port: number;
  transport: string;
  /** Any --oidc-* or --resource-url flag given (run_flags.go:1173 createOIDCConfig@v0.44.0). */
  oidc: boolean;
  /** --isolate-network (on by default). */
  isolateNetwork: boolean;
}

/** What the detached runner logs before the workload is up. */
export function runnerStartLines(s: RunnerStart): string {
  let out = '';
  // pkg/auth/utils.go:82@v0.44.0 GetAuthenticationMiddleware without an OIDC config
  if (!s.oidc)
    out += slogLine(
      'WARN',
      'no authentication configured: the proxy will accept every request unauthenticated and ' +
        'assign each a synthetic local-user identity with no token or credential check; ' +
        'configure an OIDC provider to enforce authentication per request',
    );
  // network isolation: the DNS container (client.go:1527), then the egress and the ingress
  // Squid, both from the egress image (squid.go:351); each pull is logged (images/registry.go:87)
  if (s.isolateNetwork)
    for (const image of [TOOLHIVE_DNS_IMAGE, TOOLHIVE_EGRESS_IMAGE, TOOLHIVE_EGRESS_IMAGE])
      out += slogLine('INFO', 'pulling image', { image });
  // pkg/runner/runner.go:555-572,1064@v0.44.0: the readiness probe at the runner's URL
  // (host "localhost", an SSE URL without its fragment), up to 5 minutes, in nanoseconds
  const endpoint = mcpServerUrl('localhost', s.port, s.transport, s.name).replace(/#.*$/, '');
  out += slogLine('INFO', 'Waiting for MCP server to be ready', {
    endpoint,
    timeout: 300_000_000_000,
  });
  return out;
}

/** pkg/runner/runner.go:630@v0.44.0, once the workload is up. */
export const runnerDetachedLine = (pid: number) =>
  slogLine('INFO', 'running as detached process', { pid });

/** pino's numeric levels as slog's names (ToolHive logs at INFO and above). */
const LEVELS: Record<number, 'INFO' | 'WARN' | 'ERROR'> = {
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'ERROR',
};
/** pino's own fields; the rest are the line's attributes. */
const PINO_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'proxy', 'msg']);

/**
 * Turns the reference proxy's output into ToolHive's log lines. Feed it the
 * output as it comes (chunks may split lines); it returns what to append.
 */
export function toolhiveLogTranslator(): (chunk: string) => string {
  let pending = '';
  return (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    let out = '';
    for (const line of lines) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        if (line.trim()) out += `${line}\n`; // not a log record (a crash): as it is
        continue;
      }
      const level = LEVELS[Number(rec['level'])];
      const msg = String(rec['msg'] ?? '');
      if (!level || REFERENCE_PROXY_STARTUP_MESSAGES.has(msg)) continue;
      const attrs = Object.fromEntries(Object.entries(rec).filter(([k]) => !PINO_FIELDS.has(k)));
      out += slogLine(level, msg, attrs, new Date(Number(rec['time']) || Date.now()));
    }
    return out;
  };
}
