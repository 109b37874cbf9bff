// What every thv subcommand of the shim gets: the page, ToolHive's paths
// under the page's HOME and the request; cobra's failure shape; the flag
// readers over ToolHive's own flag table (scripts/lib/toolhive-cli.mts).
import type { PageSpec as PageContext } from '../world.mts';
import type { ShimRequest, ShimResult } from './server.mts';
import { thvValue, type ParsedThv } from '../../lib/toolhive-cli.mts';
import type { ThvPaths } from './thv-state.mts';

/**
 * cobra prints a RunE error as `Error: <message>` and exits 1; `logged` are
 * the log lines thv wrote to stderr before it failed.
 */
export const fail = (msg: string, code = 1, logged = ''): ShimResult => ({
  code,
  stderr: `${logged}Error: ${msg}\n`,
});

export interface ThvWorld {
  ctx: PageContext;
  paths: ThvPaths;
  req: ShimRequest;
}

export const str = (p: ParsedThv, n: string) => thvValue<string>(p, n);
export const list_ = (p: ParsedThv, n: string) => thvValue<string[]>(p, n);
export const bool = (p: ParsedThv, n: string) => thvValue<boolean>(p, n);

/** pkg/transport/http.go:34 LocalhostIPv4 — the host ListWorkloads puts in URLs. */
export const LOCALHOST_IPV4 = '127.0.0.1';
