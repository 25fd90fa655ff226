/**
 * manageReplicas: one step of moving a ReplicaSet's active pods toward spec.replicas. Too few →
 * create the difference (at most `burstReplicas` per sync) in slow-start batches; too many →
 * delete the best candidates (see deletion-order.ts) in parallel. Expectations are raised before
 * the writes and lowered for every write that will never show up in the informer (failed or
 * skipped), so the next sync waits exactly for what is really in flight.
 */
import type { DeepReadonly, OwnerReference } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import { metaNamespaceKey } from '../../client/store.ts';
import { isNotFound } from '../../client/status.ts';
import { podsInDeletionOrder } from './deletion-order.ts';
import type { Expectations } from './expectations.ts';
import { slowStartBatch } from './slow-start.ts';
import type { ManageFailure } from './status.ts';
import type { Pod, ReplicaSet } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** Kubernetes' default cap on pods created or deleted by one sync of one ReplicaSet. */
export const defaultBurstReplicas = 500;

export interface ManageDeps {
  pods: ResourceClient<Pod>;
  expectations: Expectations;
  recorder: EventRecorder;
  burstReplicas: number;
  /** Pods ranked together with the owned ones when choosing whom to delete (co-location). */
  relatedPods?: readonly RO<Pod>[];
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The pod a ReplicaSet creates from its template: generateName `<rs>-`, template labels, controller reference. */
export function podFromTemplate(rs: RO<ReplicaSet>, ref: OwnerReference): Pod {
  const t = structuredClone(rs.spec.template ?? {}) as NonNullable<ReplicaSet['spec']['template']>;
  const meta = t.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      ownerReferences: [ref],
    },
    spec: t.spec ?? {},
  };
  if (meta.labels) pod.metadata.labels = meta.labels;
  if (meta.annotations) pod.metadata.annotations = meta.annotations;
  if (meta.finalizers) pod.metadata.finalizers = meta.finalizers;
  return pod;
}

/** Creates or deletes pods for one sync; returns the failure to report in status (or undefined). */
export async function manageReplicas(
  rs: RO<ReplicaSet>,
  rsKey: string,
  pods: readonly RO<Pod>[],
  ref: OwnerReference,
  d: ManageDeps,
): Promise<ManageFailure | undefined> {
  const want = rs.spec.replicas ?? 1;
  const diff = pods.length - want;
  const ns = rs.metadata.namespace ?? '';
  if (diff < 0) {
    const count = Math.min(-diff, d.burstReplicas);
    d.expectations.expectCreations(rsKey, count);
    const template = podFromTemplate(rs, ref);
    let started = 0;
    const res = await slowStartBatch(count, 1, async () => {
      started++;
      try {
        const created = await d.pods.create(ns, structuredClone(template));
        d.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      } catch (err) {
        // The informer will never see this pod.
        d.expectations.creationObserved(rsKey);
        d.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
        throw err;
      }
    });
    // Pods of batches never started will not show up either.
    for (let skipped = count - started; skipped > 0; skipped--) d.expectations.creationObserved(rsKey);
    return res.error === undefined ? undefined : { reason: 'FailedCreate', message: errorMessage(res.error) };
  }
  if (diff > 0) {
    const count = Math.min(diff, d.burstReplicas);
    const victims = podsInDeletionOrder(pods, d.relatedPods ?? pods).slice(0, count);
    d.expectations.expectDeletions(rsKey, victims.map(metaNamespaceKey));
    const errors: unknown[] = [];
    await Promise.all(
      victims.map(async (p) => {
        try {
          await d.pods.delete(ns, p.metadata.name ?? '');
          d.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (err) {
          d.expectations.deletionObserved(rsKey, metaNamespaceKey(p));
          if (isNotFound(err)) return; // already gone: nothing to report
          d.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
          errors.push(err);
        }
      }),
    );
    return errors.length ? { reason: 'FailedDelete', message: errorMessage(errors[0]) } : undefined;
  }
  return undefined;
}
