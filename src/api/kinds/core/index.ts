/** The core/v1 API group ("" group): its kinds and schema definitions. */
import type { GroupModule } from '../types.ts';
import { configMapKind } from './configmap.ts';
import { coreDefinitions } from './defs/index.ts';
import { endpointsKind } from './endpoints.ts';
import { eventKind } from './event.ts';
import { limitRangeKind } from './limitrange.ts';
import { namespaceKind } from './namespace.ts';
import { nodeKind } from './node.ts';
import { persistentVolumeKind } from './persistentvolume.ts';
import { persistentVolumeClaimKind } from './persistentvolumeclaim.ts';
import { bindingKind, podKind } from './pod.ts';
import { podTemplateKind } from './podtemplate.ts';
import { replicationControllerKind } from './replicationcontroller.ts';
import { resourceQuotaKind } from './resourcequota.ts';
import { secretKind } from './secret.ts';
import { serviceKind } from './service.ts';
import { serviceAccountKind } from './serviceaccount.ts';

export const module: GroupModule = {
  kinds: [
    bindingKind,
    configMapKind,
    endpointsKind,
    eventKind,
    limitRangeKind,
    namespaceKind,
    nodeKind,
    persistentVolumeClaimKind,
    persistentVolumeKind,
    podKind,
    podTemplateKind,
    replicationControllerKind,
    resourceQuotaKind,
    secretKind,
    serviceAccountKind,
    serviceKind,
  ],
  definitions: coreDefinitions,
};
