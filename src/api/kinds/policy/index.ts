/**
 * The policy/v1 group: PodDisruptionBudget, and the Eviction definition used by the pods/eviction
 * subresource (declared by the core group).
 */
import type { GroupModule } from '../types.ts';
import { definitions } from './definitions.ts';
import { podDisruptionBudgetKind } from './poddisruptionbudget.ts';

export const module: GroupModule = {
  kinds: [podDisruptionBudgetKind],
  definitions,
};
