// Parses mermaid samples with mermaid's own parser. mermaid 11 sanitises
// labels with DOMPurify, which has no DOM in Node; stubbing its hooks is the
// lightest shim that lets every diagram type parse (no jsdom). mermaid takes
// ~1 s to import, so it loads once per run in a worker thread, without the
// TypeScript loader, while the pages start their servers. For a flowchart the
// worker also returns the graph mermaid's own flowchart database holds (nodes
// with their labels, edges with their arrow type), so the topology check reads
// the diagram as mermaid draws it.
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = (async () => {
  const { default: DOMPurify } = await import(workerData.dompurify);
  Object.assign(DOMPurify, { addHook() {}, removeHook() {}, removeAllHooks() {}, sanitize: (s) => String(s) });
  const { default: mermaid } = await import(workerData.mermaid);
  return mermaid;
})();
parentPort.on('message', async ({ id, text }) => {
  try {
    const mermaid = await ready;
    const r = await mermaid.parse(text);
    let flowchart;
    if (/^flowchart/.test(r.diagramType)) {
      const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
      flowchart = {
        nodes: [...db.getVertices().values()].map((v) => ({ id: v.id, label: String(v.text ?? v.id) })),
        edges: db.getEdges().map((e) => ({ from: e.start, to: e.end, type: e.type, stroke: e.stroke, text: String(e.text ?? '') })),
      };
    }
    parentPort.postMessage({ id, ok: true, diagramType: r.diagramType, flowchart });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, message: String(e && e.message || e), line: e && e.hash && e.hash.loc ? e.hash.loc.first_line : undefined });
  }
});
`;

/** A flowchart's graph as mermaid's flowchart database holds it (no source lines). */
export interface FlowchartGraph {
  nodes: { id: string; label: string }[];
  /** `type`: mermaid's arrow type (`arrow_point` for `-->`, `double_arrow_point` for `<-->`, `arrow_open` for `---`…). */
  edges: { from: string; to: string; type: string; stroke: string; text: string }[];
}

export type MermaidResult =
  | { ok: true; diagramType: string; flowchart?: FlowchartGraph }
  | { ok: false; message: string; line?: number };

let worker: Worker | undefined;
let seq = 0;
const pending = new Map<number, (r: MermaidResult) => void>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(WORKER, {
      eval: true,
      execArgv: [],
      workerData: {
        mermaid: import.meta.resolve('mermaid'),
        dompurify: import.meta.resolve('dompurify'),
      },
      env: process.env,
      stdout: true,
      stderr: true,
    });
    worker.unref();
    worker.on('message', (m: { id: number } & MermaidResult) => {
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    });
    worker.on('error', (e) => {
      for (const [, r] of pending) r({ ok: false, message: `mermaid worker failed: ${e.message}` });
      pending.clear();
      worker = undefined;
    });
  }
  return worker;
}

/** Starts loading mermaid now, so the first parse does not wait for it. */
export function prewarmMermaid(root: string): void {
  void parseMermaid(root, 'sequenceDiagram\n  A->>B: warm-up');
}

export function parseMermaid(root: string, text: string): Promise<MermaidResult> {
  void root;
  const w = getWorker();
  const id = ++seq;
  w.ref();
  return new Promise((resolve) => {
    pending.set(id, (r) => {
      if (pending.size === 0) w.unref();
      resolve(r);
    });
    w.postMessage({ id, text });
  });
}

export async function stopMermaid(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) await w.terminate();
}

/** Participants and messages of a sequenceDiagram, in order (after mermaid accepted it). */
export interface SequenceModel {
  participants: { id: string; label: string; line: number }[];
  /** `optional`: inside an `opt` block (may not happen on every run). */
  messages: { from: string; to: string; text: string; line: number; optional: boolean }[];
}

export function readSequence(text: string): SequenceModel {
  const participants: SequenceModel['participants'] = [];
  const messages: SequenceModel['messages'] = [];
  const seen = (id: string, line: number) => {
    if (!participants.some((p) => p.id === id)) participants.push({ id, label: id, line });
  };
  const blocks: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    const block = /^(loop|alt|opt|par|rect|critical|break)\b/.exec(s);
    if (block) blocks.push(block[1] as string);
    else if (/^end\b/.test(s)) blocks.pop();
    const decl = /^(participant|actor)\s+(\S+?)(?:\s+as\s+(.+))?$/.exec(s);
    if (decl) {
      const id = decl[2] as string;
      const existing = participants.find((p) => p.id === id);
      if (existing) existing.label = decl[3] ?? id;
      else participants.push({ id, label: (decl[3] ?? id).trim(), line });
      return;
    }
    const msg =
      /^([^\s\-<>+:][^-<>:]*?)\s*(-{1,2}(?:>>|>|x|\)|>>\+|>>-)?[+-]?)\s*([^\s:+-][^:]*?)\s*:\s*(.*)$/.exec(
        s,
      );
    if (
      msg &&
      !/^(note|loop|alt|else|opt|par|and|rect|end|critical|break|autonumber|activate|deactivate)\b/i.test(
        s,
      )
    ) {
      const from = (msg[1] as string).trim();
      const to = (msg[3] as string).trim().replace(/^[+-]/, '');
      seen(from, line);
      seen(to, line);
      messages.push({
        from,
        to,
        text: (msg[4] as string).trim(),
        line,
        optional: blocks.includes('opt'),
      });
    }
  });
  return { participants, messages };
}

/** A flowchart's nodes and edges with the line (1-based, in the diagram's text) each is written on. */
export interface FlowchartModel {
  nodes: { id: string; label: string; line: number }[];
  /** `directed`: the arrow points from `from` to `to` (`-->`); a `<-->` or `---` edge has no direction. */
  edges: { from: string; to: string; text: string; directed: boolean; line: number }[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Gives mermaid's graph its source lines: a node's line is where its label is
 * written (`id[label]`, or its first mention); an edge's is the first line, at
 * or after the previous edge's, that names both its ends (mermaid keeps edges
 * in source order, `a --> b & c` being two edges on one line).
 */
export function readFlowchart(text: string, graph: FlowchartGraph): FlowchartModel {
  const lines = text.split('\n');
  const word = (id: string) => new RegExp(`(^|[^\\w-])${escapeRe(id)}(?![\\w-])`);
  const lineOf = (test: (l: string) => boolean, from = 0) => {
    for (let i = from; i < lines.length; i++) if (test(lines[i] as string)) return i + 1;
    return undefined;
  };
  const nodes = graph.nodes.map((n) => {
    const defined = new RegExp(`(^|[^\\w-])${escapeRe(n.id)}\\s*[[({>]`);
    const line = lineOf((l) => defined.test(l)) ?? lineOf((l) => word(n.id).test(l)) ?? 1;
    return { id: n.id, label: n.label, line };
  });
  let last = 0;
  const edges = graph.edges
    .filter((e) => e.stroke !== 'invisible')
    .map((e) => {
      const line =
        lineOf((l) => word(e.from).test(l) && word(e.to).test(l), Math.max(0, last - 1)) ?? 1;
      last = line;
      return {
        from: e.from,
        to: e.to,
        text: e.text,
        // `<-->` (double_arrow_*) and `---` (arrow_open) say "these two talk", not who calls whom
        directed: !e.type.startsWith('double_') && e.type !== 'arrow_open',
        line,
      };
    });
  return { nodes, edges };
}
