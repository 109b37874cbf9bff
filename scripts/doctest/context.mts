// What one page's run holds while its samples run: the handlers' view of the
// page. The world behind it (world.mts) is opaque to them.
import type { Cleanups } from './cleanups.mts';
import type { Sample } from './extract.mts';
import type { Anchors, Plan } from './plan.mts';
import type { PageShell } from './shell.mts';
import type { Artefacts, Deferred, Outcome } from './status.mts';
import type { PageWorld, Tier } from './world.mts';

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
  tier: Tier;
  world: PageWorld;
  /** Output of the last shell sample, for `doctest-output` blocks. */
  lastShell?: ShellResult;
  /** What the page may display: the real HTTP sequence, the claims before/after. */
  artefacts: Artefacts;
  /** The page's one clean-up stack (cleanups.mts). */
  cleanups: Cleanups;
  signal: AbortSignal;
  /** The page's shell, started on first use with the world's environment, the plan's setup run in it. */
  shell(): Promise<PageShell>;
  /** The plan's placeholder values (the world mints the tokens). */
  placeholders(): Promise<Record<string, string>>;
  /**
   * Which earlier sample last set what a later one may depend on (a shell
   * variable, a file): a failure names it as the likely cause (`cause.mts`).
   */
  provenance: Map<string, Provenance>;
  /** Values earlier samples stated (a manifest's fields, a heredoc's lines, `thv` flags), each at its line. */
  stated: Stated[];
  /** Files earlier shell samples wrote, by the path as written, with the line that writes each. */
  written: Map<string, Stated>;
}

/** A value an earlier sample stated, where: what a later failure may name as its cause. */
export interface Stated {
  sample: Sample;
  /** Where the value is written (the sample's file; the value's own line). */
  file: string;
  line: number;
  value: string;
  /** The setting that holds it: a manifest's field path (`spec.oidcConfigRef.audience`), a `thv` flag (`--oidc-audience`). */
  field?: string;
  /** What the sample does with it, in words (`sets spec.audience: mcp-server in mcp-server.yaml`). */
  what: string;
}

/** An earlier sample that set a shell variable, and the value it had after that sample. */
export interface Provenance {
  sample: Sample;
  /** The variable's value after the sample ran (absent when it could not be read). */
  value?: string;
}

type Result = Outcome | Deferred | undefined;
export type Handler = (sample: Sample, ctx: PageContext) => Promise<Result> | Result;
