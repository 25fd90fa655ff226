/** coordination.k8s.io/v1: Lease. */
import type { GroupModule } from '../types.ts';
import { definitions } from './definitions.ts';
import { lease } from './lease.ts';

export const module: GroupModule = { kinds: [lease], definitions };
