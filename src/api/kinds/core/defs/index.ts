/** All core/v1 schema definitions, merged. */
import type { Definitions } from '../../../schema/types.ts';
import { clusterDefinitions } from './cluster.ts';
import { configDefinitions } from './config.ts';
import { containerDefinitions } from './container.ts';
import { miscDefinitions } from './misc.ts';
import { podDefinitions } from './pod.ts';
import { serviceDefinitions } from './service.ts';
import { storageDefinitions } from './storage.ts';
import { volumeDefinitions } from './volume.ts';

export const coreDefinitions: Definitions = {
  ...containerDefinitions,
  ...volumeDefinitions,
  ...podDefinitions,
  ...serviceDefinitions,
  ...configDefinitions,
  ...clusterDefinitions,
  ...storageDefinitions,
  ...miscDefinitions,
};
