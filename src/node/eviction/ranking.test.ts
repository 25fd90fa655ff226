import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../pods/types.ts';
import { evictable, podRequest, rankForEviction, type Candidate } from './ranking.ts';

const Mi = 1024 * 1024;

function pod(
  name: string,
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> },
  extra: Partial<Pod> & { priority?: number } = {},
): Pod {
  const { priority, ...rest } = extra;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: {
      ...(priority !== undefined ? { priority } : {}),
      containers: [{ name: 'main', image: 'busybox', ...(resources ? { resources } : {}) }],
    } as Pod['spec'],
    status: { phase: 'Running' },
    ...rest,
  };
}

const guaranteed = (mem: string) => ({
  requests: { cpu: '100m', memory: mem },
  limits: { cpu: '100m', memory: mem },
});
const names = (c: Candidate[]) => c.map((x) => x.pod.metadata.name);

test('memory ranking: over requests first, then lower priority, then larger usage above requests', () => {
  const cases: { name: string; pods: [Pod, number | undefined][]; want: string[] }[] = [
    {
      name: 'BestEffort, then Burstable over its request, then Guaranteed',
      pods: [
        [pod('guaranteed', guaranteed('64Mi')), 60 * Mi],
        [pod('burstable', { requests: { memory: '64Mi' } }), 70 * Mi],
        [pod('besteffort'), 30 * Mi],
      ],
      want: ['besteffort', 'burstable', 'guaranteed'],
    },
    {
      name: 'within their requests, the pod nearer its request goes first (even a Guaranteed one)',
      pods: [
        [pod('burstable', { requests: { memory: '64Mi' } }), 10 * Mi],
        [pod('guaranteed', guaranteed('64Mi')), 60 * Mi],
      ],
      want: ['guaranteed', 'burstable'],
    },
    {
      name: 'among pods over their requests the larger excess goes first; Guaranteed last',
      pods: [
        [pod('guaranteed', guaranteed('64Mi')), 10 * Mi],
        [pod('burstable', { requests: { memory: '8Mi' } }), 20 * Mi],
        [pod('besteffort'), 1 * Mi],
      ],
      // besteffort exceeds by 1Mi, burstable by 12Mi: both exceed, equal priority → larger excess first.
      want: ['burstable', 'besteffort', 'guaranteed'],
    },
    {
      name: 'a pod within its request goes after every pod over it, whatever the usage',
      pods: [
        [pod('big-within', { requests: { memory: '1Gi' } }), 900 * Mi],
        [pod('small-over'), 1 * Mi],
      ],
      want: ['small-over', 'big-within'],
    },
    {
      name: 'lower priority first among pods over their requests',
      pods: [
        [pod('high', undefined, { priority: 1000 }), 100 * Mi],
        [pod('low', undefined, { priority: -5 }), 1 * Mi],
      ],
      want: ['low', 'high'],
    },
    {
      name: 'no reading counts as no usage',
      pods: [
        [pod('unknown'), undefined],
        [pod('using'), 5 * Mi],
      ],
      want: ['using', 'unknown'],
    },
  ];
  for (const c of cases) {
    const got = rankForEviction(
      c.pods.map(([p, usageBytes]) => ({ pod: p, usageBytes })),
      'memory',
    );
    assert.deepEqual(names(got), c.want, c.name);
  }
});

test('podRequest sums containers and takes the largest init container when larger', () => {
  const p = pod('x', { requests: { memory: '10Mi' } });
  p.spec!.containers!.push({ name: 'b', resources: { requests: { memory: '5Mi' } } });
  assert.equal(podRequest(p, 'memory'), 15 * Mi);
  p.spec!.initContainers = [{ name: 'init', resources: { requests: { memory: '32Mi' } } }];
  assert.equal(podRequest(p, 'memory'), 32 * Mi);
  assert.equal(podRequest(p, 'ephemeral-storage'), 0);
});

test('static pods, critical pods and finished or deleting pods are never evicted', () => {
  const cases: [Pod, boolean][] = [
    [pod('plain'), true],
    [pod('critical', undefined, { priority: 2_000_000_000 }), false],
    [
      pod('static', undefined, {
        metadata: { name: 's', uid: 's', annotations: { 'kubernetes.io/config.source': 'file' } },
      }),
      false,
    ],
    [pod('done', undefined, { status: { phase: 'Succeeded' } }), false],
    [pod('failed', undefined, { status: { phase: 'Failed' } }), false],
    [
      pod('deleting', undefined, {
        metadata: { name: 'd', uid: 'd', deletionTimestamp: '2026-01-01T00:00:00Z' },
      }),
      false,
    ],
  ];
  for (const [p, want] of cases) assert.equal(evictable(p), want, p.metadata.name);
});
