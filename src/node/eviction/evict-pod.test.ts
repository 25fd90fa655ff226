/**
 * Eviction as the pod worker carries it out (PodSyncer.evict over the fake CRI): the containers are
 * stopped, the status says Failed/Evicted with a DisruptionTarget condition, and later syncs — even
 * from a cache that still shows the pod Running — never start it again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, syncTimes } from '../pods/testing.ts';
import type { Pod, RPod } from '../pods/types.ts';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'uid-web', resourceVersion: '1' },
  spec: {
    nodeName: 'n1',
    automountServiceAccountToken: false,
    containers: [{ name: 'main', image: 'busybox:1.35' }],
  },
};

test('an evicted pod is stopped, reported Failed/Evicted and never restarted', async () => {
  const h = harness();
  try {
    const running = await syncTimes(h, pod, 2);
    assert.equal(running?.phase, 'Running');
    const before = h.cri.created().length;

    const message = 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi.';
    await h.syncer.evict(h.current(pod) as RPod, 'Evicted', message, 1);
    const st = h.statuses[h.statuses.length - 1]!;
    assert.equal(st.phase, 'Failed');
    assert.equal(st.reason, 'Evicted');
    assert.equal(st.message, message);
    const dt = st.conditions?.find((c) => c.type === 'DisruptionTarget');
    assert.deepEqual([dt?.status, dt?.reason], ['True', 'TerminationByKubelet']);
    assert.equal(st.containerStatuses?.[0]?.state.running, undefined, 'the container is no longer running');
    assert.equal(
      st.containerStatuses?.[0]?.state.terminated?.reason,
      'Evicted',
      'terminated by the eviction',
    );
    assert.ok(
      [...h.cri.containers.values()].every((c) => c.state !== 'CONTAINER_RUNNING'),
      'no container runs',
    );
    assert.ok(
      [...h.cri.sandboxes.values()].every((s) => s.state === 'SANDBOX_NOTREADY'),
      'sandbox stopped',
    );

    // A stale cache (still Running) and the updated pod alike: nothing is started again, even
    // after the crash-loop backoff would have run out.
    const calls = h.cri.calls.length;
    await h.syncer.sync(pod as RPod);
    await h.clock.advanceAsync(60_000);
    await h.syncer.sync(pod as RPod);
    await syncTimes(h, pod, 2);
    const started = h.cri.calls
      .slice(calls)
      .filter((c) => /^(RunPodSandbox|CreateContainer|StartContainer)/.test(c));
    assert.deepEqual(started, [], 'no sandbox or container started after the eviction');
    assert.equal(h.cri.created().length, before, 'no container created after the eviction');
    assert.equal(h.statuses[h.statuses.length - 1]?.phase, 'Failed');
  } finally {
    h.close();
  }
});
