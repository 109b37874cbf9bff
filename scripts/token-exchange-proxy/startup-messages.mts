// The proxy's report of its own start-up, and how a process that started the
// proxy's CLI finds the URL it listens on (with --port 0 it picks a free port
// itself, so nothing else can take the port between choosing and binding it).

export const STARTUP = {
  noOidc:
    'no --oidc-issuer/--oidc-jwks-url: incoming tokens are NOT validated (ToolHive local-user mode)',
  noResourceUrl:
    'no --resource-url: no RFC 9728 metadata, so MCP clients cannot discover the authorization server',
  listening: 'token-exchange proxy listening',
} as const;

/** The thv shim leaves these out of a workload's ToolHive-style log. */
export const REFERENCE_PROXY_STARTUP_MESSAGES: ReadonlySet<string> = new Set(
  Object.values(STARTUP),
);

/**
 * Reads the proxy's stdout as it arrives and remembers the URL its
 * `listening` line names (one JSON object per line; a partial line waits).
 */
export function listeningUrlReader(): { feed(chunk: string): void; url(): string | undefined } {
  let pending = '';
  let url: string | undefined;
  return {
    feed(chunk) {
      if (url !== undefined) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes(STARTUP.listening)) continue;
        const parsed = JSON.parse(line) as { url?: unknown };
        if (typeof parsed.url === 'string') url = parsed.url;
      }
    },
    url: () => url,
  };
}
