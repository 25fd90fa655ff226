import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  age,
  deploymentSummary,
  images,
  namespacePhase,
  nodeIsReady,
  podReady,
  podRestarts,
  podStatus,
  statusColor,
} from './format.ts';
import type { Deployment, Pod } from '../api/types.ts';

const now = Date.parse('2026-01-10T12:00:00Z');
const ago = (s: number): string => new Date(now - s * 1000).toISOString();

test('age', () => {
  const cases: [string | undefined, string][] = [
    [undefined, '-'],
    ['garbage', '-'],
    [ago(0), '0s'],
    [ago(-30), '0s'],
    [ago(45), '45s'],
    [ago(119), '119s'],
    [ago(120), '2m'],
    [ago(60 * 119), '119m'],
    [ago(3600 * 5), '5h'],
    [ago(3600 * 47), '47h'],
    [ago(86400 * 3), '3d'],
  ];
  for (const [ts, want] of cases) assert.equal(age(ts, now), want, String(ts));
});

const pod = (status: Pod['status'], extra: Partial<Pod['metadata']> = {}): Pod => ({
  metadata: { name: 'p', namespace: 'd', ...extra },
  spec: {
    containers: [
      { name: 'a', image: 'nginx:1' },
      { name: 'b', image: 'busybox' },
    ],
  },
  status,
});

test('podStatus', () => {
  const cases: [string, Pod, string][] = [
    ['no status yet', pod(undefined), 'Pending'],
    ['phase', pod({ phase: 'Running' }), 'Running'],
    ['deleting', pod({ phase: 'Running' }, { deletionTimestamp: ago(1) }), 'Terminating'],
    ['pod reason', pod({ phase: 'Failed', reason: 'Evicted' }), 'Evicted'],
    [
      'waiting reason',
      pod({
        phase: 'Pending',
        containerStatuses: [{ name: 'a', state: { waiting: { reason: 'ContainerCreating' } } }],
      }),
      'ContainerCreating',
    ],
    [
      'crash loop',
      pod({
        phase: 'Running',
        containerStatuses: [{ name: 'a', state: { waiting: { reason: 'CrashLoopBackOff' } } }],
      }),
      'CrashLoopBackOff',
    ],
    [
      'terminated with reason',
      pod({
        phase: 'Failed',
        containerStatuses: [{ name: 'a', state: { terminated: { reason: 'Error', exitCode: 1 } } }],
      }),
      'Error',
    ],
    [
      'terminated without reason',
      pod({ phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 137 } } }] }),
      'ExitCode:137',
    ],
    [
      'init container waiting',
      pod({
        phase: 'Pending',
        initContainerStatuses: [{ name: 'i', state: { waiting: { reason: 'PodInitializing' } } }],
      }),
      'Init:PodInitializing',
    ],
    [
      'finished init container is not shown',
      pod({
        phase: 'Running',
        initContainerStatuses: [{ name: 'i', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      }),
      'Running',
    ],
  ];
  for (const [name, p, want] of cases) assert.equal(podStatus(p), want, name);
});

test('podReady and podRestarts', () => {
  const p = pod({
    phase: 'Running',
    containerStatuses: [
      { name: 'a', ready: true, restartCount: 2 },
      { name: 'b', ready: false, restartCount: 1 },
    ],
  });
  assert.equal(podReady(p), '1/2');
  assert.equal(podRestarts(p), 3);
  assert.equal(podReady(pod(undefined)), '0/2');
  assert.equal(podRestarts(pod(undefined)), 0);
});

test('deploymentSummary', () => {
  const d = (
    spec: Deployment['spec'],
    status: Deployment['status'],
    meta: Partial<Deployment['metadata']> = {},
  ): Deployment => ({
    metadata: { name: 'web', namespace: 'shop', ...meta },
    spec,
    status,
  });
  const cases: [string, Deployment, Partial<ReturnType<typeof deploymentSummary>>][] = [
    ['new, no status', d({ replicas: 3 }, undefined), { desired: 3, ready: 0, state: 'Progressing' }],
    ['default replicas is 1', d({}, undefined), { desired: 1 }],
    [
      'all available',
      d({ replicas: 2 }, { replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 }),
      { ready: 2, state: 'Available' },
    ],
    [
      'scaling up',
      d({ replicas: 4 }, { replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 }),
      { state: 'Progressing' },
    ],
    ['scaled to zero', d({ replicas: 0 }, { replicas: 0 }), { state: 'Scaled to zero' }],
    ['paused', d({ replicas: 1, paused: true }, {}), { state: 'Paused' }],
    [
      'deadline exceeded',
      d(
        { replicas: 1 },
        { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] },
      ),
      { state: 'Failed' },
    ],
    ['deleting', d({ replicas: 1 }, {}, { deletionTimestamp: ago(1) }), { state: 'Terminating' }],
  ];
  for (const [name, dep, want] of cases) {
    const got = deploymentSummary(dep);
    for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof typeof got], v, `${name}: ${k}`);
  }
});

test('images of pods and of pod templates', () => {
  assert.deepEqual(images(pod(undefined)), ['nginx:1', 'busybox']);
  const dep: Deployment = {
    metadata: { name: 'x' },
    spec: { template: { spec: { containers: [{ name: 'a', image: 'redis:7' }, { name: 'b' }] } } },
  };
  assert.deepEqual(images(dep), ['redis:7']);
  assert.deepEqual(images({ metadata: { name: 'cm' } }), []);
});

test('nodeIsReady, namespacePhase, statusColor', () => {
  assert.equal(
    nodeIsReady({ metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }),
    true,
  );
  assert.equal(
    nodeIsReady({ metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }),
    false,
  );
  assert.equal(nodeIsReady({ metadata: { name: 'n' } }), false);
  assert.equal(namespacePhase({ metadata: { name: 'a' }, status: { phase: 'Terminating' } }), 'Terminating');
  assert.equal(namespacePhase({ metadata: { name: 'a', deletionTimestamp: ago(1) } }), 'Terminating');
  assert.equal(namespacePhase({ metadata: { name: 'a' } }), 'Active');
  assert.equal(statusColor('Running'), 'success');
  assert.equal(statusColor('CrashLoopBackOff'), 'error');
  assert.equal(statusColor('Terminating'), 'warning');
  assert.equal(statusColor('ContainerCreating'), 'processing');
  assert.equal(statusColor('Whatever'), 'default');
});
