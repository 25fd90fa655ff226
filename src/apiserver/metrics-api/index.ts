/** The resource metrics API (metrics.k8s.io/v1beta1) served by the API server: see docs/metrics.md. */
import type { KindRegistry } from '../../api/kinds/registry.ts';
import type { KubeletClientConfig } from '../handlers/pod-streams.ts';
import type { SubresourceHandler } from '../handlers/resource.ts';
import { metricsApiHandlers } from './handlers.ts';
import { registerMetricsKinds } from './kinds.ts';
import { KubeletStats } from './kubelet-stats.ts';

export { metricsApiHandlers, nodeMetrics, podMetrics, usageOf, formatWindow } from './handlers.ts';
export type { SummarySource } from './handlers.ts';
export { KubeletStats } from './kubelet-stats.ts';
export type { KubeletStatsOptions } from './kubelet-stats.ts';
export { registerMetricsKinds, nodeMetricsKind, podMetricsKind, metricsDefinitions } from './kinds.ts';

/**
 * Adds metrics.k8s.io to `registry` and returns its handlers (to merge into the server's handler
 * map), reading node agents with the API server's kubelet client.
 */
export function installMetricsApi(
  registry: KindRegistry,
  kubelet: KubeletClientConfig,
  log?: (obj: object, msg: string) => void,
): Map<string, SubresourceHandler> {
  registerMetricsKinds(registry);
  return metricsApiHandlers(new KubeletStats({ kubelet }), log);
}
