/** apiextensions.k8s.io/v1: CustomResourceDefinition (definition only; serving custom kinds comes later). */
import type { GroupModule } from '../types.ts';
import { customResourceDefinition } from './crd.ts';
import { definitions } from './definitions.ts';

export const module: GroupModule = { kinds: [customResourceDefinition], definitions };
