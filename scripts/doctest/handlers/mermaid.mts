// mermaid samples are parsed with mermaid's own parser. A `doctest-sequence`
// diagram is also compared, at the end of the page, with the HTTP calls the
// run recorded: its participants must be the recorded parties and its
// messages must appear in the recorded order. A `doctest-topology` flowchart
// is compared with the request path of one recorded tool call: its nodes are
// the hops, its edges the calls between them (topology.mts).
import type { Handler, PageContext } from '../context.mts';
import type { Outcome } from '../status.mts';
import { parseMermaid, readFlowchart, readSequence } from '../validators/mermaid.mts';
import { checkSequence, type TokenAudiences } from '../sequence.mts';
import { checkTopology } from '../topology.mts';

const audiences = (ctx: PageContext): TokenAudiences => {
  const auds = (c?: Record<string, unknown>) =>
    c ? ([] as unknown[]).concat(c['aud'] ?? []).map(String) : undefined;
  const claims = ctx.artefacts.claims;
  return { subject: auds(claims?.subject), exchanged: auds(claims?.exchanged) };
};

type Recorded = NonNullable<PageContext['artefacts']['httpSequence']>;

/**
 * A check that runs at the end of the page, against the HTTP calls the run
 * recorded; `check` gives the outcome once there are calls to compare with.
 */
const againstRecording =
  (ctx: PageContext, annotation: string, check: (recorded: Recorded) => Outcome) => (): Outcome => {
    const recorded = ctx.artefacts.httpSequence;
    if (!recorded || recorded.length === 0)
      return {
        status: 'failed',
        message: `${annotation}: no HTTP calls were recorded during this page's run; add a verify step to the page's plan`,
      };
    return check(recorded);
  };

export const mermaidHandler: Handler = async (sample, ctx) => {
  const r = await parseMermaid(ctx.root, sample.text);
  if (!r.ok) {
    return {
      status: 'failed',
      message: `mermaid cannot parse this diagram: ${
        r.message
          .split('\n')
          .filter((l) => !/^[-.^ ]*$/.test(l))
          .pop() ?? r.message
      }`,
      output: r.message,
      line: sample.line + (r.line ?? 1),
    };
  }
  if (sample.meta['doctest-topology'] !== undefined) {
    if (!r.diagramType.startsWith('flowchart') || !r.flowchart)
      return {
        status: 'failed',
        message: `doctest-topology needs a flowchart, this is ${r.diagramType}; move the annotation to the flowchart of the request path`,
      };
    const model = readFlowchart(sample.text, r.flowchart);
    return {
      status: 'deferred' as const,
      run: againstRecording(ctx, 'doctest-topology', (recorded) => {
        const issue = checkTopology(model, recorded, audiences(ctx), sample.line);
        if (!issue) return { status: 'passed', kind: 'validated' };
        return { status: 'failed', message: issue.message, line: sample.line + issue.line };
      }),
    };
  }
  if (sample.meta['doctest-sequence'] === undefined) return { status: 'passed', kind: 'validated' };
  if (r.diagramType !== 'sequence') {
    return {
      status: 'failed',
      message: `doctest-sequence needs a sequenceDiagram, this is ${r.diagramType}`,
    };
  }
  const model = readSequence(sample.text);
  return {
    status: 'deferred' as const,
    run: againstRecording(ctx, 'doctest-sequence', (recorded) => {
      const issue = checkSequence(model, recorded, audiences(ctx));
      if (!issue)
        return { status: 'passed', kind: 'validated', artefacts: { httpSequence: recorded } };
      return {
        status: 'failed',
        message: issue.message,
        line: sample.line + issue.line,
        diff: issue.diff,
      };
    }),
  };
};
