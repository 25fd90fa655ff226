/** The node agent's eviction manager: see docs/node-agent-pods.md, "Eviction under pressure". */
export { EvictionManager, evictionGraceSeconds, evictionMessage } from './manager.ts';
export { pathBytes, podDiskUsage } from './disk-usage.ts';
export type { PodDiskUsage } from './disk-usage.ts';
export type {
  EvictablePods,
  EvictionContext,
  EvictionManagerOptions,
  EvictionRecord,
  PassResult,
  UsageSource,
} from './manager.ts';
export { evictable, podPriority, podRequest, rankForEviction, criticalPriority } from './ranking.ts';
export type { Candidate } from './ranking.ts';
export { hostSignals } from './signals.ts';
export type { SignalSource } from './signals.ts';
export {
  crossed,
  defaultEvictionHard,
  formatBytes,
  parseEvictionHard,
  parseEvictionSoft,
  signalInfo,
  thresholdBytes,
} from './thresholds.ts';
export type { Observation, Signal, Threshold } from './thresholds.ts';
