// The hermetic world (world.mts): `thv` and `kubectl` on the page's PATH are
// the project's stand-ins (scripts/doctest/shims/), served per page over a
// unix socket; behind them the reference proxy, the mock IdP and a manifest
// store. It needs nothing but Node and the preflight's tools, so it runs
// everywhere, in seconds: the tier every page runs in, and the only one a
// Vercel build runs.
import { realpathSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { realNpm } from '../../bundles.mts';
import { preflight } from '../../preflight.mts';
import { startShimServer } from '../../shims/server.mts';
import { thvShim } from '../../shims/thv.mts';
import { kubectlShim } from '../../shims/kubectl.mts';
import type { PageSpec, PageWorld, World, WorldModule, WorkloadLog } from '../../world.mts';
import {
  holdRunServices,
  mintPlaceholders,
  pageServices,
  releaseRunServices,
} from '../shared/network.mts';
import { runVerify } from '../shared/verify.mts';
import { thvProxyLogs } from '../shared/thv-logs.mts';
import { existingState } from '../../shims/kubectl-store.mts';

export const AGAINST = 'reference proxy (hermetic)';

export const hermetic: WorldModule = {
  availability: () => ({ ok: true }),
  openWorld: async () => {
    holdRunServices();
    let closed = false;
    const world: World = {
      tier: 'hermetic',
      against: AGAINST,
      openPage: (spec) => hermeticPage(spec),
      close: async () => {
        if (closed) return;
        closed = true;
        await releaseRunServices();
      },
    };
    return world;
  },
};

function hermeticPage(spec: PageSpec): PageWorld {
  let placeholders: Promise<Record<string, string>> | undefined;
  const values = () => (placeholders ??= mintPlaceholders(spec));
  return {
    placeholders: values,
    shellEnv: async () => {
      const svc = await pageServices(spec);
      const sock = path.join(spec.workspace, '.doctest-shim.sock');
      const shim = await startShimServer(sock, { thv: thvShim(spec), kubectl: kubectlShim(spec) });
      spec.cleanups.push(() => shim.close(), 'thv/kubectl shim server');
      const bin = path.join(spec.root, 'scripts/doctest/bin');
      const npm = realNpm(process.env['PATH'] ?? '', bin);
      // no system jq (a plain Node build container): the npm build of jq, last on PATH
      const jq = preflight().jqFromNpm ? `:${svc.run.bundles.jqDir}` : '';
      return {
        ...svc.env,
        PATH: `${bin}:${svc.env['PATH'] ?? ''}${jq}`,
        DOCTEST_SHIM_SOCK: sock,
        ...(npm ? { DOCTEST_REAL_NPM: npm } : {}),
        ...(spec.plan.repo
          ? {
              DOCTEST_NPM_RUN_DIR: svc.run.bundles.npmRunDir,
              DOCTEST_REPO_PACKAGE_JSON: realpathSync(path.join(spec.root, 'package.json')),
            }
          : {}),
        ...spec.plan.env,
      };
    },
    reachable: async (port, via) => {
      // a port-forward listens on the page's virtual localhost (the host proxy), not on a real port
      if (via === 'port-forward')
        return (await pageServices(spec)).hostProxy.isMapped(`localhost:${port}`);
      return listening(port);
    },
    verify: (v) => runVerify(spec, v, values),
    proxyLogs: async () => [...(await thvProxyLogs(spec.workspace)), ...operatorProxyLogs(spec)],
  };
}

/**
 * The proxy container (`toolhive`) logs of the MCPServers the kubectl shim's
 * operator started: the reference proxy's output, kept in the shim's memory.
 */
function operatorProxyLogs(spec: PageSpec): WorkloadLog[] {
  const s = existingState(spec);
  if (!s) return [];
  return [...s.workloads].map(([name, w]) => {
    const ns = [...s.objects.values()].find(
      (o) => o.type.kind === 'MCPServer' && o.obj.metadata['name'] === name,
    )?.obj.metadata['namespace'];
    const nsFlag = typeof ns === 'string' && ns !== 'default' ? ` -n ${ns}` : '';
    return {
      workload: name,
      shownBy: `kubectl logs${nsFlag} -c toolhive -l app.kubernetes.io/instance=${name}`,
      text: w.logs.join(''),
    };
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
