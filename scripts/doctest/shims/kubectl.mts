// placeholder until the kubectl shim lands
import type { PageContext } from '../context.mts';
import type { ShimRequest, ShimResult } from './server.mts';
export function kubectlShim(_ctx: PageContext) {
  return async (_req: ShimRequest): Promise<ShimResult> => ({
    code: 1,
    stderr: 'kubectl shim: not implemented yet\n',
  });
}
