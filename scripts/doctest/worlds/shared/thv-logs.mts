// The proxy logs of a page's `thv run` workloads, as ToolHive keeps them:
// `$XDG_DATA_HOME/toolhive/logs/<name>.log` (cmd/thv/app/logs.go@v0.44.0),
// under the page's HOME — the workspace — in both worlds (the hermetic thv
// shim writes them where the real thv does). `thv logs <name> --proxy` shows
// the same file.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkloadLog } from '../../world.mts';

export async function thvProxyLogs(workspace: string): Promise<WorkloadLog[]> {
  const dir = path.join(workspace, '.local', 'share', 'toolhive', 'logs');
  const files = await readdir(dir).catch(() => [] as string[]);
  const out: WorkloadLog[] = [];
  for (const f of files.filter((x) => x.endsWith('.log')).sort()) {
    const workload = f.slice(0, -'.log'.length);
    const text = await readFile(path.join(dir, f), 'utf8').catch(() => '');
    out.push({ workload, shownBy: `thv logs ${workload} --proxy`, text });
  }
  return out;
}
