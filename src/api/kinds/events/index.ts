/** events.k8s.io/v1: Event, served over core/v1 event storage. */
import type { GroupModule } from '../types.ts';
import { definitions } from './definitions.ts';
import { event } from './event.ts';

export const module: GroupModule = { kinds: [event], definitions };
