// The `thv` CLI surface the guides use, to compare the real thv with the
// doctest's thv shim (scripts/doctest/bin/thv). These need a container
// runtime with the guides' images (scripts/live/environment.mts,
// startLiveRuntime); until the suite drives them, each carries the reason it
// did not run, and the report counts it as skipped, never as agreeing.
export interface CliCase {
  id: string;
  title: string;
  /** The thv command lines, in order (state carries over within a case). */
  steps: string[][];
  /** Why the case did not run. */
  skip?: string;
}

const NEEDS_RUNTIME =
  'needs a container runtime with the guides’ images (startLiveRuntime in scripts/live/environment.mts); not driven yet';

const run = (...extra: string[]) => ['run', '--name', 'fetch', ...extra, 'fetch'];

export const CLI_CASES: CliCase[] = [
  {
    id: 'cli/run-unknown-flag',
    title: 'thv run with an unknown flag',
    steps: [run('--no-such-flag')],
  },
  {
    id: 'cli/run-bad-enum',
    title: 'thv run --transport with a bad value',
    steps: [run('--transport', 'carrier-pigeon')],
  },
  {
    id: 'cli/run-secret-flag',
    title: 'token-exchange secret from the flag',
    steps: [run('--token-exchange-client-secret', 'mock-only-exchange-secret')],
  },
  {
    id: 'cli/run-secret-file',
    title: 'token-exchange secret from a file',
    steps: [run('--token-exchange-client-secret-file', '<SECRET_FILE>')],
  },
  {
    id: 'cli/run-secret-env',
    title: 'token-exchange secret from TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET',
    steps: [run()],
  },
  {
    id: 'cli/run-secret-empty-file',
    title: 'token-exchange secret file that is empty',
    steps: [run('--token-exchange-client-secret-file', '<EMPTY_FILE>')],
  },
  { id: 'cli/list', title: 'thv list output', steps: [run(), ['list']] },
  { id: 'cli/logs', title: 'thv logs NAME', steps: [run(), ['logs', 'fetch']] },
  {
    id: 'cli/logs-proxy',
    title: 'thv logs NAME --proxy',
    steps: [run(), ['logs', 'fetch', '--proxy']],
  },
  {
    id: 'cli/stop',
    title: 'thv stop NAME, then list --all',
    steps: [run(), ['stop', 'fetch'], ['list', '--all']],
  },
  {
    id: 'cli/rm',
    title: 'thv rm NAME, then list --all',
    steps: [run(), ['rm', 'fetch'], ['list', '--all']],
  },
  { id: 'cli/run-existing-name', title: 're-running a name that exists', steps: [run(), run()] },
  {
    id: 'cli/client-setup',
    title: 'thv client setup output and config files',
    steps: [['client', 'setup']],
  },
  {
    id: 'cli/client-register',
    title: 'thv client register output and config files',
    steps: [['client', 'register', 'cursor']],
  },
].map((c) => ({ ...c, skip: NEEDS_RUNTIME }));
