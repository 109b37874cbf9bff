// A failure points at its cause. When a sample fails because an earlier
// sample set something wrong — a variable holding a scope, a manifest's
// audience or Secret key, a file written under another name, a flag of an
// earlier `thv run` — the failure surfaces in the later sample, but the line to
// fix is the earlier one. What earlier samples set is recorded as they pass
// (provenance.mts); a failing sample gets the earlier line named as the
// likely cause:
//   - `NAME: unbound variable` (set -u): no earlier sample set NAME — and, if
//     one set a name a typo away, that sample;
//   - a file the failure cannot find (`open F: no such file or directory`)
//     that no earlier sample wrote, when one wrote a file of the same kind
//     under another name: the line that writes it;
//   - the value of a variable the failing sample uses appears in its output
//     (an error quoting the bad scope, the unknown tool): that variable's sample;
//   - a value an earlier sample stated (a manifest field, a heredoc line, a
//     `thv` flag) that the failure names and the failing sample does not
//     state itself: that value's own line — or, when the failure names none,
//     one that a warning or error line of a workload's proxy log names (an
//     exchange the IdP refused while an earlier sample ran, surfacing later
//     as an empty answer);
//   - otherwise the failure lists the earlier samples whose variables it used.
import type { PageContext, Stated } from './context.mts';
import type { Sample } from './extract.mts';
import { usedNames } from './provenance.mts';
import type { Outcome } from './status.mts';

type Failed = Extract<Outcome, { status: 'failed' }>;

const NAME = '[A-Za-z_][A-Za-z0-9_]*';

const at = (s: { file: string; line: number }) => `${s.file}:${s.line}`;

/** Levenshtein distance: `$TOKN` is a typo of `$TOKEN`. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, sub));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

const withCause = (o: Failed, s: Stated, message: string): Failed => ({
  ...o,
  message,
  cause: { file: s.file, line: s.line, what: s.what },
});

/** Paths a failure says do not exist (Go's `open F:`, coreutils' `F: No such file`, kubectl's `the path "F"`). */
export function missingFiles(output: string): string[] {
  const out = new Set<string>();
  for (const re of [
    /\bopen ([^\s:'"]+): no such file or directory/gi,
    /([^\s:'"]+): No such file or directory/g,
    /the path "([^"]+)" does not exist/g,
    /ENOENT[^'\n]*'([^']+)'/g,
  ])
    for (const m of output.matchAll(re)) out.add(m[1] as string);
  return [...out];
}

const ext = (f: string) => /\.[\w]+$/.exec(f)?.[0] ?? '';
const base = (f: string) => f.split('/').pop() as string;

/** The earlier write a missing file was most likely meant to be: a typo away, or the same kind of file. */
function writtenInstead(missing: string, ctx: PageContext): Stated | undefined {
  if (ctx.written.has(missing)) return undefined;
  const candidates = [...ctx.written.values()]
    .map((w) => ({ w, d: distance(base(w.value), base(missing)) }))
    .filter(({ w, d }) => d <= 2 || (ext(w.value) !== '' && ext(w.value) === ext(missing)))
    .sort((a, b) => a.d - b.d);
  return candidates[0]?.w;
}

/** Does `text` contain `value` as a whole word (not inside a longer name, path or URL)? */
function mentions(text: string, value: string): number {
  const esc = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?<![\\w.:/@-])${esc}(?![\\w:/@-]|\\.\\w)`, 'g');
  let last = -1;
  for (const m of text.matchAll(re)) last = m.index;
  return last;
}

/** Booleans, small numbers, one-letter words: too common to name a cause. */
const tooCommon = (v: string) => v.length < 3 || /^(true|false|null|yes|no|\d{1,3})$/i.test(v);

/**
 * The earlier value the failure names that the failing sample does not state
 * itself. A value stated once wins over one that several samples agree on
 * (a name that resolved); then the value named last in the output (errors
 * come last), then the later sample.
 */
function namedValue(failureText: string, ownText: string, stated: Stated[]): Stated | undefined {
  const counts = new Map<string, number>();
  for (const s of stated) counts.set(s.value, (counts.get(s.value) ?? 0) + 1);
  const hits = stated
    .filter((s) => !tooCommon(s.value) && mentions(ownText, s.value) < 0)
    .map((s, order) => ({ s, order, pos: mentions(failureText, s.value) }))
    .filter((h) => h.pos >= 0);
  hits.sort(
    (a, b) =>
      (counts.get(a.s.value) as number) - (counts.get(b.s.value) as number) ||
      b.pos - a.pos ||
      b.order - a.order,
  );
  return hits[0]?.s;
}

/**
 * The warning and error lines of the proxy logs of the page's workloads, as
 * its world reads them (PageWorld.proxyLogs: ToolHive's log files, the
 * operator's proxy containers): `Token exchange failed` is logged there, with
 * the IdP's error_description. Each line keeps the command that shows it.
 */
async function proxyLogWarnings(ctx: PageContext): Promise<{ text: string; where: string }[]> {
  const logs = await ctx.world.proxyLogs().catch(() => []);
  return logs.flatMap((l) =>
    l.text
      .split('\n')
      .filter((line) => /\b(warn|warning|error|fail(ed)?)\b/i.test(line))
      .map((text) => ({ text, where: l.shownBy })),
  );
}

/**
 * The last error a workload's proxy log holds, for a failure that names no
 * cause itself (a wait loop that times out because the workload never came
 * up); undefined when no log has one.
 */
export async function lastProxyLogError(ctx: PageContext): Promise<string | undefined> {
  const errors = (await proxyLogWarnings(ctx)).filter((w) => /\berror\b|\bfail/i.test(w.text));
  const last = errors.at(-1);
  if (!last) return undefined;
  // ToolHive's log lines are JSON (slog): the message and its error are what a reader needs
  let said = last.text;
  try {
    const o = JSON.parse(last.text) as { msg?: unknown; error?: unknown };
    if (typeof o.msg === 'string')
      said = typeof o.error === 'string' ? `${o.msg}: ${o.error}` : o.msg;
  } catch {
    // a plain-text line
  }
  said = said.replace(/\s*\n\s*/g, ' ');
  const text = said.length > 300 ? `${said.slice(0, 300)}…` : said;
  return `the workload's proxy log (${last.where}) says: ${text}`;
}

/**
 * What a proxy log says about a client token it refused names the claim, not
 * the value: ToolHive's ValidateToken texts (pkg/auth/token.go@v0.44.0,
 * `invalid audience`, `invalid issuer`; the reference proxy's own
 * `claim "aud" is not acceptable`, token-validator.mts). The setting that
 * decides that claim is then the cause: the token's expected audience or
 * issuer — not the token exchange's, which only applies after validation.
 */
const REFUSED_CLAIMS: { says: RegExp; claim: string; setting: (field: string) => boolean }[] = [
  {
    says: /\binvalid audience\b|claim "aud"/,
    claim: 'aud',
    setting: (f) =>
      f === '--oidc-audience' || (/(^|\.)audience$/.test(f) && !/tokenExchange/i.test(f)),
  },
  {
    says: /\binvalid issuer\b|claim "iss"/,
    claim: 'iss',
    setting: (f) => f === '--oidc-issuer' || (/(^|\.)issuer$/.test(f) && !/tokenExchange/i.test(f)),
  },
];

/** The earlier setting of a claim a workload's proxy log says it refused (the page's last such setting). */
async function refusedClaimSetting(
  ctx: PageContext,
  earlier: Stated[],
): Promise<{ s: Stated; claim: string; where: string } | undefined> {
  const logs = await ctx.world.proxyLogs().catch(() => []);
  for (const log of logs)
    for (const line of log.text.split('\n').reverse())
      for (const r of REFUSED_CLAIMS) {
        if (!r.says.test(line)) continue;
        const s = earlier.filter((x) => x.field !== undefined && r.setting(x.field)).at(-1);
        if (s) return { s, claim: r.claim, where: log.shownBy };
      }
  return undefined;
}

/**
 * Adds the likely cause (an earlier sample's line) to a failure. `sample` is
 * the sample whose command ran (for an output block, the shell sample before
 * it); `text` its command as it ran.
 */
export async function likelyCause(
  o: Failed,
  sample: Sample,
  text: string,
  ctx: PageContext,
  /** Where to look for an earlier sample's value (default: the output; for an output block, the lines that differ). */
  named = o.output ?? '',
): Promise<Failed> {
  const output = o.output ?? '';
  const unbound = new RegExp(`(${NAME}): unbound variable`).exec(output)?.[1];
  if (unbound) {
    const near = [...ctx.provenance.entries()].find(
      ([n]) => n !== unbound && distance(n.toLowerCase(), unbound.toLowerCase()) <= 2,
    );
    const message = near
      ? `${o.message}; $${unbound} is set by no earlier sample — likely cause: ${at(near[1].sample)} sets $${near[0]}`
      : `${o.message}; $${unbound} is set by no earlier sample on the page`;
    return {
      ...o,
      message,
      ...(near
        ? {
            cause: {
              file: near[1].sample.file,
              line: near[1].sample.line,
              what: `sets $${near[0]}`,
            },
          }
        : {}),
    };
  }
  for (const missing of missingFiles(output)) {
    const w = writtenInstead(missing, ctx);
    if (w)
      return withCause(
        o,
        w,
        `${o.message}; no earlier sample writes ${missing} — likely cause: ${at(w)} writes ${w.value}`,
      );
  }
  const used = usedNames(text)
    .map((n) => [n, ctx.provenance.get(n)] as const)
    .filter(
      (e): e is readonly [string, NonNullable<(typeof e)[1]>] =>
        e[1] !== undefined && e[1].sample !== sample,
    );
  const shown = used.filter(
    ([, p]) => p.value !== undefined && p.value.length >= 3 && output.includes(p.value),
  );
  const culprit = shown[shown.length - 1];
  if (culprit) {
    const [n, p] = culprit;
    return {
      ...o,
      message: `${o.message} — likely cause: ${at(p.sample)} sets $${n}, and its value appears in the error`,
      cause: { file: p.sample.file, line: p.sample.line, what: `sets $${n}` },
    };
  }
  const earlier = ctx.stated.filter((s) => s.sample !== sample);
  const value = namedValue(named, text, earlier);
  if (value)
    return withCause(
      o,
      value,
      `${o.message} — likely cause: ${at(value)} ${value.what}, a value the failure names`,
    );
  const warnings = await proxyLogWarnings(ctx);
  const logged = namedValue(warnings.map((w) => w.text).join('\n'), text, earlier);
  if (logged) {
    const where = warnings.find((w) => mentions(w.text, logged.value) >= 0)?.where ?? 'its log';
    return withCause(
      o,
      logged,
      `${o.message} — likely cause: ${at(logged)} ${logged.what}: a warning in the workload's proxy log (${where}) names ${logged.value}`,
    );
  }
  const refused = await refusedClaimSetting(ctx, earlier);
  if (refused)
    return withCause(
      o,
      refused.s,
      `${o.message} — likely cause: ${at(refused.s)} ${refused.s.what}: the workload's proxy log (${refused.where}) refused the client's token for its "${refused.claim}" claim`,
    );
  if (used.length === 0) return o;
  const bySample = new Map<Sample, string[]>();
  for (const [n, p] of used) bySample.set(p.sample, [...(bySample.get(p.sample) ?? []), `$${n}`]);
  const list = [...bySample].map(([s, ns]) => `${ns.join(', ')} from ${at(s)}`).join('; ');
  return { ...o, message: `${o.message} (it uses ${list})` };
}
