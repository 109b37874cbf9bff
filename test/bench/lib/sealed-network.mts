// Moved to scripts/live/sealed-network.mts (one place for the bench, the
// fidelity suite and the live doctest world); the bench's name prefix is kept.
import {
  createSealedNetwork as create,
  type SealedNetwork,
} from '../../../scripts/live/sealed-network.mts';

export { SEALED_ADDRESS, sealedNetworkUnavailable } from '../../../scripts/live/sealed-network.mts';
export type { SealedNetwork };

export function createSealedNetwork(hosts: string[]): SealedNetwork {
  return create(hosts, 'thv-bench');
}
