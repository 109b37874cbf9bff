// Preflight: the tools the pages' samples and the runner's shims call, looked
// up on PATH before any page runs. A missing tool fails the run with its name
// and what to do; a missing `jq` is replaced by the real jq compiled to
// WebAssembly (tools/jq.mts, npm package jq-web), so the run needs no system
// jq — a plain Node build container such as Vercel's has none.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Tool → why the run needs it and how to get it. */
export const REQUIRED_TOOLS: Record<string, string> = {
  bash: 'runs every shell sample',
  curl: "the pages' samples call it, and the thv/kubectl shims talk to the runner with it (Debian/Ubuntu: apt-get install curl; Amazon Linux 2023 ships curl-minimal, which is enough)",
  openssl:
    "the pages' samples call it for PKCE (Debian/Ubuntu: apt-get install openssl; Vercel's build image has it)",
  sed: "the pages' samples call it",
  awk: "the pages' samples call it",
  grep: 'the thv/kubectl shims call it',
  base64: 'the thv/kubectl shims call it (coreutils)',
  mktemp: 'the thv/kubectl shims call it (coreutils)',
  realpath: 'the npm shim calls it (coreutils)',
  tr: "the pages' samples call it (coreutils)",
};

export interface Preflight {
  /** Required tools not found on PATH, with what to do. */
  missing: { tool: string; why: string }[];
  /** `jq` is not on PATH: pages get the npm build instead. */
  jqFromNpm: boolean;
}

export function which(tool: string, pathVar: string): string | undefined {
  for (const dir of pathVar.split(':')) {
    if (!dir) continue;
    const f = path.join(dir, tool);
    try {
      accessSync(f, constants.X_OK);
      return f;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function preflight(pathVar: string = process.env['PATH'] ?? ''): Preflight {
  const missing = Object.entries(REQUIRED_TOOLS)
    .filter(([tool]) => !which(tool, pathVar))
    .map(([tool, why]) => ({ tool, why }));
  return { missing, jqFromNpm: !which('jq', pathVar) };
}

export function preflightMessage(p: Preflight): string | undefined {
  if (p.missing.length === 0) return undefined;
  return (
    `doctest: missing tool${p.missing.length > 1 ? 's' : ''} on PATH: ${p.missing.map((m) => m.tool).join(', ')}\n` +
    p.missing.map((m) => `  ${m.tool}: ${m.why}`).join('\n') +
    '\nInstall them (no network is needed at run time) and run again.'
  );
}
