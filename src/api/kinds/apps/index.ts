/** The apps/v1 group: Deployment, ReplicaSet, StatefulSet, DaemonSet and ControllerRevision. */
import type { GroupModule } from '../types.ts';
import { controllerRevisionKind } from './controllerrevision.ts';
import { daemonSetKind } from './daemonset.ts';
import { definitions } from './definitions.ts';
import { deploymentKind } from './deployment.ts';
import { replicaSetKind } from './replicaset.ts';
import { statefulSetKind } from './statefulset.ts';

export const module: GroupModule = {
  kinds: [deploymentKind, replicaSetKind, statefulSetKind, daemonSetKind, controllerRevisionKind],
  definitions,
};
