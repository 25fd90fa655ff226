/**
 * How many replicas one resource metric asks for, as the HPA computes it: the ratio of observed
 * usage to target over the pods that have metrics, left alone inside the tolerance (10%). Pods
 * that are not ready or have no metrics yet are then filled in conservatively — when the ratio
 * says "scale down", a missing pod is assumed to use its whole request (utilization) or exactly
 * the target (average value); when it says "scale up", missing and unready pods are assumed idle —
 * and if that flips the direction or lands inside the tolerance, the current count stays.
 */

/** What is known of one pod selected by the scale target. */
export interface PodSample {
  name: string;
  /** Ready (counts now); unready pods are only used to temper a scale-up. */
  ready: boolean;
  /** Observed usage in the metric's unit (millicores for cpu, bytes for memory); undefined: no metrics. */
  usage?: number;
  /** The pod's request for the resource (utilization targets only). */
  request?: number;
}

export type ResourceTarget =
  { type: 'Utilization'; averageUtilization: number } | { type: 'AverageValue'; averageValue: number };

export interface Recommendation {
  replicas: number;
  /** Average utilization in percent of requests (Utilization targets). */
  utilization?: number;
  /** Average usage per pod with metrics. */
  averageValue: number;
}

export const defaultTolerance = 0.1;

/** Throws when a pod with metrics has no request for a utilization target (as Kubernetes refuses). */
export function resourceReplicas(
  currentReplicas: number,
  target: ResourceTarget,
  pods: readonly PodSample[],
  resource: string,
  tolerance = defaultTolerance,
): Recommendation {
  const measured = pods.filter((p) => p.ready && p.usage !== undefined);
  const unready = pods.filter((p) => !p.ready);
  const missing = pods.filter((p) => p.ready && p.usage === undefined);
  if (measured.length === 0)
    throw new Error(`did not receive metrics for targeted pods (pods might be unready)`);
  const utilizationTarget = target.type === 'Utilization';
  if (utilizationTarget)
    for (const p of [...measured, ...missing, ...unready])
      if (!p.request) throw new Error(`missing request for ${resource} in pod ${p.name}`);
  // Per pod: what it uses and what it would use exactly at target.
  const atTarget = (p: PodSample): number =>
    target.type === 'Utilization' ? (p.request! * target.averageUtilization) / 100 : target.averageValue;
  const ratioOf = (samples: { usage: number; pod: PodSample }[]): number => {
    let used = 0;
    let wanted = 0;
    for (const s of samples) {
      used += s.usage;
      wanted += atTarget(s.pod);
    }
    return wanted === 0 ? 0 : used / wanted;
  };
  const base = measured.map((p) => ({ usage: p.usage!, pod: p }));
  const ratio = ratioOf(base);
  const totalUsage = base.reduce((a, s) => a + s.usage, 0);
  const totalRequest = utilizationTarget ? measured.reduce((a, p) => a + p.request!, 0) : 0;
  const report = {
    utilization: utilizationTarget ? Math.floor((totalUsage * 100) / totalRequest) : undefined,
    averageValue: totalUsage / measured.length,
  };
  const scaleUpWithUnready = unready.length > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (Math.abs(1 - ratio) <= tolerance) return { replicas: currentReplicas, ...report };
    return { replicas: Math.ceil(ratio * measured.length), ...report };
  }
  const filled = [...base];
  for (const p of missing)
    filled.push({
      pod: p,
      usage: ratio < 1 ? (target.type === 'Utilization' ? p.request! : target.averageValue) : 0,
    });
  if (scaleUpWithUnready) for (const p of unready) filled.push({ pod: p, usage: 0 });
  const newRatio = ratioOf(filled);
  if (Math.abs(1 - newRatio) <= tolerance || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1))
    return { replicas: currentReplicas, ...report };
  const replicas = Math.ceil(newRatio * filled.length);
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas))
    return { replicas: currentReplicas, ...report };
  return { replicas, ...report };
}
