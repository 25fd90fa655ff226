/**
 * syncNodes: the only place the DaemonSet controller creates and deletes pods. Expectations are
 * raised before the writes and lowered for each write the informer will never see (failed or
 * skipped), so the next sync waits exactly for what is in flight. Creates run in slow-start
 * batches (a systematic failure such as a quota costs one call), at most `burst` per sync;
 * deletes run in parallel. Events are worded as Kubernetes words them.
 */
import type { DeepReadonly, OwnerReference } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import { isNotFound } from '../../client/status.ts';
import { metaNamespaceKey } from '../../client/store.ts';
import { slowStartBatch } from '../replicaset/slow-start.ts';
import type { DaemonSetExpectations } from './expectations.ts';
import type { PodToDelete } from './node-plan.ts';
import { newDaemonPod } from './pod-template.ts';
import type { DaemonSet, Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** Kubernetes' cap on daemon pods created by one sync of one DaemonSet. */
export const defaultBurstReplicas = 250;

export interface SyncNodesDeps {
  pods: ResourceClient<Pod>;
  expectations: DaemonSetExpectations;
  recorder: EventRecorder;
  burst: number;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Creates a daemon pod on each of `nodes` and deletes `deletes`; throws the first error after all ran. */
export async function syncNodes(
  ds: RO<DaemonSet>,
  dsKey: string,
  deletes: readonly PodToDelete[],
  nodes: readonly string[],
  hash: string,
  ref: OwnerReference,
  d: SyncNodesDeps,
): Promise<void> {
  if (deletes.length === 0 && nodes.length === 0) return;
  const ns = ds.metadata.namespace ?? '';
  const toCreate = nodes.slice(0, d.burst);
  d.expectations.expect(
    dsKey,
    toCreate.length,
    deletes.map((x) => metaNamespaceKey(x.pod)),
  );
  const errors: unknown[] = [];

  let started = 0;
  const res = await slowStartBatch(toCreate.length, 1, async (i) => {
    started++;
    try {
      const created = await d.pods.create(ns, newDaemonPod(ds, toCreate[i]!, hash, ref));
      d.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (err) {
      d.expectations.creationObserved(dsKey); // the informer will never see this pod
      d.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${message(err)}`);
      throw err;
    }
  });
  for (let skipped = toCreate.length - started; skipped > 0; skipped--)
    d.expectations.creationObserved(dsKey);
  if (res.error !== undefined) errors.push(res.error);

  await Promise.all(
    deletes.map(async ({ pod, nodeGone, failedOn }) => {
      const name = pod.metadata.name ?? '';
      if (failedOn)
        d.recorder.event(
          ds,
          'Warning',
          'FailedDaemonPod',
          `Found failed daemon pod ${ns}/${name} on node ${failedOn}, will try to kill it`,
        );
      try {
        await d.pods.delete(ns, name, nodeGone ? { gracePeriodSeconds: 0 } : undefined);
        d.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      } catch (err) {
        d.expectations.deletionObserved(dsKey, metaNamespaceKey(pod));
        if (isNotFound(err)) return;
        d.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${message(err)}`);
        errors.push(err);
      }
    }),
  );
  if (errors.length) throw errors[0];
}
