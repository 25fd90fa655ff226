import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cronJobController, type CronJobController } from './controller.ts';
import { CronRig, cronJobObj, jobObj, ns } from './testing.ts';
import type { CronJob, Job } from './types.ts';

/** Minutes since the epoch of 2026-01-01T00:00Z: Job names are `<cronjob>-<minutes>`. */
const M0 = 29453760;

async function setup(
  now: string,
  spec: Partial<CronJob['spec']> = {},
  status: CronJob['status'] = undefined,
  created = '2026-01-01T00:00:00Z',
): Promise<{ rig: CronRig; c: CronJobController; cj: CronJob }> {
  const rig = new CronRig(now);
  const c = cronJobController();
  c.init(rig.ctx);
  const cj = await rig.seed('cronjobs', cronJobObj('backup', spec), (o) => {
    o.metadata.creationTimestamp = created;
    if (status) o.status = status;
  });
  // The fake API stamps creation at the epoch; the tests' cached copy is what the controller reads.
  rig.reset();
  return { rig, c, cj };
}

describe('CronJob controller: reconcile', () => {
  test('creates the Job of the due run, records it, and asks to look again after the next run', async () => {
    const { rig, c } = await setup('2026-01-01T00:05:10Z');
    const r = await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.writes(), ['create jobs', 'update cronjobs/backup/status']);
    const [job] = rig.api.list('jobs') as Job[];
    assert.equal(job.metadata.name, `backup-${M0 + 5}`);
    assert.deepEqual(job.metadata.labels, { team: 'data' });
    assert.deepEqual(job.metadata.annotations, {
      note: 'nightly',
      'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T00:05:00Z',
    });
    const ref = job.metadata.ownerReferences?.[0];
    assert.deepEqual(
      [ref?.kind, ref?.name, ref?.controller, ref?.blockOwnerDeletion],
      ['CronJob', 'backup', true, true],
    );
    assert.deepEqual(job.spec, cronJobObj('x').spec.jobTemplate.spec);
    const status = rig.cronJob('backup').status;
    assert.equal(status?.lastScheduleTime, '2026-01-01T00:05:00Z');
    assert.deepEqual(status?.active, [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        namespace: ns,
        name: `backup-${M0 + 5}`,
        uid: job.metadata.uid,
        resourceVersion: job.metadata.resourceVersion,
      },
    ]);
    // Next run 00:10:00, now 00:05:10: 4 min 50 s, plus the slack.
    assert.deepEqual(r, { requeueAfterMs: 290_000 + 100 });
    assert.deepEqual(await rig.events(), [`Normal SuccessfulCreate: Created job backup-${M0 + 5}`]);
  });

  test('does nothing before the first scheduled time', async () => {
    const { rig, c } = await setup('2026-01-01T00:03:00Z');
    const r = await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.writes(), []);
    assert.deepEqual(r, { requeueAfterMs: 120_100 });
  });

  test('a run already recorded is not started again', async () => {
    const { rig, c } = await setup('2026-01-01T00:07:00Z', {}, { lastScheduleTime: '2026-01-01T00:05:00Z' });
    await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.writes(), []);
  });

  test('writes times in the CronJob time zone into the annotation', async () => {
    const { rig, c } = await setup('2026-01-01T00:05:10Z', { timeZone: 'Europe/Berlin' });
    await c.reconcile(`${ns}/backup`);
    const [job] = rig.api.list('jobs');
    assert.equal(
      job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'],
      '2026-01-01T01:05:00+01:00',
    );
  });

  test('a schedule in a time zone runs at the wall-clock time there', async () => {
    const { rig, c } = await setup(
      '2026-01-01T14:00:30Z',
      { schedule: '0 9 * * *', timeZone: 'America/New_York' },
      undefined,
      '2026-01-01T12:00:00Z',
    );
    const r = await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.jobNames(), [`backup-${M0 + 14 * 60}`]);
    assert.deepEqual(r, { requeueAfterMs: 86_400_000 - 30_000 + 100 });
  });

  test('Forbid: no new Job while one is active', async () => {
    const { rig, c, cj } = await setup('2026-01-01T00:10:05Z', { concurrencyPolicy: 'Forbid' });
    const running = await rig.seed(
      'jobs',
      jobObj(`backup-${M0 + 5}`, cj, { scheduled: '2026-01-01T00:05:00Z' }),
    );
    rig.cache('cronjobs', {
      ...cj,
      metadata: { ...cj.metadata, creationTimestamp: '2026-01-01T00:00:00Z' },
      status: {
        lastScheduleTime: '2026-01-01T00:05:00Z',
        active: [{ kind: 'Job', name: running.metadata.name, uid: running.metadata.uid, namespace: ns }],
      },
    });
    rig.reset();
    const r = await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.writes(), []);
    assert.deepEqual(await rig.events(), [
      'Normal JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid',
    ]);
    assert.deepEqual(r, { requeueAfterMs: 295_100 });
  });

  test('Forbid: the skipped run starts once the active Job finishes (within the deadline)', async () => {
    const { rig, c, cj } = await setup('2026-01-01T00:11:00Z', {
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 120,
    });
    const done = await rig.seed(
      'jobs',
      jobObj(`backup-${M0 + 5}`, cj, { condition: 'Complete', completionTime: '2026-01-01T00:10:50Z' }),
    );
    rig.cache('cronjobs', {
      ...cj,
      metadata: { ...cj.metadata, creationTimestamp: '2026-01-01T00:00:00Z' },
      status: {
        lastScheduleTime: '2026-01-01T00:05:00Z',
        active: [{ kind: 'Job', name: done.metadata.name, uid: done.metadata.uid, namespace: ns }],
      },
    });
    rig.reset();
    await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.jobNames(), [`backup-${M0 + 5}`, `backup-${M0 + 10}`]);
    const status = rig.cronJob('backup').status;
    assert.equal(status?.lastScheduleTime, '2026-01-01T00:10:00Z');
    assert.equal(status?.lastSuccessfulTime, '2026-01-01T00:10:50Z');
    assert.deepEqual(
      status?.active?.map((r) => r.name),
      [`backup-${M0 + 10}`],
    );
    assert.deepEqual(await rig.events(), [
      `Normal SawCompletedJob: Saw completed job: backup-${M0 + 5}, condition: Complete`,
      `Normal SuccessfulCreate: Created job backup-${M0 + 10}`,
    ]);
  });

  test('Replace: deletes the active Job with Background propagation, then creates the new one', async () => {
    const { rig, c, cj } = await setup('2026-01-01T00:10:05Z', { concurrencyPolicy: 'Replace' });
    const running = await rig.seed(
      'jobs',
      jobObj(`backup-${M0 + 5}`, cj, { scheduled: '2026-01-01T00:05:00Z' }),
    );
    rig.cache('cronjobs', {
      ...cj,
      metadata: { ...cj.metadata, creationTimestamp: '2026-01-01T00:00:00Z' },
      status: {
        lastScheduleTime: '2026-01-01T00:05:00Z',
        active: [{ kind: 'Job', name: running.metadata.name, uid: running.metadata.uid, namespace: ns }],
      },
    });
    rig.reset();
    await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.writes(), [
      `delete jobs/backup-${M0 + 5}`,
      'create jobs',
      'update cronjobs/backup/status',
    ]);
    const del = rig.api.writes().find((a) => a.verb === 'delete');
    assert.deepEqual((del?.body as { propagationPolicy?: string }).propagationPolicy, 'Background');
    assert.deepEqual(
      rig.cronJob('backup').status?.active?.map((r) => r.name),
      [`backup-${M0 + 10}`],
    );
    assert.deepEqual(await rig.events(), [
      `Normal SuccessfulDelete: Deleted job backup-${M0 + 5}`,
      `Normal SuccessfulCreate: Created job backup-${M0 + 10}`,
    ]);
  });

  test('Allow: a new Job starts beside the active one', async () => {
    const { rig, c, cj } = await setup('2026-01-01T00:10:05Z');
    const running = await rig.seed(
      'jobs',
      jobObj(`backup-${M0 + 5}`, cj, { scheduled: '2026-01-01T00:05:00Z' }),
    );
    rig.cache('cronjobs', {
      ...cj,
      metadata: { ...cj.metadata, creationTimestamp: '2026-01-01T00:00:00Z' },
      status: {
        lastScheduleTime: '2026-01-01T00:05:00Z',
        active: [{ kind: 'Job', name: running.metadata.name, uid: running.metadata.uid, namespace: ns }],
      },
    });
    await c.reconcile(`${ns}/backup`);
    assert.deepEqual(
      rig.cronJob('backup').status?.active?.map((r) => r.name),
      [`backup-${M0 + 5}`, `backup-${M0 + 10}`],
    );
  });

  test('suspend: no Job, no requeue', async () => {
    const { rig, c } = await setup('2026-01-01T00:05:10Z', { suspend: true });
    const r = await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.writes(), []);
    assert.equal(r, undefined);
  });

  test('startingDeadlineSeconds: a run older than the deadline is skipped, reported once', async () => {
    const { rig, c } = await setup('2026-01-01T00:06:00Z', { startingDeadlineSeconds: 30 });
    const r = await c.reconcile(`${ns}/backup`);
    await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.writes(), []);
    assert.deepEqual(await rig.events(), [
      'Warning MissSchedule: Missed scheduled time to start a job: Thu, 01 Jan 2026 00:05:00 +0000',
    ]);
    assert.deepEqual(r, { requeueAfterMs: 240_100 });
  });

  test('startingDeadlineSeconds: a run inside the deadline still starts late', async () => {
    const { rig, c } = await setup('2026-01-01T00:05:20Z', { startingDeadlineSeconds: 30 });
    await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.jobNames(), [`backup-${M0 + 5}`]);
  });

  test('missed schedules: only the most recent runs; over 100 missed raises a warning', async () => {
    // Created a day ago with a 5-minute schedule: 288 runs were missed.
    const { rig, c } = await setup('2026-01-02T00:02:00Z', {}, undefined, '2026-01-01T00:00:00Z');
    await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.jobNames(), [`backup-${M0 + 24 * 60}`]);
    assert.equal(rig.cronJob('backup').status?.lastScheduleTime, '2026-01-02T00:00:00Z');
    const events = await rig.events();
    assert.ok(
      events.includes(
        'Warning TooManyMissedTimes: too many missed start times: > 100. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
      ),
      events.join('\n'),
    );
  });

  test('missed schedules: a deadline limits what counts as missed', async () => {
    const { rig, c } = await setup('2026-01-02T00:02:00Z', { startingDeadlineSeconds: 600 });
    await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.jobNames(), [`backup-${M0 + 24 * 60}`]);
    assert.deepEqual(await rig.events(), [`Normal SuccessfulCreate: Created job backup-${M0 + 24 * 60}`]);
  });

  test('history limits: the oldest finished Jobs beyond them are deleted', async () => {
    const { rig, c, cj } = await setup(
      '2026-01-01T00:41:00Z',
      { successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 },
      { lastScheduleTime: '2026-01-01T00:40:00Z' },
    );
    const at = (m: number): string => `2026-01-01T00:${String(m).padStart(2, '0')}:00Z`;
    for (const m of [5, 10, 15, 20]) {
      const opts = { condition: 'Complete' as const, startTime: at(m), completionTime: at(m + 1) };
      await rig.seed('jobs', jobObj(`backup-${M0 + m}`, cj, opts));
    }
    for (const m of [25, 30, 35]) {
      const opts = { condition: 'Failed' as const, startTime: at(m) };
      await rig.seed('jobs', jobObj(`backup-${M0 + m}`, cj, opts));
    }
    await rig.seed('jobs', jobObj('unrelated', undefined, { condition: 'Complete', startTime: at(1) }));
    rig.reset();
    await c.reconcile(`${ns}/backup`);
    const deleted = rig.writes().filter((w) => w.startsWith('delete'));
    assert.deepEqual(deleted, [
      `delete jobs/backup-${M0 + 5}`,
      `delete jobs/backup-${M0 + 10}`,
      `delete jobs/backup-${M0 + 25}`,
      `delete jobs/backup-${M0 + 30}`,
    ]);
    assert.equal(rig.cronJob('backup').status?.lastSuccessfulTime, at(21));
  });

  test('an active Job that is gone from the API is dropped (MissingJob); one only missing from the cache is kept', async () => {
    const { rig, c, cj } = await setup('2026-01-01T00:07:00Z', { concurrencyPolicy: 'Forbid' });
    const fresh = await rig.client
      .resource<Job>('batch', 'v1', 'jobs')
      .create(ns, jobObj(`backup-${M0 + 5}`, cj));
    rig.cache('cronjobs', {
      ...cj,
      metadata: { ...cj.metadata, creationTimestamp: '2026-01-01T00:00:00Z' },
      status: {
        lastScheduleTime: '2026-01-01T00:05:00Z',
        active: [
          { kind: 'Job', name: 'backup-gone', uid: 'uid-gone', namespace: ns },
          { kind: 'Job', name: fresh.metadata.name, uid: fresh.metadata.uid, namespace: ns },
        ],
      },
    });
    await c.reconcile(`${ns}/backup`);
    assert.deepEqual(
      rig.cronJob('backup').status?.active?.map((r) => r.name),
      [`backup-${M0 + 5}`],
    );
    assert.deepEqual(await rig.events(), ['Normal MissingJob: Active job went missing: backup-gone']);
  });

  test('a Job created by an earlier attempt (stale cache) is taken over, not duplicated', async () => {
    const { rig, c, cj } = await setup('2026-01-01T00:05:10Z');
    await rig.client.resource<Job>('batch', 'v1', 'jobs').create(ns, jobObj(`backup-${M0 + 5}`, cj));
    rig.reset();
    await c.reconcile(`${ns}/backup`);
    assert.deepEqual(rig.writes(), ['create jobs', 'update cronjobs/backup/status']);
    assert.deepEqual(rig.jobNames(), [`backup-${M0 + 5}`]);
    const status = rig.cronJob('backup').status;
    assert.equal(status?.lastScheduleTime, '2026-01-01T00:05:00Z');
    assert.deepEqual(
      status?.active?.map((r) => r.name),
      [`backup-${M0 + 5}`],
    );
  });

  test('its own unrecorded running Job is put back in active; a manual Job is only reported', async () => {
    const { rig, c, cj } = await setup('2026-01-01T00:07:00Z', { concurrencyPolicy: 'Forbid' });
    await rig.seed('jobs', jobObj(`backup-${M0 + 5}`, cj, { scheduled: '2026-01-01T00:05:00Z' }));
    await rig.seed('jobs', jobObj('backup-manual', cj));
    rig.reset();
    await c.reconcile(`${ns}/backup`);
    const status = rig.cronJob('backup').status;
    assert.deepEqual(
      status?.active?.map((r) => r.name),
      [`backup-${M0 + 5}`],
    );
    assert.equal(status?.lastScheduleTime, '2026-01-01T00:05:00Z');
    assert.deepEqual(rig.writes(), ['update cronjobs/backup/status']);
    assert.deepEqual(await rig.events(), [
      'Warning UnexpectedJob: Saw a job that the controller did not create or forgot: backup-manual',
    ]);
  });

  test('an unparseable schedule (stored before validation) is reported and not requeued', async () => {
    const { rig, c } = await setup('2026-01-01T00:05:10Z', { schedule: '@every 5m' });
    const r = await c.reconcile(`${ns}/backup`);
    assert.equal(r, undefined);
    assert.deepEqual(rig.writes(), []);
    const [e] = await rig.events();
    assert.match(
      e ?? '',
      /^Warning UnparseableSchedule: unparseable schedule: "@every 5m" : @every is not supported/,
    );
  });

  test('a CronJob that is gone needs nothing', async () => {
    const rig = new CronRig('2026-01-01T00:05:10Z');
    const c = cronJobController();
    c.init(rig.ctx);
    assert.equal(await c.reconcile(`${ns}/nope`), undefined);
    assert.deepEqual(rig.writes(), []);
  });
});

describe('CronJob controller: running against the fake API on a fake clock', () => {
  /** Starts the controller with live informers; returns a stop function. */
  async function run(rig: CronRig, c: CronJobController): Promise<() => Promise<void>> {
    await c.start(rig.ctx);
    rig.informers.start();
    await rig.informers.waitForCacheSync();
    return async () => {
      rig.abort.abort();
      await c.stop();
      await rig.informers.shutdown();
    };
  }

  /** Marks a Job Complete in the fake API (what the Job controller would do). */
  async function complete(rig: CronRig, name: string): Promise<void> {
    const jobs = rig.client.resource<Job>('batch', 'v1', 'jobs');
    const job = await jobs.get(ns, name);
    const t = new Date(rig.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    job.status = {
      startTime: t,
      completionTime: t,
      conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: t }],
    };
    await jobs.updateStatus(ns, job);
  }

  test('fires at each scheduled time as the clock moves', async () => {
    const rig = new CronRig('2026-01-01T00:00:00Z');
    await rig.client.resource<CronJob>('batch', 'v1', 'cronjobs').create(ns, cronJobObj('tick'));
    // The fake API stamps creationTimestamp at the epoch; start from a recorded schedule instead.
    const cj = await rig.client.resource<CronJob>('batch', 'v1', 'cronjobs').get(ns, 'tick');
    cj.status = { lastScheduleTime: '2026-01-01T00:00:00Z' };
    await rig.client.resource<CronJob>('batch', 'v1', 'cronjobs').updateStatus(ns, cj);
    const c = cronJobController();
    const stop = await run(rig, c);
    try {
      await rig.clock.advanceAsync(4 * 60_000 + 59_000, 1000);
      assert.deepEqual(rig.jobNames(), []);
      await rig.clock.advanceAsync(2000, 100);
      assert.deepEqual(rig.jobNames(), [`tick-${M0 + 5}`]);
      await rig.clock.advanceAsync(10 * 60_000, 1000);
      assert.deepEqual(
        rig.jobNames().sort(),
        [`tick-${M0 + 10}`, `tick-${M0 + 15}`, `tick-${M0 + 5}`].sort(),
      );
      assert.equal(rig.cronJob('tick').status?.lastScheduleTime, '2026-01-01T00:15:00Z');
      assert.equal(rig.cronJob('tick').status?.active?.length, 3);
    } finally {
      await stop();
    }
  });

  test('Forbid holds runs back until the active Job completes', async () => {
    const rig = new CronRig('2026-01-01T00:00:00Z');
    const cjs = rig.client.resource<CronJob>('batch', 'v1', 'cronjobs');
    await cjs.create(ns, cronJobObj('solo', { schedule: '* * * * *', concurrencyPolicy: 'Forbid' }));
    const cj = await cjs.get(ns, 'solo');
    cj.status = { lastScheduleTime: '2026-01-01T00:00:00Z' };
    await cjs.updateStatus(ns, cj);
    const c = cronJobController();
    const stop = await run(rig, c);
    try {
      await rig.clock.advanceAsync(3 * 60_000 + 30_000, 1000);
      assert.deepEqual(rig.jobNames(), [`solo-${M0 + 1}`]);
      await complete(rig, `solo-${M0 + 1}`);
      await rig.clock.advanceAsync(1000, 100);
      // The run due at 00:03 starts as soon as the active Job is done.
      assert.deepEqual(rig.jobNames().sort(), [`solo-${M0 + 1}`, `solo-${M0 + 3}`].sort());
      const status = rig.cronJob('solo').status;
      assert.deepEqual(
        status?.active?.map((r) => r.name),
        [`solo-${M0 + 3}`],
      );
      assert.ok(status?.lastSuccessfulTime);
      const events = await rig.events();
      assert.ok(
        events.some((e) => e.startsWith('Normal JobAlreadyActive')),
        events.join('\n'),
      );
    } finally {
      await stop();
    }
  });
});
