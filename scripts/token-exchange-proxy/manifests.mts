// --manifests: run from Kubernetes manifests (filled in below).
import { FlagError, type ParsedArgs } from './flags.mts';
import type { ProxyOptions } from './options.mts';

export function optionsFromManifests(
  _files: string[],
  _args: ParsedArgs,
  _env: NodeJS.ProcessEnv,
): ProxyOptions {
  throw new FlagError('--manifests is not implemented yet', 'manifests');
}
