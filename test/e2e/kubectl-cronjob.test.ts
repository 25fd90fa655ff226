/**
 * CronJobs end to end: `berth server` (CronJob and Job controllers, scheduler) with `berth sim`
 * nodes finishing Job pods quickly. The real kubectl creates an every-minute CronJob and, while
 * waiting for the minute boundary, checks the rest: an invalid schedule or time zone is refused
 * naming the field, concurrencyPolicy/timeZone/suspend round-trip, and `kubectl create job
 * --from=cronjob/...` makes a Job from the template. Then the scheduled Job appears with its pod,
 * and status.lastScheduleTime / lastSuccessfulTime follow.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { berthBin, repoRoot } from '../helpers/server.ts';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until `done` holds for its value or `ms` pass; returns the last value. */
async function poll<T>(read: () => Promise<T>, done: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (!done(v) && Date.now() < end) {
    await sleep(500);
    v = await read();
  }
  return v;
}

describe('CronJobs on simulated nodes', { skip: e2eSkip() }, () => {
  const s = useServer();
  let sim: ChildProcess | undefined;
  let simLog = '';

  before(() => {
    sim = spawn(
      berthBin,
      [
        'sim',
        '--kubeconfig',
        s.server.kubeconfig,
        '--nodes',
        '2',
        '--ready-delay',
        '200ms',
        '--job-duration',
        '300ms',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sim.stdout!.on('data', (c: Buffer) => (simLog += c.toString()));
    sim.stderr!.on('data', (c: Buffer) => (simLog += c.toString()));
  });
  after(() => {
    sim?.kill('SIGTERM');
  });

  const jsonpath = (k: KubectlSession, what: string, path: string): Promise<string> =>
    k.ok(['get', ...what.split(' '), '-o', `jsonpath=${path}`]);

  test(
    'an every-minute CronJob fires; validation, --from=cronjob and policies work',
    { timeout: 150_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      // Start first: the first run comes at the next minute boundary, up to 60 s away.
      await k.ok(['create', 'cronjob', 'every', '--image=busybox', '--schedule=* * * * *', '--', 'true']);
      const createdAt = Date.now();

      // An invalid schedule is refused with the field at fault.
      const bad = await k.fails(['create', 'cronjob', 'bad', '--image=busybox', '--schedule=61 * * * *']);
      assert.match(bad, /spec\.schedule: Invalid value: "61 \* \* \* \*"/);
      const every = await k.fails(['create', 'cronjob', 'bad', '--image=busybox', '--schedule=@every 5m']);
      assert.match(every, /spec\.schedule: Invalid value: "@every 5m": @every is not supported/);
      const tz = await k.fails([
        'create',
        'cronjob',
        'bad',
        '--image=busybox',
        '--schedule=CRON_TZ=UTC 0 * * * *',
      ]);
      assert.match(tz, /spec\.schedule: .*cannot use TZ or CRON_TZ in schedule/);

      // concurrencyPolicy, timeZone and suspend round-trip; a bad zone names spec.timeZone.
      const held = (zone: string): string =>
        JSON.stringify({
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'held' },
          spec: {
            schedule: '30 2 * * *',
            timeZone: zone,
            concurrencyPolicy: 'Forbid',
            suspend: true,
            startingDeadlineSeconds: 120,
            jobTemplate: {
              spec: {
                template: {
                  spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] },
                },
              },
            },
          },
        });
      const badZone = await k.fails(['apply', '-f', '-'], { input: held('Mars/Olympus_Mons') });
      assert.match(badZone, /spec\.timeZone: Invalid value: "Mars\/Olympus_Mons": unknown time zone/);
      await k.ok(['apply', '-f', '-'], { input: held('Europe/Berlin') });
      assert.equal(
        await jsonpath(k, 'cronjob held', '{.spec.concurrencyPolicy} {.spec.timeZone} {.spec.suspend}'),
        'Forbid Europe/Berlin true',
      );
      assert.match(
        await k.ok(['get', 'cronjob', 'held']),
        /held\s+30 2 \* \* \*\s+Europe\/Berlin\s+True\s+0\s+<none>/,
      );
      await k.ok(['patch', 'cronjob', 'held', '-p', '{"spec":{"concurrencyPolicy":"Replace"}}']);
      assert.equal(await jsonpath(k, 'cronjob held', '{.spec.concurrencyPolicy}'), 'Replace');

      // kubectl reads the CronJob and creates a Job from its template.
      await k.ok(['create', 'job', 'manual', '--from=cronjob/every']);
      assert.equal(
        await jsonpath(
          k,
          'job manual',
          '{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}',
        ),
        'CronJob/every manual',
      );
      await k.ok(['wait', '--for=condition=complete', 'job/manual', '--timeout=60s']);

      // The scheduled run: a Job named every-<minutes since the epoch>, with a pod.
      const names = await poll(
        async () =>
          (await jsonpath(k, 'jobs', '{range .items[*]}{.metadata.name}{"\\n"}{end}'))
            .split('\n')
            .filter((n) => /^every-\d+$/.test(n)),
        (v) => v.length > 0,
        Math.max(0, createdAt + 75_000 - Date.now()),
      );
      assert.ok(names.length > 0, `no scheduled Job within 75 s; sim log:\n${simLog}`);
      const job = names[0]!;
      const minutes = Number(job.slice('every-'.length));
      assert.ok(
        Math.abs(minutes * 60_000 - createdAt) <= 65_000,
        `${job} is not the first minute after creation`,
      );
      assert.equal(await jsonpath(k, `job ${job}`, '{.metadata.ownerReferences[0].name}'), 'every');
      assert.equal(
        await jsonpath(
          k,
          `job ${job}`,
          '{.metadata.annotations.batch\\.kubernetes\\.io/cronjob-scheduled-timestamp}',
        ),
        new Date(minutes * 60_000).toISOString().replace('.000Z', 'Z'),
      );
      const pods = await poll(
        () => k.ok(['get', 'pods', '-l', `batch.kubernetes.io/job-name=${job}`, '-o', 'name']),
        (v) => v.trim() !== '',
        20_000,
      );
      assert.notEqual(pods.trim(), '', `no pod for ${job}`);

      const lastSchedule = await poll(
        () => jsonpath(k, 'cronjob every', '{.status.lastScheduleTime}'),
        (v) => v !== '',
        10_000,
      );
      assert.ok(Date.parse(lastSchedule) >= minutes * 60_000, lastSchedule);
      // The Job controller finishes the Job; the CronJob notices.
      const lastSuccess = await poll(
        () => jsonpath(k, 'cronjob every', '{.status.lastSuccessfulTime}'),
        (v) => v !== '',
        20_000,
      );
      assert.notEqual(lastSuccess, '', 'lastSuccessfulTime never set');
      assert.match(
        await k.ok(['describe', 'cronjob', 'every']),
        new RegExp(`SuccessfulCreate\\s+.*Created job ${job}`),
      );
    },
  );
});
