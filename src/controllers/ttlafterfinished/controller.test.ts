import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timestamp } from '../job/conditions.ts';
import { JobRig, jobObj, ns } from '../job/testing.ts';
import type { Job } from '../job/types.ts';
import { expiresAt, ttlAfterFinishedController } from './controller.ts';

const t0 = Date.UTC(2026, 0, 1);

function finished(name: string, ttl: number | undefined, type = 'Complete', at = t0): Job {
  const job = jobObj(name, ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl });
  job.status = {
    conditions: [{ type, status: 'True', lastTransitionTime: timestamp(at) }],
    ...(type === 'Complete' ? { completionTime: timestamp(at) } : {}),
  };
  return job;
}

const expiryCases: [string, Job, number | undefined][] = [
  ['complete with ttl', finished('a', 30), t0 + 30_000],
  ['failed with ttl 0', finished('b', 0, 'Failed'), t0],
  ['no ttl', finished('c', undefined), undefined],
  ['running', jobObj('d', { ttlSecondsAfterFinished: 5 }), undefined],
];
for (const [label, job, want] of expiryCases) {
  test(`expiresAt: ${label}`, () => assert.equal(expiresAt(job), want));
}

test('deletes a finished Job with Background propagation once its TTL has passed', async () => {
  const rig = new JobRig();
  const c = ttlAfterFinishedController();
  c.init(rig.ctx);
  const job = await rig.seed('jobs', finished('done', 60));
  rig.clock.advance(10_000);
  assert.deepEqual(await c.reconcile(`${ns}/done`), { requeueAfterMs: 50_000 });
  assert.deepEqual(rig.writes(), []);
  rig.clock.advance(50_000);
  assert.equal(await c.reconcile(`${ns}/done`), undefined);
  const del = rig.writeActions().find((a) => a.verb === 'delete');
  assert.equal(del?.name, 'done');
  assert.deepEqual(del?.body, {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    propagationPolicy: 'Background',
    preconditions: { uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion },
  });
  assert.equal(rig.api.list('jobs', ns).length, 0);
});

test('re-reads the Job: a TTL raised since the cache saw it is honoured', async () => {
  const rig = new JobRig();
  const c = ttlAfterFinishedController();
  c.init(rig.ctx);
  await rig.seed('jobs', finished('done', 10));
  const fresh = structuredClone(rig.job('done'));
  fresh.spec.ttlSecondsAfterFinished = 100;
  await rig.client.resource<Job>('batch', 'v1', 'jobs').update(ns, fresh);
  rig.clock.advance(20_000);
  assert.deepEqual(await c.reconcile(`${ns}/done`), { requeueAfterMs: 80_000 });
  assert.equal(rig.api.list('jobs', ns).length, 1);
});

test('only finished Jobs with a TTL are queued', async () => {
  const rig = new JobRig();
  const c = ttlAfterFinishedController();
  c.init(rig.ctx);
  rig.event('jobs', 'ADDED', {
    ...jobObj('running', { ttlSecondsAfterFinished: 1 }),
    metadata: { name: 'running', namespace: ns, resourceVersion: '1' },
  });
  rig.event('jobs', 'ADDED', {
    ...finished('no-ttl', undefined),
    metadata: { name: 'no-ttl', namespace: ns, resourceVersion: '1' },
  });
  assert.equal(c.queued(), 0);
  rig.event('jobs', 'ADDED', {
    ...finished('ttl', 1),
    metadata: { name: 'ttl', namespace: ns, resourceVersion: '1' },
  });
  assert.equal(c.queued(), 1);
});
