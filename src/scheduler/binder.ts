/**
 * The scheduler's writes: the binding (POST pods/NAME/binding), the PodScheduled=False condition of
 * a pod that fits nowhere, the nominated node of a pod that preempted, and the deletion of victims.
 */
import type { Client } from '../client/client.ts';
import type { DeepReadonly } from '../api/object.ts';
import type { Pod, PodCondition, RPod } from './types.ts';

/** The current time as Kubernetes writes it (RFC 3339, whole seconds). */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** POST pods/NAME/binding with a Binding to `node`. */
export async function bindPod(client: Client, pod: RPod, node: string): Promise<void> {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  await client.call({
    method: 'POST',
    path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/binding`,
    body: {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace: ns, ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    },
  });
}

/**
 * The pod's conditions with PodScheduled=False/Unschedulable set to `message`, or undefined when
 * the pod already says exactly that (so repeated failures write nothing). The transition time
 * only moves when the status changes.
 */
export function unschedulableConditions(pod: RPod, message: string, now: number): PodCondition[] | undefined {
  const conds = (pod.status?.conditions ?? []) as DeepReadonly<PodCondition[]>;
  const prev = conds.find((c) => c.type === 'PodScheduled');
  if (prev && prev.status === 'False' && prev.reason === 'Unschedulable' && prev.message === message)
    return undefined;
  const next: PodCondition = {
    type: 'PodScheduled',
    status: 'False',
    reason: 'Unschedulable',
    message,
    lastProbeTime: null,
    lastTransitionTime:
      prev?.status === 'False' && prev.lastTransitionTime ? prev.lastTransitionTime : timestamp(now),
  };
  return [...conds.filter((c) => c.type !== 'PodScheduled').map((c) => ({ ...c })), next];
}

/** Writes the pod's status fields through a merge patch on pods/status. */
export async function patchPodStatus(
  client: Client,
  pod: RPod,
  status: Record<string, unknown>,
): Promise<void> {
  await client
    .resource<Pod>('', 'v1', 'pods')
    .patch(pod.metadata.namespace, pod.metadata.name ?? '', 'merge', { status }, { subresource: 'status' });
}

/** Deletes a preemption victim (with its own grace period; uid precondition so a new pod of the same name survives). */
export async function deleteVictim(client: Client, pod: RPod): Promise<void> {
  const uid = pod.metadata.uid;
  await client
    .resource('', 'v1', 'pods')
    .delete(pod.metadata.namespace, pod.metadata.name ?? '', uid ? { preconditions: { uid } } : {});
}
