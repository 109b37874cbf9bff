// The doctest's one signal policy, for a single run and for --watch alike:
//   first SIGINT/SIGTERM  the run stops: each page unwinds its clean-up stack
//                         (processes stopped, workspaces removed), the report
//                         keeps what finished, the process exits 130;
//   second                no more waiting: every registered process group and
//                         child is killed and every workspace removed,
//                         synchronously (cleanups.mts), then exit 130.
import { emergencyCleanup } from './cleanups.mts';

export function installSignalPolicy(controller: AbortController): void {
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count++;
    if (count > 1) {
      console.error(`doctest: ${sig} again: killing what still runs and removing workspaces`);
      emergencyCleanup();
      process.exit(130);
    }
    console.error(`\ndoctest: ${sig}: stopping servers and removing workspaces…`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
