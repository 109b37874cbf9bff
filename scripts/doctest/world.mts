// What the doctest engine asks of a page world: the `thv`, `kubectl` and
// network a page's samples meet. The engine (extract, plan, run, report, the
// handlers) runs every page the same way; a world decides what stands behind
// the commands. Two implement this:
//
//   hermetic  scripts/doctest/worlds/hermetic/  thv and kubectl are the
//             project's stand-ins over the reference proxy, the mock IdP and
//             a manifest store; runs everywhere, in seconds
//   live      scripts/doctest/worlds/live/      the real thv of the release
//             the guides name (toolhive-release.json), under podman
//
// The report and the badges see only `tier` and `against`; they never know
// which world ran otherwise.
import type { Cleanups } from './cleanups.mts';
import type { Plan } from './plan.mts';
import type { Artefacts } from './status.mts';

export type Tier = 'hermetic' | 'live';
export const TIERS: readonly Tier[] = ['hermetic', 'live'];

export type VerifyPlan = NonNullable<Plan['verify']>;

/** What the engine tells a world about the page it serves. */
export interface PageSpec {
  /** Repository root (the checkout the run reads pages and scripts from). */
  root: string;
  /** The page, relative to `root`, POSIX separators. */
  page: string;
  pageAbs: string;
  plan: Plan;
  /** The page's temp workspace: cwd and HOME of its shell. The engine creates and removes it. */
  workspace: string;
  /** Aborted on Ctrl-C/SIGTERM: stop waiting; the engine then unwinds `cleanups`. */
  signal: AbortSignal;
  /**
   * The page's one clean-up stack. The world pushes whatever it starts, as it
   * starts it (`cleanups.pid(pid)` for child processes, so a second Ctrl-C
   * can kill them); the engine unwinds it once when the page ends.
   */
  cleanups: Cleanups;
  /** Where the world records what readers may see (the HTTP sequence, the claims); the handlers read it. */
  artefacts: Artefacts;
}

/** One page's world. Everything is started lazily, on first use, and pushed onto `spec.cleanups`. */
export interface PageWorld {
  /**
   * Environment of the page's shell: PATH with the world's `thv`, `kubectl`
   * and `npm` first, HOME (= the workspace), the forward proxy and CA bundle
   * that route vendor hosts to the mock IdP, DOCTEST_* (README.md), then the
   * plan's `env`. The engine starts the shell with it and runs the plan's
   * hidden setup there.
   */
  shellEnv(): Promise<NodeJS.ProcessEnv>;
  /** Values of the plan's placeholders (`bind`): strings as written, tokens minted by the mock IdP. */
  placeholders(): Promise<Record<string, string>>;
  /**
   * Whether the page's `localhost:<port>` answers yet (a `doctest-background`
   * sample waits on it): `listen` for a server the sample starts itself,
   * `port-forward` for a `kubectl port-forward L:R`.
   */
  reachable(port: number, via: 'listen' | 'port-forward'): Promise<boolean>;
  /**
   * The plan's verify step, run after the engine has started the shell (the
   * hidden setup may start the page's proxy): an MCP client connects through
   * the page's proxy at `v.url`, lists and calls the tool; the backend must
   * have received the exchanged token. Records `artefacts`. Returns the
   * page error, or undefined when the verification holds.
   */
  verify(v: VerifyPlan): Promise<string | undefined>;
  /**
   * The proxy logs of the workloads the page's samples started so far — a
   * `thv run` workload's (`thv logs <name> --proxy`), an MCPServer's proxy
   * container's (`kubectl logs … -c toolhive`) — as they are now. The engine
   * reads them to name a failure's cause (cause.mts): an exchange the IdP
   * refused while an earlier sample ran is a warning there, naming the value.
   */
  proxyLogs(): Promise<WorkloadLog[]>;
}

/** One workload's proxy log, as PageWorld.proxyLogs gives it. */
export interface WorkloadLog {
  workload: string;
  /** The command a reader runs to see this log (`thv logs backend-mcp --proxy`). */
  shownBy: string;
  text: string;
}

/** A world for one run: shared by its pages (the mock IdP, a container runtime). */
export interface World {
  readonly tier: Tier;
  /**
   * What a sample this world ran was verified against, in the badge's words:
   * `thv v0.44.0` (live), `reference proxy (hermetic)`.
   */
  readonly against: string;
  openPage(spec: PageSpec): PageWorld;
  /** Stops what the pages shared; called once, after the last page's clean-up. */
  close(): Promise<void>;
}

export type WorldAvailability = { ok: true } | { ok: false; reason: string };

/** What `worlds/<tier>/index.mts` exports. */
export interface WorldModule {
  /** Sync and cheap: can this machine run the world? The reason names what is missing and how to install it. */
  availability(root: string): WorldAvailability;
  openWorld(opts: { root: string; signal: AbortSignal }): Promise<World>;
}
