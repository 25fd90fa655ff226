/** scheduling.k8s.io/v1: PriorityClass (and the built-in system classes). */
import type { GroupModule } from '../types.ts';
import { definitions } from './definitions.ts';
import { priorityClass } from './priorityclass.ts';

export const module: GroupModule = { kinds: [priorityClass], definitions };

export { SYSTEM_PRIORITY_CLASSES } from './priorityclass.ts';
