/** CPU and memory figures of the node, its pods and containers: see docs/metrics.md. */
export { StatsCollector, containerSample } from './collector.ts';
export type { StatsCollectorOptions } from './collector.ts';
export { buildSummary, rate } from './summary.ts';
export type {
  ContainerSample,
  ContainerSummary,
  CpuStats,
  MemoryStats,
  PodReference,
  PodSummary,
  Sample,
  Summary,
} from './summary.ts';
export { parseProcStatCpu, readHostSample } from './host.ts';
export type { HostSample } from './host.ts';
