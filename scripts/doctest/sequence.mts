// Checks a `doctest-sequence` diagram against the HTTP calls recorded during
// the page's run. A participant is matched to a party of the run by its
// label; the diagram's messages (solid arrow: a request from→to; dashed: the
// response) must appear in the recorded order, and the diagram must show
// every party that took part and no other.
import type { HttpCall } from './status.mts';
import type { SequenceModel } from './validators/mermaid.mts';
import { lineDiff } from './diff.mts';

export type Party = 'client' | 'proxy' | 'idp' | 'mcp-server' | 'backend-api';

export function partyOf(label: string): Party | undefined {
  const l = label.toLowerCase();
  if (/proxy|toolhive|thv/.test(l)) return 'proxy';
  if (/backend|downstream|\bapi\b/.test(l)) return 'backend-api';
  if (
    /\bidp\b|identity|okta|keycloak|auth0|\bsts\b|authori[sz]ation server|token (endpoint|service)|entra/.test(
      l,
    )
  )
    return 'idp';
  if (/mcp server|server/.test(l)) return 'mcp-server';
  if (/client|user|agent|claude|cursor|vs ?code/.test(l)) return 'client';
  return undefined;
}

/** Recorded calls as events in time order: each call's request, then (later) its response. */
export interface RecordedCall extends HttpCall {
  start: number;
  end: number;
}

export interface SequenceEvent {
  from: string;
  to: string;
  what: string;
  t: number;
  request: boolean;
  call: HttpCall;
}

export function eventsOf(calls: RecordedCall[]): SequenceEvent[] {
  const ev = calls.flatMap((c) => [
    { from: c.from, to: c.to, what: `${c.method} ${c.path}`, t: c.start, request: true, call: c },
    {
      from: c.to,
      to: c.from,
      what: `${c.status ?? ''} (response to ${c.method} ${c.path})`,
      t: c.end,
      request: false,
      call: c,
    },
  ]);
  return ev.sort((a, b) => a.t - b.t);
}

/**
 * One request end to end: the calls made during the client's call in which
 * the backend API was called (the last one; all calls when none reached it).
 */
export function oneToolCall(calls: RecordedCall[]): RecordedCall[] {
  const backendCall = [...calls].reverse().find((c) => c.to === 'backend-api');
  const outer = backendCall
    ? calls.find(
        (c) =>
          c.from === 'client' &&
          c.to === 'proxy' &&
          c.start <= backendCall.start &&
          c.end >= backendCall.end,
      )
    : undefined;
  return outer ? calls.filter((c) => c.start >= outer.start && c.end <= outer.end) : calls;
}

/** The audiences of the run's two tokens (from the recorded claims), to tell them apart on the wire. */
export interface TokenAudiences {
  subject?: string[];
  exchanged?: string[];
}

export type TokenKind = 'client' | 'exchanged';

/**
 * What a message's label says the call carries: its method and path, the
 * grant type of a token request, and which token rides on it ("client
 * token", "exchanged token", in the Authorization header or another).
 */
export function labelClaims(text: string): {
  method?: string;
  path?: string;
  grant?: string;
  token?: TokenKind;
  header?: string;
} {
  const out: ReturnType<typeof labelClaims> = {};
  const m = /^(GET|POST|PUT|PATCH|DELETE)\b/i.exec(text);
  if (m) out.method = (m[1] as string).toUpperCase();
  const path = /(?:^|\s)(\/[\w.\-/]*)/.exec(text);
  if (path) out.path = path[1] as string;
  if (/token[- ]exchange|rfc 8693/i.test(text))
    out.grant = 'urn:ietf:params:oauth:grant-type:token-exchange';
  else if (/authori[sz]ation[_ ]code/i.test(text)) out.grant = 'authorization_code';
  else if (/client[_ ]credentials/i.test(text)) out.grant = 'client_credentials';
  if (/exchanged (access )?token|backend token|new token/i.test(text)) out.token = 'exchanged';
  else if (/(client|user|subject|incoming|caller's)('s)? (access )?token/i.test(text))
    out.token = 'client';
  const header = /([A-Za-z][\w-]*):\s*Bearer/i.exec(text);
  if (header && out.token) out.header = (header[1] as string).toLowerCase();
  return out;
}

/** The bearer tokens a recorded request carried, by header, as client/exchanged token. */
export function carried(call: HttpCall, auds: TokenAudiences): Map<string, TokenKind | string> {
  const out = new Map<string, TokenKind | string>();
  for (const m of (call.note ?? '').matchAll(/bearer\(([\w-]+)\)=aud:(\S+)/g)) {
    const aud = (m[2] as string).split(',');
    const is = (x?: string[]) => !!x && aud.some((a) => x.includes(a));
    out.set(
      m[1] as string,
      is(auds.exchanged) ? 'exchanged' : is(auds.subject) ? 'client' : `a token for ${m[2]}`,
    );
  }
  return out;
}

export const tokenWords = (k: TokenKind | string | undefined) =>
  k === 'client'
    ? 'the client token'
    : k === 'exchanged'
      ? 'the exchanged token'
      : (k ?? 'no bearer token');

/** Does the recorded request fit what the label names (method, path, grant)? */
export function fits(label: ReturnType<typeof labelClaims>, e: SequenceEvent): boolean {
  if (!e.request) return true;
  if (label.method && label.method !== e.call.method) return false;
  if (label.path && !e.call.path.endsWith(label.path) && !e.call.path.includes(`${label.path}/`))
    return false;
  if (label.grant && !(e.call.note ?? '').includes(`grant_type=${label.grant}`)) return false;
  return true;
}

export function checkSequence(
  model: SequenceModel,
  recorded: HttpCall[],
  auds: TokenAudiences = {},
): { message: string; line: number; diff?: string } | undefined {
  const roles = new Map<string, Party>();
  for (const p of model.participants) {
    const party = partyOf(p.label) ?? partyOf(p.id);
    if (!party) {
      return {
        message: `participant "${p.label}" is none of the parties of the run (MCP client, proxy, identity provider, MCP server, backend API)`,
        line: p.line,
      };
    }
    roles.set(p.id, party);
  }
  const recordedParties = new Set(recorded.flatMap((c) => [c.from, c.to]));
  const shown = new Set(roles.values());
  for (const p of shown) {
    if (!recordedParties.has(p))
      return {
        message: `the diagram shows ${p}, but no call to or from ${p} was recorded`,
        line: model.participants.find((x) => roles.get(x.id) === p)?.line ?? 1,
      };
  }
  for (const p of recordedParties) {
    if (!shown.has(p as Party))
      return {
        message: `the run recorded calls to or from ${p}, but the diagram has no participant for it`,
        line: model.participants[0]?.line ?? 1,
      };
  }
  // Compare with one request end to end (other calls, e.g. the MCP initialize,
  // would let a wrong order slip through).
  const events = eventsOf(oneToolCall(recorded as RecordedCall[])).filter(
    (e) => shown.has(e.from as Party) && shown.has(e.to as Party),
  );
  // a message to oneself (local work, e.g. checking a signature) is not an HTTP call
  const messages = model.messages.filter((m) => roles.get(m.from) !== roles.get(m.to));
  const shownCalls = new Set<HttpCall>();
  const matchFrom = (m: SequenceModel['messages'][number], from: number) => {
    const a = roles.get(m.from);
    const b = roles.get(m.to);
    const label = labelClaims(m.text);
    for (let k = from; k < events.length; k++) {
      const e = events[k] as SequenceEvent;
      // a response answers a request the diagram showed
      if (!e.request && !shownCalls.has(e.call)) continue;
      if (e.from === a && e.to === b && fits(label, e)) return k;
    }
    return -1;
  };
  const diff = () =>
    lineDiff(
      messages
        .map((x) => `${roles.get(x.from)} -> ${roles.get(x.to)}${x.optional ? ' (opt)' : ''}`)
        .join('\n'),
      events.map((e) => `${e.from} -> ${e.to}   ${e.what}`).join('\n'),
    );
  const matched = new Set<number>();
  /** recorded event index → line of the diagram message matched to it */
  const lineAt = new Map<number, number>();
  let j = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as (typeof messages)[number];
    const k = matchFrom(m, j);
    if (m.optional) {
      // take it only if it happens before the next required message
      const next = messages.slice(i + 1).find((x) => !x.optional);
      const kNext = next ? matchFrom(next, j) : -1;
      if (k < 0 || (kNext >= 0 && k >= kNext)) continue;
    }
    if (k < 0) {
      const from = roles.get(m.from);
      const to = roles.get(m.to);
      return {
        message: `message "${m.from} → ${m.to}: ${m.text}" does not happen at this point of the recorded sequence (${from} → ${to})`,
        line: m.line,
        diff: diff(),
      };
    }
    // the token the label names must be the one the recorded call carried
    const e = events[k] as SequenceEvent;
    const label = labelClaims(m.text);
    if (label.token && e.request) {
      const tokens = carried(e.call, auds);
      const got = label.header ? tokens.get(label.header) : [...tokens.values()][0];
      if (got !== label.token)
        return {
          message: `message "${m.from} → ${m.to}: ${m.text}" names ${tokenWords(label.token)}${label.header ? ` in ${label.header}` : ''}, but the recorded ${e.what} carried ${tokenWords(got)}${label.header ? ` there` : ''}`,
          line: m.line,
        };
    }
    matched.add(k);
    if (e.request) shownCalls.add(e.call);
    lineAt.set(k, m.line);
    j = k + 1;
  }
  // every request the run made in this exchange is a step the diagram must show
  for (const [k, e] of events.entries()) {
    if (!e.request || matched.has(k)) continue;
    const after = [...lineAt.keys()].filter((x) => x > k).sort((x, y) => x - y)[0];
    const line =
      (after !== undefined ? lineAt.get(after) : undefined) ?? model.messages.at(-1)?.line ?? 1;
    return {
      message: `the run made ${e.from} → ${e.to} ${e.what}${e.call.note ? ` (${e.call.note.replace(/bearer\([\w-]+\)=aud:\S+ ?/g, '').trim() || 'with a bearer token'})` : ''} here, and the diagram does not show it`,
      line,
      diff: diff(),
    };
  }
  return undefined;
}
