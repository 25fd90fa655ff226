import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob } from '../api/workload-types.ts';
import { manualJob, manualJobName, randomSuffix, suspendPatch } from './cronjob.ts';

const cron: CronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'backup', namespace: 'ops', uid: 'cj-uid', resourceVersion: '42', labels: { team: 'a' } },
  spec: {
    schedule: '0 3 * * *',
    jobTemplate: {
      metadata: { labels: { app: 'backup' }, annotations: { note: 'nightly' } },
      spec: { backoffLimit: 2, template: { spec: { containers: [{ name: 'b', image: 'busybox' }] } } },
    },
  },
};

test('manualJob builds the Job kubectl create job --from would', () => {
  const job = manualJob(cron, 'backup-manual-abcde');
  assert.deepEqual(job, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'backup-manual-abcde',
      namespace: 'ops',
      labels: { app: 'backup' },
      annotations: { note: 'nightly', 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'CronJob', name: 'backup', uid: 'cj-uid', controller: true },
      ],
    },
    spec: { backoffLimit: 2, template: { spec: { containers: [{ name: 'b', image: 'busybox' }] } } },
  });
  // A copy: changing the Job leaves the CronJob alone.
  (job.spec!.template!.spec!.containers![0] as { image: string }).image = 'other';
  assert.equal(cron.spec!.jobTemplate!.spec!.template!.spec!.containers![0].image, 'busybox');
});

test('manualJob without template metadata', () => {
  const job = manualJob({ metadata: { name: 'x', namespace: 'n', uid: 'u' }, spec: {} }, 'x-1');
  assert.equal(job.metadata.labels, undefined);
  assert.deepEqual(job.metadata.annotations, { 'cronjob.kubernetes.io/instantiate': 'manual' });
  assert.deepEqual(job.spec, {});
});

test('manualJobName stays a valid label value', () => {
  assert.equal(manualJobName('backup', 'abcde'), 'backup-manual-abcde');
  const long = manualJobName(`${'a'.repeat(49)}-${'b'.repeat(20)}`, 'abcde');
  assert.equal(long.length <= 63, true);
  assert.match(long, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  assert.equal(manualJobName(`${'a'.repeat(49)}-bbb`, 'abcde'), `${'a'.repeat(49)}-manual-abcde`);
});

test('randomSuffix and suspendPatch', () => {
  assert.match(randomSuffix(), /^[a-z0-9]{5}$/);
  assert.notEqual(randomSuffix(12), randomSuffix(12));
  assert.deepEqual(suspendPatch(true), { spec: { suspend: true } });
});
