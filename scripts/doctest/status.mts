// What a sample's run produced. Every sample ends with exactly one of these;
// a sample that ends with none fails the run (see `noStatus`).
import type { Sample } from './extract.mts';
import type { SampleJson } from './report-schema.mts';
import type { Tier } from './world.mts';

/** The fixed list of reasons a sample may be skipped for (documented in README.md). */
export const SKIP_REASONS = {
  'needs-real-cluster': 'needs a real Kubernetes cluster (e.g. installing the operator with Helm)',
  'needs-vendor-console': "a step in the identity provider's web console or a vendor CLI",
  'needs-real-idp': 'needs a real identity provider tenant, not the mock',
  'illustrative-output': 'output or a fragment shown for explanation, not a runnable sample',
  interactive: 'needs a person at a browser or terminal',
  destructive: 'would change or delete something outside the workspace',
  'other-platform': 'for an operating system or shell the run does not have',
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

export function isSkipReason(x: string): x is SkipReason {
  return Object.hasOwn(SKIP_REASONS, x);
}

/** Recorded HTTP call, one line of the page's real message sequence. */
export interface HttpCall {
  from: string;
  to: string;
  method: string;
  path: string;
  status?: number;
  /** What the call carried, in words, secrets redacted (e.g. "grant_type=token-exchange audience=backend-api"). */
  note?: string;
}

export interface Artefacts {
  httpSequence?: HttpCall[];
  claims?: { subject?: Record<string, unknown>; exchanged?: Record<string, unknown> };
}

/**
 * How a sample was checked: `run` executed; `validated` its text or output
 * compared or validated (YAML against the schemas, JSON claims, a diagram, an
 * output block). A skipped sample with `kind: 'validated'` was validated, not run.
 */
export type PassKind = 'run' | 'validated';

/** An earlier sample named as the likely cause of a failure (cause.mts). */
export interface Cause {
  file: string;
  line: number;
  /** What that sample did, in words (`sets $SCOPE`). */
  what: string;
}

export type Outcome =
  | { status: 'passed'; kind: PassKind; artefacts?: Artefacts; note?: string }
  /** `kind: 'validated'`: not run, but checked for what can be checked without running it (schema, references) — "validated, not run". */
  | { status: 'skipped'; reason: SkipReason; why: string; kind?: 'validated' }
  | {
      status: 'failed';
      message: string;
      command?: string;
      output?: string;
      diff?: string;
      /** When the failure is at a line inside the sample (e.g. a YAML field), its line in the file. */
      line?: number;
      cause?: Cause;
      /** When that line is in another file than the sample (e.g. a value table in a partial). */
      file?: string;
    }
  /** The run was interrupted (Ctrl-C) while this sample ran: it has no result. */
  | { status: 'interrupted' };

/** An outcome that is a result (not an interruption). */
export type Final = Exclude<Outcome, { status: 'interrupted' }>;

/** A check that can only run at the end of the page (claims, sequence). */
export interface Deferred {
  status: 'deferred';
  run: () => Promise<Outcome> | Outcome;
}

/** One sample's entry in the report (its type is the report schema's: report-schema.mts). */
export type SampleResult = SampleJson;

export function toResult(
  sample: Sample,
  outcome: Final | undefined,
  durationMs: number,
  world: { tier: Tier; against: string },
): SampleResult {
  const base = {
    tier: world.tier,
    against: world.against,
    id: sample.id,
    page: sample.page,
    file: sample.file,
    line: sample.line,
    lang: sample.lang,
    ...(sample.title ? { title: sample.title } : {}),
    hash: sample.hash,
    durationMs: Math.round(durationMs),
  };
  const o = outcome ?? noStatus(sample);
  switch (o.status) {
    case 'passed':
      return {
        ...base,
        status: 'passed',
        kind: o.kind,
        ...(o.artefacts ? { artefacts: o.artefacts } : {}),
      };
    case 'skipped':
      return {
        ...base,
        status: 'skipped',
        reason: o.reason,
        detail: o.why,
        ...(o.kind ? { kind: o.kind } : {}),
      };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        reason: o.message,
        ...(o.command !== undefined ? { command: o.command } : {}),
        ...(o.output !== undefined ? { output: o.output } : {}),
        ...(o.diff !== undefined ? { diff: o.diff } : {}),
        failureLine: o.line ?? sample.line,
        ...(o.cause ? { cause: o.cause } : {}),
        ...(o.file && o.file !== sample.file ? { failureFile: o.file } : {}),
      };
  }
}

export function noStatus(sample: Sample): Final {
  return {
    status: 'failed',
    message:
      `no doctest status for this \`${sample.lang || 'plain'}\` sample: nothing runs or validates it. ` +
      'Add doctest-skip="<reason>: <why>" (reasons: ' +
      Object.keys(SKIP_REASONS).join(', ') +
      '), or doctest-output after a bash sample, or change the language.',
  };
}

/** Reads `doctest-skip="reason: why"`; an unknown reason or a missing why is a failure. */
export function skipFromMeta(sample: Sample): Final | undefined {
  const raw = sample.meta['doctest-skip'];
  if (raw === undefined) return undefined;
  const text = raw === true ? '' : raw;
  const m = /^([a-z-]+)\s*:\s*(.+)$/s.exec(text);
  if (!m || !isSkipReason(m[1] as string)) {
    return {
      status: 'failed',
      message: `doctest-skip needs "<reason>: <why>" with a reason from ${Object.keys(SKIP_REASONS).join(', ')}; got "${text}"`,
    };
  }
  return { status: 'skipped', reason: m[1] as SkipReason, why: (m[2] as string).trim() };
}
