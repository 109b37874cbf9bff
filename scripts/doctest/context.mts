// What one page's run holds while its samples run.
import type { Sample } from './extract.mts';
import type { Anchors, Plan } from './plan.mts';
import type { Artefacts, Deferred, Outcome } from './status.mts';

export interface ShellResult {
  sample: Sample;
  command: string;
  output: string;
  exitCode: number;
}

export interface PageContext {
  root: string;
  page: string;
  pageAbs: string;
  plan: Plan;
  /** The plan's anchors (`before`, `samples`, `verify.after`) resolved to sample ids. */
  anchors: Anchors;
  samples: Sample[];
  /** The page's temp workspace (cwd of its shell). */
  workspace: string;
  /** Output of the last shell sample, for `doctest-output` blocks. */
  lastShell?: ShellResult;
  /** What the page may display: the real HTTP sequence, the claims before/after. */
  artefacts: Artefacts;
  /** Run at the end of the page, last registered first, also on failure. */
  cleanups: (() => Promise<void> | void)[];
  signal: AbortSignal;
  /** Run after each sample (e.g. the verification step placed after a given sample). */
  afterSample: ((sample: Sample) => Promise<void>)[];
  /** Run after the last sample, before deferred checks; a returned string is a page error. */
  endOfPage: (() => Promise<string | undefined>)[];
  /** Lazily started per-page services (IdP, example servers, shell); see services.mts. */
  services: Record<string, unknown>;
}

type Result = Outcome | Deferred | undefined;
export type Handler = (sample: Sample, ctx: PageContext) => Promise<Result> | Result;
