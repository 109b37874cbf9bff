// Output is asserted, not only exit codes. A shell sample that printed
// something a reader reads is followed by a `doctest-output` block, or the
// plan states what its output must show (`samples.<anchor>.expect`: text it
// contains, a jq predicate over the JSON it prints), or the plan says why
// nothing checks it (`samples.<anchor>.unasserted: "<why>"`). The report lists
// every sample with neither block nor expectation (pages[].unasserted).
//
// Whatever the plan says, a sample whose page shows no output for it fails
// when its output shows a failure (`failureShown`): `null` or nothing where
// a value is promised, an MCP tool result with `isError: true`, a JSON-RPC
// `error`, an OAuth error object, or one of ToolHive's or the reference
// proxy's failure texts (`FAILURE_TEXTS`). A reason says why the output is
// not compared, never that a failure is fine.
import type { Sample } from './extract.mts';
import { runJq } from './tools/jq.mts';

export interface Unasserted {
  id: string;
  file: string;
  line: number;
  /** The plan's reason, when it gives one. */
  reason?: string;
}

/** What the plan says a sample's output must show (`samples.<anchor>.expect`). */
export interface OutputExpectation {
  /** Texts the output must contain (placeholders bound). */
  contains?: string[];
  /** A jq filter over the last JSON value the sample prints; it must print `true`. */
  jq?: string;
}

const SHELL = new Set(['bash', 'sh', 'shell']);

/** The sample's output block, if the next sample is one. */
export function outputBlockAfter(samples: Sample[], i: number): Sample | undefined {
  const next = samples[i + 1];
  return next && next.meta['doctest-output'] !== undefined ? next : undefined;
}

/** A shell sample that ran in the foreground and expects success: its output is what a reader gets. */
export function isForegroundShell(sample: Sample): boolean {
  return (
    SHELL.has(sample.lang) &&
    sample.meta['doctest-background'] === undefined &&
    sample.meta['doctest-exit'] === undefined
  );
}

/**
 * Texts that mean a request failed, wherever a sample prints them. One list:
 * where each text comes from, so a change upstream has one place to land.
 */
export const FAILURE_TEXTS: readonly { text: string; source: string }[] = [
  {
    // http.Error(w, "Token exchange failed", http.StatusUnauthorized)
    text: 'Token exchange failed',
    source:
      'ToolHive pkg/oauthproto/tokenexchange/middleware.go@v0.44.0 (401 body and proxy-log warning); scripts/token-exchange-proxy/auth-responses.mts sendToolhiveExchangeFailed',
  },
  {
    // the body of ToolHive's 401 for a token that fails validation: `Invalid token: <why>`
    text: 'Invalid token: ',
    source:
      'ToolHive pkg/auth/token.go@v0.44.0 (Middleware, writeOAuthError); scripts/token-exchange-proxy/auth-responses.mts sendToolhiveUnauthorized',
  },
  {
    // what the example MCP server puts into a tool result when the backend refused the call
    text: 'backend answered ',
    source: 'scripts/example-mcp-server/mcp-server.mts callBackend',
  },
];

/**
 * The JSON values a sample printed: the whole output, each line, and each
 * block from a line that opens `{` or `[` at column 0 to the line that closes
 * it (jq's pretty print).
 */
export function jsonValues(output: string): unknown[] {
  const lines = output.split('\n');
  const out: unknown[] = [];
  const tryParse = (t: string): boolean => {
    try {
      out.push(JSON.parse(t));
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (!/^\s*[{[]/.test(l)) continue;
    for (let j = i; j < lines.length; j++) {
      if (j > i && !/^\s*[}\]]/.test(lines[j] as string)) continue;
      if (tryParse(lines.slice(i, j + 1).join('\n'))) {
        i = j;
        break;
      }
    }
  }
  return out;
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => !!x && typeof x === 'object' && !Array.isArray(x);

/** What a JSON value says about a failure, or undefined. */
function failedJson(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  // an MCP CallToolResult (MCP spec, tools: "isError": true), alone or inside a JSON-RPC response
  const result = isObject(v['result']) ? v['result'] : v;
  if (result['isError'] === true) {
    const content = Array.isArray(result['content']) ? result['content'] : [];
    const text = content
      .map((c) => (isObject(c) && typeof c['text'] === 'string' ? c['text'] : ''))
      .join(' ')
      .slice(0, 120);
    return `printed a tool result with isError: true${text ? ` (${text})` : ''}`;
  }
  const error = v['error'];
  // JSON-RPC 2.0 §5.1: an error object with code and message
  if (isObject(error) && 'code' in error && 'message' in error)
    return `printed a JSON-RPC error (${String(error['code'])}: ${String(error['message']).slice(0, 80)})`;
  // RFC 6749 §5.2: error (+ error_description)
  if (typeof error === 'string')
    return `printed an OAuth error object (${JSON.stringify(error)}${typeof v['error_description'] === 'string' ? `: ${(v['error_description'] as string).slice(0, 80)}` : ''})`;
  if (error !== undefined && error !== null)
    return `printed an error object (${JSON.stringify(error).slice(0, 80)})`;
  return undefined;
}

/**
 * What the output shows of a failure where the page promises a value:
 * `null`, `""`, nothing from a `jq` filter, an error object (MCP `isError`,
 * JSON-RPC, OAuth), or one of `FAILURE_TEXTS`. undefined when it shows none.
 */
export function failureShown(command: string, output: string): string | undefined {
  const text = output.trim();
  const last = text.split('\n').at(-1)?.trim() ?? '';
  // the JSON a failure printed says most (a tool result's text, the IdP's error_description)
  for (const v of jsonValues(output)) {
    const why = failedJson(v);
    if (why) return why;
  }
  for (const f of FAILURE_TEXTS)
    if (output.includes(f.text)) return `printed ${JSON.stringify(f.text.trim())} (${f.source})`;
  if (last === 'null') return 'printed null';
  if (last === '""') return 'printed an empty string';
  // the command ends in a jq filter that prints (not one inside `$(…)`, whose value a variable keeps)
  if (text === '' && /\|\s*jq\b[^|)]*$/.test(command.trim()))
    return 'printed nothing (jq found no value)';
  return undefined;
}

/** The last JSON value a sample printed (from the last line that opens one at column 0). */
function lastJson(output: string): { ok: true; value: string } | { ok: false } {
  const lines = output.trimEnd().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!/^[{[]/.test(lines[i] as string)) continue;
    const t = lines.slice(i).join('\n');
    try {
      JSON.parse(t);
      return { ok: true, value: t };
    } catch {
      // not where the last value starts: look further up
    }
  }
  return { ok: false };
}

/**
 * Does the output show what the plan expects? Returns what it lacks, in words
 * naming the plan key, or undefined.
 */
export async function unmetExpectation(
  output: string,
  e: OutputExpectation,
  where: string,
): Promise<string | undefined> {
  for (const t of e.contains ?? [])
    if (!output.includes(t))
      return `the output does not contain ${JSON.stringify(t)} (${where}.contains)`;
  if (e.jq !== undefined) {
    const json = lastJson(output);
    if (!json.ok) return `the output has no JSON value for ${where}.jq (${e.jq}) to check`;
    const r = await runJq(['-c', e.jq], () => json.value);
    if (r.code !== 0) return `${where}.jq (${e.jq}) failed: ${r.stderr.trim()}`;
    const got = r.stdout.trim();
    if (got !== 'true')
      return `the output's last JSON value does not satisfy ${where}.jq (${e.jq}): it gives ${got || 'nothing'}`;
  }
  return undefined;
}
