/**
 * Preemption (the PostFilter step): when a pod fits nowhere, look for a node where deleting some
 * lower-priority pods would make it fit. Per candidate node (skipping nodes whose reasons no
 * deletion can fix): remove every lower-priority pod, check the pod fits, then give back as many
 * of them as still let it fit, highest priority first — what remains are the victims. The chosen
 * node has the lowest highest-victim priority, then the fewest victims. Pods with
 * preemptionPolicy Never never preempt. Filters that precomputed cluster-wide state in preFilter
 * (pod affinity, topology spread) see it from before the removals: a simplification.
 */
import {
  noVictimsReason,
  preemptionFailureMessage,
  preemptionNotHelpfulReason,
  type Diagnosis,
} from './diagnosis.ts';
import { runFilters, type Profile } from './framework.ts';
import type { NodeInfo, Snapshot } from './node-info.ts';
import type { CycleState } from './plugins/types.ts';
import { podKey, podPriority, type RPod } from './types.ts';

export type PreemptionResult = { node: string; victims: RPod[] } | { node?: undefined; message: string };

function victimsOn(profile: Profile, state: CycleState, node: NodeInfo): RPod[] | undefined {
  const prio = podPriority(state.pod);
  const lower = node.pods.filter((p) => podPriority(p) < prio && !p.metadata.deletionTimestamp);
  if (lower.length === 0) return undefined;
  const removed = new Set(lower.map(podKey));
  if (runFilters(profile, state, node.without(removed))) return undefined;
  // Reprieve: most important first, keep every pod whose return still leaves room.
  const byImportance = [...lower].sort((a, b) => podPriority(b) - podPriority(a));
  const victims: RPod[] = [];
  for (const p of byImportance) {
    removed.delete(podKey(p));
    if (runFilters(profile, state, node.without(removed))) {
      removed.add(podKey(p));
      victims.push(p);
    }
  }
  return victims;
}

/** Finds a node and victims for `state.pod`, or says why there is none. */
export function findPreemption(
  profile: Profile,
  state: CycleState,
  snapshot: Snapshot,
  d: Diagnosis,
): PreemptionResult {
  if (state.pod.spec?.preemptionPolicy === 'Never')
    return { message: 'not eligible due to preemptionPolicy=Never.' };
  let best: { node: string; victims: RPod[]; top: number } | undefined;
  let notHelpful = 0;
  let noVictims = 0;
  for (const node of snapshot.nodes) {
    const status = d.nodeToStatus.get(node.name);
    if (!status || status.unresolvable) {
      notHelpful++;
      continue;
    }
    const victims = victimsOn(profile, state, node);
    if (!victims || victims.length === 0) {
      noVictims++;
      continue;
    }
    const top = Math.max(...victims.map(podPriority));
    if (!best || top < best.top || (top === best.top && victims.length < best.victims.length))
      best = { node: node.name, victims, top };
  }
  if (best) return { node: best.node, victims: best.victims };
  return { message: preemptionFailureMessage(d, noVictims, notHelpful) };
}

export { noVictimsReason, preemptionNotHelpfulReason };
