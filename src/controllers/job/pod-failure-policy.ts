/**
 * spec.podFailurePolicy: the rules are tried in order against a failed pod and the first that
 * matches decides — FailJob (the whole Job fails, with a message naming the container or
 * condition), FailIndex (the pod's index fails), Ignore (not counted against backoffLimit) or
 * Count (counted, the default when no rule matches). Exit codes are read from terminated
 * containers (regular first, then init containers); exit code 0 never matches.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ContainerStatus, Job, OnExitCodes, Pod, PodFailurePolicyAction } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** What the policy says about one failed pod. */
export interface PolicyVerdict {
  /** The matching rule's action, or undefined when no rule matched. */
  action?: PodFailurePolicyAction;
  /** Whether the failure counts toward backoffLimit (false only for Ignore). */
  countFailed: boolean;
  /** For FailJob: the message the Job's FailureTarget/Failed conditions carry. */
  failJobMessage?: string;
}

function exitCodeMatches(code: number, req: RO<OnExitCodes>): boolean {
  const listed = req.values.includes(code);
  return req.operator === 'In' ? listed : req.operator === 'NotIn' ? !listed : false;
}

function matchingContainer(
  statuses: readonly RO<ContainerStatus>[] | undefined,
  req: RO<OnExitCodes>,
): RO<ContainerStatus> | undefined {
  return (statuses ?? []).find((s) => {
    const t = s.state?.terminated;
    if (!t || t.exitCode === 0) return false;
    if (req.containerName !== undefined && req.containerName !== s.name) return false;
    return exitCodeMatches(t.exitCode, req);
  });
}

/** Applies the Job's podFailurePolicy to a failed pod; without a policy every failure counts. */
export function matchPodFailurePolicy(job: RO<Job>, pod: RO<Pod>): PolicyVerdict {
  const rules = job.spec.podFailurePolicy?.rules ?? [];
  const podName = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
  for (const [i, rule] of rules.entries()) {
    let detail: string | undefined;
    if (rule.onExitCodes) {
      const req = rule.onExitCodes;
      const c =
        matchingContainer(pod.status?.containerStatuses, req) ??
        matchingContainer(pod.status?.initContainerStatuses, req);
      if (c)
        detail = `Container ${c.name} for pod ${podName} failed with exit code ${c.state?.terminated?.exitCode}`;
    } else if (rule.onPodConditions) {
      const cond = (pod.status?.conditions ?? []).find((pc) =>
        rule.onPodConditions!.some((p) => p.type === pc.type && (p.status ?? 'True') === pc.status),
      );
      if (cond) detail = `Pod ${podName} has condition ${cond.type}`;
    }
    if (detail === undefined) continue;
    switch (rule.action) {
      case 'FailJob':
        return {
          action: 'FailJob',
          countFailed: true,
          failJobMessage: `${detail} matching FailJob rule at index ${i}`,
        };
      case 'Ignore':
        return { action: 'Ignore', countFailed: false };
      case 'Count':
      case 'FailIndex':
        return { action: rule.action, countFailed: true };
      default:
        continue; // an action this controller does not know: skip the rule
    }
  }
  return { countFailed: true };
}
