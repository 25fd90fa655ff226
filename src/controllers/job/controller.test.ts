import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobController, type JobController } from './controller.ts';
import { timestamp } from './conditions.ts';
import { completionIndexFieldPath } from './pod-template.ts';
import { JobRig, jobObj, ns, podOf } from './testing.ts';
import {
  completionIndexAnnotation,
  controllerUidLabel,
  jobTrackingFinalizer,
  type Job,
  type JobSpec,
  type Pod,
} from './types.ts';

const t0 = Date.UTC(2026, 0, 1);

async function setup(
  name: string,
  spec: Partial<JobSpec> = {},
  status?: Job['status'],
): Promise<{ rig: JobRig; c: JobController; job: Job }> {
  const rig = new JobRig();
  const c = jobController();
  c.init(rig.ctx);
  const obj = jobObj(name, spec);
  if (status) obj.status = status;
  const job = await rig.seed('jobs', obj);
  return { rig, c, job };
}

function conditions(job: Job): string[] {
  return (job.status?.conditions ?? []).map((c) => `${c.type}=${c.status}:${c.reason ?? ''}`);
}

test('creates min(parallelism, completions) pods with labels, finalizer, owner and events', async () => {
  const { rig, c, job } = await setup('pi', { completions: 5, parallelism: 2 });
  await c.reconcile(`${ns}/pi`);
  const pods = rig.pods();
  assert.equal(pods.length, 2);
  for (const p of pods) {
    assert.match(p.metadata.name ?? '', /^pi-/);
    assert.deepEqual(p.metadata.finalizers, [jobTrackingFinalizer]);
    assert.equal(p.metadata.labels?.[controllerUidLabel], job.metadata.uid ? 'job-uid-pi' : '');
    assert.equal(p.metadata.ownerReferences?.[0]?.kind, 'Job');
    assert.equal(p.metadata.ownerReferences?.[0]?.uid, job.metadata.uid);
  }
  const st = rig.job('pi').status!;
  assert.equal(st.active, 2);
  assert.equal(st.startTime, timestamp(t0));
  assert.deepEqual(
    (await rig.events()).sort(),
    pods.map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name}`).sort(),
  );
  // The informer has not shown the pods yet: no second round.
  rig.reset();
  await c.reconcile(`${ns}/pi`);
  assert.deepEqual(
    rig.writes().filter((w) => w.startsWith('create')),
    [],
  );
});

test('finished pods are listed as uncounted, lose their finalizer, then are counted — once', async () => {
  const { rig, c, job } = await setup('pi', { completions: 5, parallelism: 2 });
  const a = await rig.seed('pods', podOf(job, 'pi-a', { phase: 'Succeeded' }));
  await rig.seed('pods', podOf(job, 'pi-b', { phase: 'Failed' }));
  await c.reconcile(`${ns}/pi`);
  const w = rig.writes();
  // Status with uncounted uids first, finalizers off next, counters last; then 2 replacement pods.
  const firstStatus = w.indexOf('update jobs/pi/status');
  assert.ok(firstStatus >= 0 && firstStatus < w.indexOf('patch pods/pi-a'), w.join('\n'));
  const uncountedWrite = rig.writeActions()[firstStatus]!.body as Job;
  assert.deepEqual(uncountedWrite.status?.uncountedTerminatedPods?.succeeded, [a.metadata.uid]);
  const st = rig.job('pi').status!;
  assert.equal(st.succeeded, 1);
  assert.equal(st.failed, 1);
  assert.deepEqual(st.uncountedTerminatedPods, {});
  for (const p of rig.pods().filter((p) => p.metadata.name === 'pi-a' || p.metadata.name === 'pi-b'))
    assert.equal(p.metadata.finalizers, undefined);
  // The cache still shows the finalizers (the informer lags): nothing may be counted again.
  rig.syncCache('jobs');
  rig.reset();
  await c.reconcile(`${ns}/pi`);
  const after = rig.job('pi').status!;
  assert.equal(after.succeeded, 1);
  assert.equal(after.failed, 1);
  assert.deepEqual(
    rig.writes().filter((x) => x.startsWith('patch')),
    [],
  );
});

test('a listed uid whose pod already lost its finalizer is counted from the list (crash recovery)', async () => {
  const { rig, c, job } = await setup(
    'pi',
    { completions: 2, parallelism: 1 },
    {
      succeeded: 0,
      uncountedTerminatedPods: { succeeded: ['gone-uid'] },
    },
  );
  void job;
  await c.reconcile(`${ns}/pi`);
  const st = rig.job('pi').status!;
  assert.equal(st.succeeded, 1);
  assert.equal(st.uncountedTerminatedPods?.succeeded, undefined);
  assert.equal(rig.pods().length, 1); // one completion left → one pod
});

test('completes: SuccessCriteriaMet then Complete, completionTime, Completed event', async () => {
  const { rig, c, job } = await setup('pi', { completions: 2, parallelism: 2 });
  await rig.seed('pods', podOf(job, 'pi-a', { phase: 'Succeeded' }));
  await rig.seed('pods', podOf(job, 'pi-b', { phase: 'Succeeded' }));
  await c.reconcile(`${ns}/pi`);
  const j = rig.job('pi');
  assert.deepEqual(conditions(j), [
    'SuccessCriteriaMet=True:CompletionsReached',
    'Complete=True:CompletionsReached',
  ]);
  assert.equal(j.status?.completionTime, timestamp(t0));
  assert.equal(j.status?.succeeded, 2);
  assert.equal(j.status?.active, 0);
  assert.ok((await rig.events()).includes('Completed: Job completed'));
  assert.equal(rig.writes().filter((w) => w === 'create pods').length, 0);
});

test('work-queue Job (no completions): done once one pod succeeded and none is active', async () => {
  const { rig, c, job } = await setup('wq', { completions: null, parallelism: 3 });
  await rig.seed('pods', podOf(job, 'wq-a', { phase: 'Succeeded' }));
  await rig.seed('pods', podOf(job, 'wq-b', { phase: 'Running' }));
  await c.reconcile(`${ns}/wq`);
  assert.equal(rig.writes().filter((w) => w === 'create pods').length, 0); // keeps what runs
  assert.deepEqual(conditions(rig.job('wq')), []);
});

const wantCases: [string, Partial<JobSpec>, number, number][] = [
  ['parallelism caps', { completions: 5, parallelism: 2 }, 0, 2],
  ['remaining completions cap', { completions: 5, parallelism: 4 }, 3, 2],
  ['nothing left', { completions: 2, parallelism: 2 }, 2, 0],
  ['work queue', { completions: null, parallelism: 3 }, 0, 3],
];
for (const [label, spec, succeeded, want] of wantCases) {
  test(`wanted active pods: ${label}`, async () => {
    const { rig, c } = await setup('m', spec, { succeeded });
    await c.reconcile(`${ns}/m`);
    assert.equal(rig.pods().length, want);
  });
}

test('too many active pods: extras lose the finalizer and are deleted', async () => {
  const { rig, c, job } = await setup('pi', { completions: 4, parallelism: 1 });
  await rig.seed('pods', podOf(job, 'pi-a', { phase: 'Running' }));
  await rig.seed('pods', podOf(job, 'pi-b', { phase: 'Pending', ready: false }));
  await c.reconcile(`${ns}/pi`);
  assert.deepEqual(
    rig.writes().filter((w) => w.includes('pods')),
    ['patch pods/pi-b', 'delete pods/pi-b'],
  );
  assert.ok((await rig.events()).includes('SuccessfulDelete: Deleted pod: pi-b'));
  assert.equal(rig.job('pi').status?.failed ?? 0, 0);
});

test('Indexed: pods carry index annotation, label, env, hostname and name prefix', async () => {
  const { rig, c } = await setup('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' });
  await c.reconcile(`${ns}/idx`);
  const pods = rig.pods().sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  assert.equal(pods.length, 3);
  pods.forEach((p, i) => {
    assert.equal(p.metadata.annotations?.[completionIndexAnnotation], String(i));
    assert.equal(p.metadata.labels?.[completionIndexAnnotation], String(i));
    assert.match(p.metadata.name ?? '', new RegExp(`^idx-${i}-`));
    assert.equal(p.spec?.hostname, `idx-${i}`);
    assert.deepEqual(p.spec?.containers?.[0]?.env, [
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: completionIndexFieldPath } } },
    ]);
  });
});

test('Indexed: completed indexes are recorded as a range string and missing ones restarted', async () => {
  const { rig, c, job } = await setup('idx', { completions: 5, parallelism: 5, completionMode: 'Indexed' });
  for (const i of [0, 1, 2, 4])
    await rig.seed('pods', podOf(job, `idx-${i}`, { phase: 'Succeeded', index: i }));
  await rig.seed('pods', podOf(job, 'idx-3-dup', { phase: 'Succeeded', index: 2 }));
  await c.reconcile(`${ns}/idx`);
  const st = rig.job('idx').status!;
  assert.equal(st.completedIndexes, '0-2,4');
  assert.equal(st.succeeded, 4);
  const created = rig.writeActions().filter((a) => a.verb === 'create');
  assert.deepEqual(
    created.map((a) => (a.body as Pod).metadata.annotations?.[completionIndexAnnotation]),
    ['3'],
  );
});

test('Indexed: all indexes done → Complete with completedIndexes "0-2"', async () => {
  const { rig, c, job } = await setup('idx', { completions: 3, parallelism: 2, completionMode: 'Indexed' });
  for (const i of [0, 1, 2]) await rig.seed('pods', podOf(job, `idx-${i}`, { phase: 'Succeeded', index: i }));
  await c.reconcile(`${ns}/idx`);
  const j = rig.job('idx');
  assert.equal(j.status?.completedIndexes, '0-2');
  assert.ok(conditions(j).includes('Complete=True:CompletionsReached'));
});

test('backoff: a failed pod delays the replacement by 10 s, two by 20 s', async () => {
  const { rig, c, job } = await setup('bo', { completions: 1, parallelism: 1, backoffLimit: 6 });
  await rig.seed('pods', podOf(job, 'bo-a', { phase: 'Failed', finishedAt: t0 }));
  rig.clock.advance(5_000);
  await c.reconcile(`${ns}/bo`);
  assert.equal(rig.writes().filter((w) => w === 'create pods').length, 0);
  assert.equal(c.queued(), 0);
  rig.clock.advance(4_999);
  assert.equal(c.queued(), 0);
  rig.clock.advance(1);
  assert.equal(c.queued(), 1); // requeued exactly when the delay is over
  await c.reconcile(`${ns}/bo`);
  assert.equal(rig.writes().filter((w) => w === 'create pods').length, 1);

  // A second consecutive failure doubles the delay.
  const { rig: rig2, c: c2, job: job2 } = await setup('bo', { completions: 1, backoffLimit: 6 });
  await rig2.seed('pods', podOf(job2, 'bo-a', { phase: 'Failed', finishedAt: t0 }));
  await rig2.seed('pods', podOf(job2, 'bo-b', { phase: 'Failed', finishedAt: t0 + 1000 }));
  rig2.clock.advance(15_000);
  await c2.reconcile(`${ns}/bo`);
  assert.equal(rig2.writes().filter((w) => w === 'create pods').length, 0);
  rig2.clock.advance(6_000);
  await c2.reconcile(`${ns}/bo`);
  assert.equal(rig2.writes().filter((w) => w === 'create pods').length, 1);
});

test('backoffLimit exceeded → FailureTarget and Failed BackoffLimitExceeded, with a Warning event', async () => {
  const { rig, c, job } = await setup('f', { completions: 1, backoffLimit: 1 }, { failed: 1 });
  await rig.seed('pods', podOf(job, 'f-b', { phase: 'Failed' }));
  await c.reconcile(`${ns}/f`);
  const j = rig.job('f');
  assert.deepEqual(conditions(j), [
    'FailureTarget=True:BackoffLimitExceeded',
    'Failed=True:BackoffLimitExceeded',
  ]);
  assert.equal(j.status?.failed, 2);
  assert.equal(j.status?.completionTime, undefined);
  assert.ok(
    (await rig.events()).includes('BackoffLimitExceeded: Job has reached the specified backoff limit'),
  );
  // A finished Job is left alone.
  rig.syncCache('jobs');
  rig.reset();
  await c.reconcile(`${ns}/f`);
  assert.deepEqual(rig.writes(), []);
});

test('activeDeadlineSeconds: active pods are deleted; Failed only once they are gone', async () => {
  const { rig, c, job } = await setup(
    'dl',
    { completions: 2, parallelism: 2, activeDeadlineSeconds: 10 },
    { startTime: timestamp(t0) },
  );
  await rig.seed('pods', podOf(job, 'dl-a', { phase: 'Running' }));
  await c.reconcile(`${ns}/dl`); // creates the second pod
  rig.catchUp('pods');
  rig.catchUp('jobs');
  while (await c.processNext());
  assert.equal(c.queued(), 0);
  rig.clock.advance(10_000);
  assert.equal(c.queued(), 1); // the deadline requeue fired
  rig.reset();
  await c.reconcile(`${ns}/dl`);
  assert.equal(rig.writes().filter((w) => w.startsWith('delete pods/dl-')).length, 2);
  let j = rig.job('dl');
  assert.deepEqual(conditions(j), ['FailureTarget=True:DeadlineExceeded']);
  assert.equal(j.status?.failed, 2); // the killed pods count as failed
  assert.equal(j.status?.terminating, 2);
  // Next sync: the pods are gone → Failed.
  rig.catchUp('jobs');
  rig.catchUp('pods');
  await c.reconcile(`${ns}/dl`);
  j = rig.job('dl');
  assert.deepEqual(conditions(j), ['FailureTarget=True:DeadlineExceeded', 'Failed=True:DeadlineExceeded']);
  assert.ok((await rig.events()).includes('DeadlineExceeded: Job was active longer than specified deadline'));
});

test('suspend deletes active pods without counting them; resume resets startTime', async () => {
  const { rig, c, job } = await setup(
    'sp',
    { completions: 2, parallelism: 2, suspend: true },
    { startTime: timestamp(t0 - 60_000) },
  );
  await rig.seed('pods', podOf(job, 'sp-a', { phase: 'Running' }));
  await c.reconcile(`${ns}/sp`);
  assert.deepEqual(
    rig.writes().filter((w) => w.includes('pods')),
    ['patch pods/sp-a', 'delete pods/sp-a'],
  );
  let j = rig.job('sp');
  assert.deepEqual(conditions(j), ['Suspended=True:JobSuspended']);
  assert.equal(j.status?.active, 0);
  assert.equal(j.status?.failed ?? 0, 0);
  assert.ok((await rig.events()).includes('Suspended: Job suspended'));

  // Resume.
  rig.catchUp('pods');
  const resumed = structuredClone(rig.job('sp'));
  resumed.spec.suspend = false;
  await rig.client.resource<Job>('batch', 'v1', 'jobs').update(ns, resumed);
  rig.catchUp('jobs');
  rig.clock.advance(30_000);
  rig.reset();
  await c.reconcile(`${ns}/sp`);
  j = rig.job('sp');
  assert.deepEqual(conditions(j), ['Suspended=False:JobResumed']);
  assert.equal(j.status?.startTime, timestamp(t0 + 30_000));
  assert.equal(rig.writes().filter((w) => w === 'create pods').length, 2);
  assert.ok((await rig.events()).includes('Resumed: Job resumed'));
});

test('a Job created suspended gets no startTime and no pods', async () => {
  const { rig, c } = await setup('sp', { suspend: true });
  await c.reconcile(`${ns}/sp`);
  const j = rig.job('sp');
  assert.equal(j.status?.startTime, undefined);
  assert.equal(rig.pods().length, 0);
  assert.deepEqual(conditions(j), ['Suspended=True:JobSuspended']);
});

test('podFailurePolicy FailJob fails the Job with reason PodFailurePolicy', async () => {
  const { rig, c, job } = await setup('pf', {
    completions: 2,
    parallelism: 2,
    podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
  });
  await rig.seed('pods', podOf(job, 'pf-a', { phase: 'Failed', exitCode: 42 }));
  await rig.seed('pods', podOf(job, 'pf-b', { phase: 'Running' }));
  await c.reconcile(`${ns}/pf`);
  const j = rig.job('pf');
  assert.deepEqual(conditions(j), ['FailureTarget=True:PodFailurePolicy']);
  assert.equal(
    j.status?.conditions?.[0]?.message,
    'Container main for pod default/pf-a failed with exit code 42 matching FailJob rule at index 0',
  );
  assert.ok(rig.writes().includes('delete pods/pf-b'));
});

test('podFailurePolicy Ignore: the failure neither counts nor delays', async () => {
  const { rig, c, job } = await setup('pi', {
    backoffLimit: 0,
    podFailurePolicy: {
      rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
    },
  });
  await rig.seed(
    'pods',
    podOf(job, 'pi-a', { phase: 'Failed', conditions: [{ type: 'DisruptionTarget', status: 'True' }] }),
  );
  await c.reconcile(`${ns}/pi`);
  const j = rig.job('pi');
  assert.deepEqual(conditions(j), []);
  assert.equal(j.status?.failed ?? 0, 0);
  assert.equal(rig.writes().filter((w) => w === 'create pods').length, 1);
});

test('backoffLimitPerIndex: an index out of retries is recorded in failedIndexes; the Job fails at the end', async () => {
  const { rig, c, job } = await setup('pix', {
    completions: 2,
    parallelism: 2,
    completionMode: 'Indexed',
    backoffLimitPerIndex: 0,
    backoffLimit: 2147483647,
  });
  await rig.seed('pods', podOf(job, 'pix-0', { phase: 'Failed', index: 0 }));
  await rig.seed('pods', podOf(job, 'pix-1', { phase: 'Running', index: 1 }));
  await c.reconcile(`${ns}/pix`);
  let j = rig.job('pix');
  assert.equal(j.status?.failedIndexes, '0');
  assert.equal(rig.writes().filter((w) => w === 'create pods').length, 0); // index 0 is not retried
  rig.syncCache('jobs');
  rig.syncCache('pods');
  const done = podOf(job, 'pix-1', { phase: 'Succeeded', index: 1 });
  const cur = rig.pods().find((p) => p.metadata.name === 'pix-1')!;
  done.metadata = cur.metadata;
  await rig.client.resource<Pod>('', 'v1', 'pods').updateStatus(ns, done);
  rig.syncCache('pods');
  await c.reconcile(`${ns}/pix`);
  j = rig.job('pix');
  assert.ok(conditions(j).includes('Failed=True:FailedIndexes'), conditions(j).join());
  assert.equal(j.status?.completedIndexes, '1');
});

test('orphan pods keep no tracking finalizer once their Job is gone', async () => {
  const { rig, c, job } = await setup('gone');
  const pod = await rig.seed('pods', podOf(job, 'gone-a', { phase: 'Succeeded' }));
  await rig.client.resource('batch', 'v1', 'jobs').delete(ns, 'gone');
  rig.syncCache('jobs');
  rig.event('pods', 'MODIFIED', { ...pod, metadata: { ...pod.metadata, resourceVersion: '999' } });
  assert.equal(c.queuedOrphans(), 1);
  await c.reconcileOrphanPod(`${ns}/gone-a`);
  assert.equal(rig.pods()[0]?.metadata.finalizers, undefined);
});

test('pods of a live Job are not treated as orphans', async () => {
  const { rig, c, job } = await setup('live');
  await rig.seed('pods', podOf(job, 'live-a', { phase: 'Running' }));
  await c.reconcileOrphanPod(`${ns}/live-a`);
  assert.deepEqual(rig.pods()[0]?.metadata.finalizers, [jobTrackingFinalizer]);
});

test('a Job managed by another controller is left alone', async () => {
  const { rig, c } = await setup('ext', { managedBy: 'example.com/other' });
  await c.reconcile(`${ns}/ext`);
  assert.deepEqual(rig.writes(), []);
});
