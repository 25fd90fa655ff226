/** The pod network across nodes (host-gateway routes, egress masquerade): see docs/machines.md. */
export { PodNetworkWorker, DEFAULT_CLUSTER_CIDR } from './pod-network.ts';
export type { PodNetworkOptions, PodNetworkSync } from './pod-network.ts';
export {
  desiredPodRoutes,
  internalIPv4,
  parseRoutes,
  planRoutes,
  podCidrOf,
  POD_ROUTE_PROTO,
  RouteTable,
} from './routes.ts';
export type { NodeLike, PodRoute, RouteTableOptions, Runner } from './routes.ts';
export {
  applyMasquerade,
  MASQUERADE_TABLE,
  masqueradeScript,
  removeMasquerade,
  unmasqueradeScript,
} from './masquerade.ts';
export type { MasqueradeOptions } from './masquerade.ts';
export { CommandError, inNetns, run } from './exec.ts';
export type { RunOptions, RunResult } from './exec.ts';
