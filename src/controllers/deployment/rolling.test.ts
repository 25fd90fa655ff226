import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, ReplicaSet } from '../replicaset/types.ts';
import { canonicalJson, podTemplateHash, safeEncode } from './hash.ts';
import { newReplicaSetReplicas, planOldScaleDown, resolveFenceposts } from './rolling.ts';

test('resolveFenceposts: surge rounds up, unavailable rounds down, both zero becomes 1 unavailable', () => {
  const cases: [number | string | undefined, number | string | undefined, number, number, number][] = [
    ['25%', '25%', 10, 3, 2],
    ['25%', '25%', 1, 1, 0],
    [undefined, undefined, 4, 1, 1],
    [0, 0, 5, 0, 1],
    ['0%', '0%', 3, 0, 1],
    [2, '50%', 3, 2, 1],
    ['100%', 0, 7, 7, 0],
  ];
  for (const [s, u, desired, surge, unavailable] of cases) {
    assert.deepEqual(resolveFenceposts(s, u, desired), { surge, unavailable }, `${s}/${u} of ${desired}`);
  }
});

function dep(replicas: number, maxSurge: number | string, maxUnavailable: number | string): Deployment {
  return {
    metadata: { name: 'd' },
    spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } },
  };
}

function rs(name: string, replicas: number, available: number, createdMin: number): ReplicaSet {
  const ts = new Date(Date.UTC(2026, 0, 1, 0, createdMin)).toISOString();
  return {
    metadata: { name, creationTimestamp: ts },
    spec: { replicas },
    status: { replicas, availableReplicas: available },
  };
}

const steps: {
  name: string;
  d: Deployment;
  old: ReplicaSet[];
  newRS: ReplicaSet;
  grow: number;
  shrink: Record<string, number>;
}[] = [
  {
    name: 'surge 1 / unavail 0: start',
    d: dep(3, 1, 0),
    old: [rs('a', 3, 3, 0)],
    newRS: rs('n', 0, 0, 9),
    grow: 1,
    shrink: {},
  },
  {
    name: 'surge 1 / unavail 0: new pod not yet available',
    d: dep(3, 1, 0),
    old: [rs('a', 3, 3, 0)],
    newRS: rs('n', 1, 0, 9),
    grow: 1,
    shrink: {},
  },
  {
    name: 'surge 1 / unavail 0: new pod available',
    d: dep(3, 1, 0),
    old: [rs('a', 3, 3, 0)],
    newRS: rs('n', 1, 1, 9),
    grow: 1,
    shrink: { a: 2 },
  },
  {
    name: 'surge 0 / unavail 1: old shrinks first',
    d: dep(3, 0, 1),
    old: [rs('a', 3, 3, 0)],
    newRS: rs('n', 0, 0, 9),
    grow: 0,
    shrink: { a: 2 },
  },
  {
    name: 'surge 0 / unavail 1: then new grows',
    d: dep(3, 0, 1),
    old: [rs('a', 2, 2, 0)],
    newRS: rs('n', 0, 0, 9),
    grow: 1,
    shrink: {},
  },
  {
    name: '25%/25% of 4: surge 1, unavail 1',
    d: dep(4, '25%', '25%'),
    old: [rs('a', 4, 4, 0)],
    newRS: rs('n', 1, 0, 9),
    grow: 1,
    shrink: { a: 3 },
  },
  {
    name: '50%/50% of 10',
    d: dep(10, '50%', '50%'),
    old: [rs('a', 10, 10, 0)],
    newRS: rs('n', 0, 0, 9),
    grow: 5,
    shrink: { a: 5 },
  },
  {
    name: 'unhealthy old replicas go first, oldest ReplicaSet first',
    d: dep(4, 1, 1),
    old: [rs('a', 2, 0, 0), rs('b', 3, 3, 1)],
    newRS: rs('n', 0, 0, 9),
    grow: 0,
    shrink: { a: 0 },
  },
  {
    name: 'budget limits scale down to keep minAvailable',
    d: dep(10, 2, 2),
    old: [rs('a', 5, 5, 0), rs('b', 5, 5, 1)],
    newRS: rs('n', 2, 0, 9),
    grow: 2,
    shrink: { a: 3 },
  },
  {
    name: 'new over desired is not grown further',
    d: dep(2, 1, 0),
    old: [],
    newRS: rs('n', 2, 2, 9),
    grow: 2,
    shrink: {},
  },
];

for (const s of steps) {
  test(`rolling update step: ${s.name}`, () => {
    assert.equal(newReplicaSetReplicas(s.d, [...s.old, s.newRS], s.newRS), s.grow, 'new ReplicaSet size');
    assert.deepEqual(
      Object.fromEntries(planOldScaleDown(s.d, s.old, s.newRS)),
      s.shrink,
      'old ReplicaSet sizes',
    );
  });
}

test('pod-template-hash is stable under key order, changes with the template and collisionCount', () => {
  const a = {
    metadata: { labels: { app: 'web', tier: 'x' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
  const b = {
    spec: { containers: [{ image: 'nginx', name: 'c' }] },
    metadata: { labels: { tier: 'x', app: 'web' } },
  };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(podTemplateHash(a), podTemplateHash(b));
  assert.match(podTemplateHash(a), /^[456789bcdf]{1,10}$/);
  assert.notEqual(
    podTemplateHash(a),
    podTemplateHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }),
  );
  assert.notEqual(podTemplateHash(a), podTemplateHash(a, 1));
  assert.notEqual(podTemplateHash(a, 1), podTemplateHash(a, 2));
  // Decimal digits land on 4-9 and b-f, which is why real hashes look like 7c5ddbdf54.
  assert.equal(safeEncode('0123456789'), '456789bcdf');
});
