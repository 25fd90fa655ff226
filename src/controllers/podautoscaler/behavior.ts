/**
 * The HPA's `behavior`: stabilization windows (a scale-down acts on the highest recommendation of
 * the window, a scale-up on the lowest, so a noisy metric does not make the target flap) and rate
 * policies (how many pods, or what percentage, may be added or removed per period, measured from
 * the replica count at the start of the period). Without `behavior` the defaults apply: up at once,
 * at most +4 pods or +100% per 15 s; down after a 300 s window, at most −100% per 15 s.
 */

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: ScalingPolicy[];
}

export interface Behavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

/** A past recommendation or scale change, kept per HPA in memory (as Kubernetes does). */
export interface Timed {
  at: number;
  replicas: number;
}

export const defaultScaleUp: Required<ScalingRules> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};

export const defaultScaleDown: Required<ScalingRules> = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

function rules(r: ScalingRules | undefined, d: Required<ScalingRules>): Required<ScalingRules> {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? d.stabilizationWindowSeconds,
    selectPolicy: r?.selectPolicy ?? d.selectPolicy,
    policies: r?.policies ?? d.policies,
  };
}

/** The recommendation after the stabilization windows; `history` holds earlier recommendations. */
export function stabilize(
  desired: number,
  current: number,
  behavior: Behavior | undefined,
  history: readonly Timed[],
  now: number,
): number {
  const up = rules(behavior?.scaleUp, defaultScaleUp);
  const down = rules(behavior?.scaleDown, defaultScaleDown);
  let upRec = desired;
  let downRec = desired;
  for (const r of history) {
    if (r.at > now - up.stabilizationWindowSeconds * 1000) upRec = Math.min(upRec, r.replicas);
    if (r.at > now - down.stabilizationWindowSeconds * 1000) downRec = Math.max(downRec, r.replicas);
  }
  let rec = current;
  if (rec < upRec) rec = upRec;
  if (rec > downRec) rec = downRec;
  return rec;
}

/** Replicas added (positive changes) and removed (negative) within `periodSeconds` before `now`. */
function changesIn(
  events: readonly Timed[],
  periodSeconds: number,
  now: number,
): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const e of events) {
    if (e.at <= now - periodSeconds * 1000) continue;
    if (e.replicas > 0) added += e.replicas;
    else removed -= e.replicas;
  }
  return { added, removed };
}

/** The most replicas the scale-up policies allow now. */
export function scaleUpLimit(
  current: number,
  events: readonly Timed[],
  r: Required<ScalingRules>,
  now: number,
): number {
  if (r.selectPolicy === 'Disabled') return current;
  let result = r.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of r.policies) {
    const { added, removed } = changesIn(events, p.periodSeconds, now);
    const start = current - added + removed;
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = r.selectPolicy === 'Min' ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** The fewest replicas the scale-down policies allow now. */
export function scaleDownLimit(
  current: number,
  events: readonly Timed[],
  r: Required<ScalingRules>,
  now: number,
): number {
  if (r.selectPolicy === 'Disabled') return current;
  let result = r.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of r.policies) {
    const { added, removed } = changesIn(events, p.periodSeconds, now);
    const start = current - added + removed;
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = r.selectPolicy === 'Min' ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

export interface Limited {
  replicas: number;
  /** Why the count was capped (the ScalingLimited condition), or undefined when within range. */
  reason?: 'ScaleUpLimit' | 'TooManyReplicas' | 'ScaleDownLimit' | 'TooFewReplicas';
  message?: string;
}

/** Applies min/max replicas and the rate policies to a stabilized recommendation. */
export function limitRate(
  stabilized: number,
  current: number,
  min: number,
  max: number,
  behavior: Behavior | undefined,
  events: readonly Timed[],
  now: number,
): Limited {
  if (stabilized > current) {
    const limit = Math.max(
      current,
      scaleUpLimit(current, events, rules(behavior?.scaleUp, defaultScaleUp), now),
    );
    if (max > limit) {
      if (stabilized > limit)
        return {
          replicas: limit,
          reason: 'ScaleUpLimit',
          message: 'the desired replica count is increasing faster than the maximum scale rate',
        };
    } else if (stabilized > max)
      return {
        replicas: max,
        reason: 'TooManyReplicas',
        message: 'the desired replica count is more than the maximum replica count',
      };
    return { replicas: stabilized };
  }
  if (stabilized < current) {
    const limit = Math.min(
      current,
      scaleDownLimit(current, events, rules(behavior?.scaleDown, defaultScaleDown), now),
    );
    if (min < limit) {
      if (stabilized < limit)
        return {
          replicas: limit,
          reason: 'ScaleDownLimit',
          message: 'the desired replica count is decreasing faster than the maximum scale rate',
        };
    } else if (stabilized < min)
      return {
        replicas: min,
        reason: 'TooFewReplicas',
        message: 'the desired replica count is less than the minimum replica count',
      };
    return { replicas: stabilized };
  }
  if (stabilized > max)
    return {
      replicas: max,
      reason: 'TooManyReplicas',
      message: 'the desired replica count is more than the maximum replica count',
    };
  if (stabilized < min)
    return {
      replicas: min,
      reason: 'TooFewReplicas',
      message: 'the desired replica count is less than the minimum replica count',
    };
  return { replicas: stabilized };
}
