// Checks a `doctest-topology` flowchart against the request path the run
// recorded. The flowchart claims who talks to whom during one tool call
// (client → ToolHive proxy → the IdP's token endpoint, the proxy → MCP server
// → backend API); the recorded calls of that one tool call (`oneToolCall`)
// say who did. Each node must stand for one party of the run (by its label,
// as a sequence participant does), each edge must be a call the run made in
// the direction the arrow points (`<-->` and `---` in either direction), every
// call the run made must have an edge, and what an edge's label says the call
// carries (the client or the exchanged token, `aud X`, a token-exchange grant)
// must be what it carried.
import type { HttpCall } from './status.mts';
import type { FlowchartModel } from './validators/mermaid.mts';
import {
  carried,
  fits,
  labelClaims,
  oneToolCall,
  partyOf,
  tokenWords,
  type Party,
  type RecordedCall,
  type TokenAudiences,
} from './sequence.mts';

export const PARTY_WORDS: Record<Party, string> = {
  client: 'the MCP client',
  proxy: 'the ToolHive proxy',
  idp: 'the identity provider',
  'mcp-server': 'the MCP server',
  'backend-api': 'the backend API',
};

const NAME: Record<Party, string> = {
  client: 'MCP client',
  proxy: 'ToolHive proxy',
  idp: 'identity provider',
  'mcp-server': 'MCP server',
  'backend-api': 'backend API',
};
const hop = (a: Party, b: Party) => `${NAME[a]} → ${NAME[b]}`;
const PARTIES = Object.values(NAME).join(', ');

export interface TopologyIssue {
  message: string;
  /** 1-based line in the diagram's text. */
  line: number;
}

/** The audiences a recorded request's bearer tokens were issued for, as the host proxy noted them. */
const audiencesOf = (call: HttpCall) =>
  [...(call.note ?? '').matchAll(/bearer\([\w-]+\)=aud:(\S+)/g)].flatMap((m) =>
    (m[1] as string).split(','),
  );

const describeCall = (c: HttpCall) => `${c.method} ${c.path}`;

export function checkTopology(
  model: FlowchartModel,
  recorded: HttpCall[],
  auds: TokenAudiences = {},
  /** The file line of the diagram's first line minus one, for lines named inside a message. */
  lineBase = 0,
): TopologyIssue | undefined {
  const calls = oneToolCall(recorded as RecordedCall[]);
  const made = new Map<string, HttpCall[]>();
  for (const c of calls) {
    const k = `${c.from} ${c.to}`;
    made.set(k, [...(made.get(k) ?? []), c]);
  }
  const inPath = new Set(calls.flatMap((c) => [c.from, c.to]));

  // nodes: one party each, each a party of the recorded request path
  const party = new Map<string, Party>();
  const nodeOf = new Map<Party, FlowchartModel['nodes'][number]>();
  for (const n of model.nodes) {
    const p = partyOf(n.label) ?? partyOf(n.id);
    if (!p)
      return {
        message: `node "${n.label}" names none of the hops of the recorded request path (${PARTIES}); label it after the hop it stands for`,
        line: n.line,
      };
    const twin = nodeOf.get(p);
    if (twin)
      return {
        message: `node "${n.label}" names ${PARTY_WORDS[p]}, and so does node "${twin.label}" (line ${lineBase + twin.line}); each hop of the request path is one node — name the hop this node stands for`,
        line: n.line,
      };
    if (!inPath.has(p))
      return {
        message: `node "${n.label}" stands for ${PARTY_WORDS[p]}, but the recorded request path has no call to or from ${PARTY_WORDS[p]}; name the hop this node stands for`,
        line: n.line,
      };
    party.set(n.id, p);
    nodeOf.set(p, n);
  }

  // edges: each a call the run made, the way the arrow points, carrying what its label says
  const covered = new Set<string>();
  for (const e of model.edges) {
    const a = party.get(e.from) as Party;
    const b = party.get(e.to) as Party;
    const forward = made.get(`${a} ${b}`);
    const backward = made.get(`${b} ${a}`);
    const shown = `edge "${e.from} → ${e.to}${e.text ? `: ${e.text}` : ''}"`;
    if (!forward && !(backward && !e.directed)) {
      return {
        message: backward
          ? `${shown} points the wrong way: in the recorded request path ${PARTY_WORDS[b]} calls ${PARTY_WORDS[a]} (${describeCall(backward[0] as HttpCall)}), not the other way round; reverse the arrow`
          : `${shown}: the run made no call from ${PARTY_WORDS[a]} to ${PARTY_WORDS[b]} during the tool call; remove the edge or correct its ends`,
        line: e.line,
      };
    }
    const these = forward ?? (backward as HttpCall[]);
    covered.add(forward ? `${a} ${b}` : `${b} ${a}`);
    if (!e.directed && forward && backward) covered.add(`${b} ${a}`);
    const label = labelClaims(e.text);
    const ev = (call: HttpCall) => ({
      from: call.from,
      to: call.to,
      what: describeCall(call),
      t: 0,
      request: true,
      call,
    });
    if ((label.method || label.path || label.grant) && !these.some((c) => fits(label, ev(c))))
      return {
        message: `${shown} says the call is ${[label.method, label.path, label.grant && `a ${label.grant} grant`].filter(Boolean).join(' ')}, but the run's ${hop(a, b)} call was ${these.map(describeCall).join(', ')}`,
        line: e.line,
      };
    if (label.token) {
      const got = these.map((c) => [...carried(c, auds).values()][0]);
      if (!got.includes(label.token))
        return {
          message: `${shown} names ${tokenWords(label.token)}, but the run's ${hop(a, b)} call carried ${tokenWords(got[0])}`,
          line: e.line,
        };
    }
    const aud = /\baud(?:ience)?[:= ]\s*([\w.:/-]+)/i.exec(e.text)?.[1];
    if (aud) {
      const got = [...new Set(these.flatMap(audiencesOf))];
      if (!got.includes(aud))
        return {
          message: `${shown} says the token's audience is ${aud}, but the run's ${hop(a, b)} call carried ${got.length ? `a token for ${got.join(', ')}` : 'no bearer token'}`,
          line: e.line,
        };
    }
  }

  // every call of the request path has its edge
  for (const [k, cs] of made) {
    if (covered.has(k)) continue;
    const [a, b] = k.split(' ') as [Party, Party];
    const near = model.edges
      .filter((e) => [party.get(e.from), party.get(e.to)].some((p) => p === a || p === b))
      .at(-1);
    return {
      message: `the run made ${hop(a, b)} (${describeCall(cs[0] as HttpCall)}) during the tool call, and the flowchart has no edge for it; add ${nodeOf.get(a)?.id ?? a} --> ${nodeOf.get(b)?.id ?? b}`,
      line: near?.line ?? model.edges.at(-1)?.line ?? 1,
    };
  }
  return undefined;
}
