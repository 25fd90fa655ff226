/** discovery.k8s.io/v1: EndpointSlice. */
import type { GroupModule } from '../types.ts';
import { definitions } from './definitions.ts';
import { endpointSlice } from './endpointslice.ts';

export const module: GroupModule = { kinds: [endpointSlice], definitions };
