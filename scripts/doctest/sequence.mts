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

export function eventsOf(
  calls: RecordedCall[],
): { from: string; to: string; what: string; t: number }[] {
  const ev = calls.flatMap((c) => [
    { from: c.from, to: c.to, what: `${c.method} ${c.path}`, t: c.start },
    {
      from: c.to,
      to: c.from,
      what: `${c.status ?? ''} (response to ${c.method} ${c.path})`,
      t: c.end,
    },
  ]);
  return ev.sort((a, b) => a.t - b.t);
}

export function checkSequence(
  model: SequenceModel,
  recorded: HttpCall[],
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
  // Compare with one request end to end: the client's call during which the backend API was
  // called (other calls, e.g. the MCP initialize, would let a wrong order slip through).
  const calls = recorded as RecordedCall[];
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
  const windowed = outer
    ? calls.filter((c) => c.start >= outer.start && c.end <= outer.end)
    : calls;
  const events = eventsOf(windowed).filter(
    (e) => shown.has(e.from as Party) && shown.has(e.to as Party),
  );
  const matchFrom = (m: SequenceModel['messages'][number], from: number) => {
    const a = roles.get(m.from);
    const b = roles.get(m.to);
    for (let k = from; k < events.length; k++)
      if (events[k]?.from === a && events[k]?.to === b) return k;
    return -1;
  };
  // a message to oneself (local work, e.g. checking a signature) is not an HTTP call
  const messages = model.messages.filter((m) => roles.get(m.from) !== roles.get(m.to));
  let j = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as (typeof messages)[number];
    const k = matchFrom(m, j);
    if (m.optional) {
      // take it only if it happens before the next required message
      const next = messages.slice(i + 1).find((x) => !x.optional);
      const kNext = next ? matchFrom(next, j) : -1;
      if (k >= 0 && (kNext < 0 || k < kNext)) j = k + 1;
      continue;
    }
    if (k < 0) {
      const from = roles.get(m.from);
      const to = roles.get(m.to);
      return {
        message: `message "${m.from} → ${m.to}: ${m.text}" does not happen at this point of the recorded sequence (${from} → ${to})`,
        line: m.line,
        diff: lineDiff(
          messages
            .map((x) => `${roles.get(x.from)} -> ${roles.get(x.to)}${x.optional ? ' (opt)' : ''}`)
            .join('\n'),
          events.map((e) => `${e.from} -> ${e.to}   ${e.what}`).join('\n'),
        ),
      };
    }
    j = k + 1;
  }
  return undefined;
}
