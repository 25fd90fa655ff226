/**
 * The `berth server` flags for node handling — pod CIDRs, the heartbeat grace period and the
 * default tolerations — checked before anything starts, so a typo fails with one clear line.
 */
import { CidrSet } from '../controllers/nodeipam/cidr-set.ts';
import type { NodeControllerOptions } from '../controllers/nodelifecycle/node-controllers.ts';
import { parseDuration } from '../node/sim/duration.ts';

export interface NodeFlags {
  clusterCidr?: string;
  nodeCidrMaskSize?: string;
  nodeMonitorGracePeriod?: string;
  defaultNotReadyTolerationSeconds?: string;
  defaultUnreachableTolerationSeconds?: string;
}

export interface ParsedNodeFlags {
  controllers: NodeControllerOptions;
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
}

function wholeNumber(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new Error(`--${flag} must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  return n;
}

/** Parses and checks the flags; throws an Error whose message names the flag. */
export function parseNodeFlags(f: NodeFlags): ParsedNodeFlags {
  const mask = wholeNumber('node-cidr-mask-size', f.nodeCidrMaskSize, 0);
  if (f.clusterCidr !== undefined || mask !== undefined) {
    try {
      new CidrSet(f.clusterCidr ?? '10.244.0.0/16', mask ?? 24);
    } catch (err) {
      throw new Error(`--cluster-cidr/--node-cidr-mask-size: ${(err as Error).message}`, { cause: err });
    }
  }
  let grace: number | undefined;
  if (f.nodeMonitorGracePeriod !== undefined) {
    try {
      grace = parseDuration(f.nodeMonitorGracePeriod);
    } catch (err) {
      throw new Error(`--node-monitor-grace-period: ${(err as Error).message}`, { cause: err });
    }
    if (grace < 1000) throw new Error('--node-monitor-grace-period must be at least 1s');
  }
  return {
    controllers: { clusterCidr: f.clusterCidr, nodeCidrMaskSize: mask, nodeMonitorGracePeriodMs: grace },
    defaultNotReadyTolerationSeconds: wholeNumber(
      'default-not-ready-toleration-seconds',
      f.defaultNotReadyTolerationSeconds,
      0,
    ),
    defaultUnreachableTolerationSeconds: wholeNumber(
      'default-unreachable-toleration-seconds',
      f.defaultUnreachableTolerationSeconds,
      0,
    ),
  };
}
