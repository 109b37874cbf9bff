// Every mutation kind the self-test runs, by owner file.
import { GUIDE_MUTATIONS } from './guides.mts';
import { KUBECTL_MUTATIONS } from './kubectl.mts';
import type { Mutation } from './types.mts';

export const MUTATIONS: Mutation[] = [...GUIDE_MUTATIONS, ...KUBECTL_MUTATIONS];
