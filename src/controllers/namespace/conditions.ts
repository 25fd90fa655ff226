/**
 * The status conditions a terminating namespace carries, with Kubernetes' types and reasons:
 * discovery failures, content deletion failures, content remaining and finalizers remaining. Each
 * is written True with the details while the problem lasts and False once it is over.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ContentResult } from './content.ts';

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

function summary(counts: Record<string, number>, line: (key: string, n: number) => string): string {
  return Object.entries(counts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => line(k, n))
    .join(', ');
}

/** The five deletion conditions for one pass's outcome. */
export function deletionConditions(
  discoveryFailures: string[],
  content: ContentResult,
): NamespaceCondition[] {
  const cond = (
    type: string,
    on: boolean,
    reasonOn: string,
    reasonOff: string,
    msgOn: string,
    msgOff: string,
  ): NamespaceCondition => ({
    type,
    status: on ? 'True' : 'False',
    reason: on ? reasonOn : reasonOff,
    message: on ? msgOn : msgOff,
  });
  const remaining = Object.keys(content.remaining).length > 0;
  const finalizers = Object.keys(content.finalizers).length > 0;
  return [
    cond(
      'NamespaceDeletionDiscoveryFailure',
      discoveryFailures.length > 0,
      'DiscoveryFailed',
      'ResourcesDiscovered',
      `Discovery failed for some group versions: ${discoveryFailures.join(', ')}`,
      'All resources discovered',
    ),
    cond(
      'NamespaceDeletionGroupVersionParsingFailure',
      false,
      'GroupVersionParsingFailed',
      'ParsedGroupVersions',
      '',
      'All group versions parsed',
    ),
    cond(
      'NamespaceDeletionContentFailure',
      content.failures.length > 0,
      'ContentDeletionFailed',
      'ContentDeleted',
      `Failed to delete all resource types, ${content.failures.length} remaining: ${content.failures.join('; ')}`,
      'All content deleted',
    ),
    cond(
      'NamespaceContentRemaining',
      remaining,
      'SomeResourcesRemain',
      'ContentRemoved',
      `Some resources are still present: ${summary(content.remaining, (r, n) => `${r} has ${n} objects`)}`,
      'All content removed',
    ),
    cond(
      'NamespaceFinalizersRemaining',
      finalizers,
      'SomeFinalizersRemain',
      'ContentHasNoFinalizers',
      `Some content has finalizers: ${summary(content.finalizers, (f, n) => `${f} on ${n} objects`)}`,
      'No remaining content has finalizers',
    ),
  ];
}

/**
 * `next` merged over the namespace's current conditions, keeping lastTransitionTime where the status
 * did not change; undefined when nothing would change (no write needed).
 */
export function mergeConditions(
  current: DeepReadonly<NamespaceCondition[]> | undefined,
  next: NamespaceCondition[],
  now: string,
): NamespaceCondition[] | undefined {
  const cur = (current ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const n of next) {
    const i = cur.findIndex((c) => c.type === n.type);
    const old = i >= 0 ? cur[i] : undefined;
    if (old && old.status === n.status && old.reason === n.reason && old.message === n.message) continue;
    changed = true;
    const merged = {
      ...n,
      lastTransitionTime: old && old.status === n.status ? (old.lastTransitionTime ?? now) : now,
    };
    if (i >= 0) cur[i] = merged;
    else cur.push(merged);
  }
  return changed ? cur : undefined;
}
