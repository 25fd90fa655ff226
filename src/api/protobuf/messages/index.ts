/**
 * Every message table in one lookup: the kinds kubectl's typed clients send as protobuf and all the
 * messages reachable from them.
 */
import type { MessageTable } from '../table.ts';
import { accessNetworkPolicyMessages } from './access-network-policy.ts';
import { appsBatchMessages } from './apps-batch.ts';
import { autoscalingMessages } from './autoscaling.ts';
import { certificatesMessages } from './certificates.ts';
import { coreObjectMessages } from './core-objects.ts';
import { corePodMessages } from './core-pod.ts';
import { coreVolumeMessages } from './core-volumes.ts';
import { metaMessages } from './meta.ts';

export const messages: MessageTable = {
  ...metaMessages,
  ...corePodMessages,
  ...coreVolumeMessages,
  ...coreObjectMessages,
  ...appsBatchMessages,
  ...autoscalingMessages,
  ...accessNetworkPolicyMessages,
  ...certificatesMessages,
};
