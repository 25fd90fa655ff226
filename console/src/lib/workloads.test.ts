import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob, DaemonSet, Job, StatefulSet } from '../api/workload-types.ts';
import {
  cronJobSummary,
  daemonSetSummary,
  jobSummary,
  statefulSetSummary,
  workloadStatus,
} from './workloads.ts';

const now = Date.parse('2026-01-10T12:00:00Z');
const ago = (s: number): string => new Date(now - s * 1000).toISOString();
const meta = (extra: object = {}) => ({ name: 'x', ...extra });

test('statefulSetSummary', () => {
  const cases: [StatefulSet, string, number][] = [
    [
      {
        metadata: meta(),
        spec: { replicas: 2 },
        status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2 },
      },
      'Available',
      2,
    ],
    [
      {
        metadata: meta(),
        spec: { replicas: 3 },
        status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2 },
      },
      'Progressing',
      2,
    ],
    [{ metadata: meta(), spec: { replicas: 0 }, status: {} }, 'Scaled to zero', 0],
    [{ metadata: meta({ deletionTimestamp: ago(1) }), spec: { replicas: 1 } }, 'Terminating', 0],
  ];
  for (const [s, state, ready] of cases) {
    const got = statefulSetSummary(s);
    assert.equal(got.state, state);
    assert.equal(got.ready, ready);
  }
});

test('daemonSetSummary', () => {
  const ds = (status: DaemonSet['status']): DaemonSet => ({ metadata: meta(), status });
  assert.equal(
    daemonSetSummary(
      ds({ desiredNumberScheduled: 2, numberReady: 2, updatedNumberScheduled: 2, numberAvailable: 2 }),
    ).state,
    'Available',
  );
  assert.equal(daemonSetSummary(ds({ desiredNumberScheduled: 2, numberReady: 1 })).state, 'Progressing');
  assert.deepEqual(daemonSetSummary(ds(undefined)), {
    desired: 0,
    ready: 0,
    upToDate: 0,
    available: 0,
    state: 'Available',
  });
});

test('jobSummary', () => {
  const cases: [Job, string, string, string][] = [
    [{ metadata: meta(), spec: {}, status: {} }, 'Pending', '0/1', '-'],
    [
      { metadata: meta(), spec: { completions: 3 }, status: { active: 1, succeeded: 1, startTime: ago(90) } },
      'Running',
      '1/3',
      '90s',
    ],
    [
      {
        metadata: meta(),
        spec: {},
        status: {
          succeeded: 1,
          startTime: ago(600),
          completionTime: ago(300),
          conditions: [{ type: 'Complete', status: 'True' }],
        },
      },
      'Complete',
      '1/1',
      '5m',
    ],
    [
      { metadata: meta(), spec: {}, status: { failed: 1, conditions: [{ type: 'Failed', status: 'True' }] } },
      'Failed',
      '0/1',
      '-',
    ],
    [{ metadata: meta(), spec: { suspend: true }, status: {} }, 'Suspended', '0/1', '-'],
  ];
  for (const [j, state, completions, duration] of cases) {
    assert.deepEqual(jobSummary(j, now), { state, completions, duration }, state);
  }
});

test('cronJobSummary', () => {
  const cj = (spec: CronJob['spec'], status?: CronJob['status']): CronJob => ({
    metadata: meta(),
    spec,
    status,
  });
  assert.deepEqual(cronJobSummary(cj({ schedule: '*/5 * * * *' }), now), {
    state: 'Scheduled',
    schedule: '*/5 * * * *',
    active: 0,
    lastSchedule: '-',
  });
  const busy = cronJobSummary(
    cj(
      { schedule: '0 1 * * *', timeZone: 'Europe/Paris' },
      { active: [{ name: 'a' }], lastScheduleTime: ago(30) },
    ),
    now,
  );
  assert.deepEqual(busy, {
    state: 'Active',
    schedule: '0 1 * * * (Europe/Paris)',
    active: 1,
    lastSchedule: '30s',
  });
  assert.equal(
    cronJobSummary(cj({ schedule: '@daily', suspend: true }, { active: [{ name: 'a' }] }), now).state,
    'Suspended',
  );
});

test('workloadStatus dispatches by resource', () => {
  const cases: [Parameters<typeof workloadStatus>[0], object, { state: string; counts: string }][] = [
    [
      'deployments',
      { spec: { replicas: 2 }, status: { replicas: 2, readyReplicas: 1 } },
      { state: 'Progressing', counts: '1/2' },
    ],
    [
      'statefulsets',
      { spec: { replicas: 1 }, status: { replicas: 1, readyReplicas: 1, updatedReplicas: 1 } },
      { state: 'Available', counts: '1/1' },
    ],
    [
      'daemonsets',
      { status: { desiredNumberScheduled: 2, numberReady: 2 } },
      { state: 'Progressing', counts: '2/2' },
    ],
    [
      'jobs',
      {
        spec: { completions: 2 },
        status: { succeeded: 2, conditions: [{ type: 'Complete', status: 'True' }] },
      },
      { state: 'Complete', counts: '2/2' },
    ],
    ['cronjobs', { spec: { schedule: '@hourly', suspend: true } }, { state: 'Suspended', counts: '@hourly' }],
  ];
  for (const [resource, rest, want] of cases) {
    assert.deepEqual(workloadStatus(resource, { metadata: meta(), ...rest }, now), want, resource);
  }
});
