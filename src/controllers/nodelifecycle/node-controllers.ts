/**
 * The node controllers `berth server` runs, with the options its flags set: IPAM (pod CIDRs),
 * lifecycle (heartbeats → conditions and taints) and taint eviction (NoExecute → pods deleted).
 */
import type { Controller } from '../types.ts';
import { nodeIpamController } from '../nodeipam/controller.ts';
import { taintEvictionController } from '../tainteviction/controller.ts';
import { nodeLifecycleController } from './controller.ts';

export interface NodeControllerOptions {
  /** Range node pod CIDRs come from (`--cluster-cidr`, default 10.244.0.0/16). */
  clusterCidr?: string;
  /** Prefix length of each node's pod CIDR (`--node-cidr-mask-size`, default 24). */
  nodeCidrMaskSize?: number;
  /** Silence after which a node is marked Unknown (`--node-monitor-grace-period`, default 40 s). */
  nodeMonitorGracePeriodMs?: number;
}

/** The three node controllers; throws (at start-up) when the CIDR options are invalid. */
export function nodeControllers(o: NodeControllerOptions = {}): Controller[] {
  return [
    nodeIpamController({ clusterCidr: o.clusterCidr, nodeCidrMaskSize: o.nodeCidrMaskSize }),
    nodeLifecycleController({ nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriodMs }),
    taintEvictionController(),
  ];
}
