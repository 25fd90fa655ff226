/** The pod sync loop of the node agent: see docs/node-agent-pods.md. */
export { PodSyncLoop } from './sync-loop.ts';
export type { PodLoopContext, PodSyncLoopOptions } from './sync-loop.ts';
export { PodSyncer } from './pod-sync.ts';
export type { PodSyncDeps } from './pod-sync.ts';
export { podDir, podLogDir, podLogsRoot, podsRoot, containerLogPath, volumeDir } from './paths.ts';
export { computePodStatus, podPhase, containerIdPrefix } from './status.ts';
export { labelContainerName, labelNode, labelPodName, labelPodNamespace, labelPodUid } from './labels.ts';
export type { Pod, PodStatus, RPod } from './types.ts';
export { startNodePods } from './node-runtime.ts';
export type { NodePods, NodePodsOptions } from './node-runtime.ts';
