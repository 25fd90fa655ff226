import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planRollingUpdate, rollingLimits, type RollingNode } from './rolling.ts';
import { dsObj, readyConditions } from './testing.ts';
import type { Pod } from './types.ts';

const now = Date.UTC(2026, 0, 1);

/** A pod on `node`: `new` carries the current hash; `ready` / `notReady` / `deleting` say its state. */
function pod(node: string, rev: 'old' | 'new', state: 'ready' | 'notReady' | 'deleting' = 'ready'): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${node}-${rev}`,
      namespace: 'default',
      labels: { 'controller-revision-hash': rev === 'new' ? 'h2' : 'h1' },
    },
    spec: { nodeName: node },
    status: { phase: 'Running', conditions: state === 'notReady' ? [] : readyConditions(now - 60_000) },
  };
  if (state === 'deleting') p.metadata.deletionTimestamp = new Date(now).toISOString();
  return p;
}

const node = (name: string, ...pods: Pod[]): RollingNode => ({ name, shouldRun: true, pods });
const opts = { hash: 'h2', generation: 99, minReadySeconds: 0, now };

const cases: {
  name: string;
  nodes: RollingNode[];
  maxSurge: number;
  maxUnavailable: number;
  deletes: string[];
  creates: string[];
}[] = [
  {
    name: 'maxUnavailable 1: the first node by name goes first',
    nodes: [node('c', pod('c', 'old')), node('a', pod('a', 'old')), node('b', pod('b', 'old'))],
    maxSurge: 0,
    maxUnavailable: 1,
    deletes: ['a-old'],
    creates: [],
  },
  {
    name: 'maxUnavailable 2 takes two at a time',
    nodes: [node('a', pod('a', 'old')), node('b', pod('b', 'old')), node('c', pod('c', 'old'))],
    maxSurge: 0,
    maxUnavailable: 2,
    deletes: ['a-old', 'b-old'],
    creates: [],
  },
  {
    name: 'a replaced node not yet available uses up the budget',
    nodes: [node('a', pod('a', 'new', 'notReady')), node('b', pod('b', 'old')), node('c', pod('c', 'old'))],
    maxSurge: 0,
    maxUnavailable: 1,
    deletes: [],
    creates: [],
  },
  {
    name: 'an old pod still terminating counts as unavailable',
    nodes: [node('a', pod('a', 'old', 'deleting')), node('b', pod('b', 'old'))],
    maxSurge: 0,
    maxUnavailable: 1,
    deletes: [],
    creates: [],
  },
  {
    name: 'once the updated pod is available the next node follows',
    nodes: [node('a', pod('a', 'new')), node('b', pod('b', 'old')), node('c', pod('c', 'old'))],
    maxSurge: 0,
    maxUnavailable: 1,
    deletes: ['b-old'],
    creates: [],
  },
  {
    name: 'unavailable old pods are replaced at once, beyond the budget',
    nodes: [
      node('a', pod('a', 'old')),
      node('b', pod('b', 'old', 'notReady')),
      node('c', pod('c', 'old', 'notReady')),
    ],
    maxSurge: 0,
    maxUnavailable: 1,
    deletes: ['b-old', 'c-old'],
    creates: [],
  },
  {
    name: 'all updated: nothing to do',
    nodes: [node('a', pod('a', 'new')), node('b', pod('b', 'new'))],
    maxSurge: 0,
    maxUnavailable: 1,
    deletes: [],
    creates: [],
  },
  {
    name: 'maxSurge 1: a new pod beside the old one on the first node, nothing deleted',
    nodes: [node('b', pod('b', 'old')), node('a', pod('a', 'old'))],
    maxSurge: 1,
    maxUnavailable: 0,
    deletes: [],
    creates: ['a'],
  },
  {
    name: 'maxSurge 1: while the surged pod is not available, wait',
    nodes: [node('a', pod('a', 'old'), pod('a', 'new', 'notReady')), node('b', pod('b', 'old'))],
    maxSurge: 1,
    maxUnavailable: 0,
    deletes: [],
    creates: [],
  },
  {
    name: 'maxSurge 1: surged pod available → old one goes and the next node surges',
    nodes: [node('a', pod('a', 'old'), pod('a', 'new')), node('b', pod('b', 'old'))],
    maxSurge: 1,
    maxUnavailable: 0,
    deletes: ['a-old'],
    creates: ['b'],
  },
  {
    name: 'maxSurge 2 surges on two nodes',
    nodes: [node('a', pod('a', 'old')), node('b', pod('b', 'old')), node('c', pod('c', 'old'))],
    maxSurge: 2,
    maxUnavailable: 0,
    deletes: [],
    creates: ['a', 'b'],
  },
  {
    name: 'surge: an unavailable old pod gets its replacement at once',
    nodes: [
      node('a', pod('a', 'old'), pod('a', 'new', 'notReady')),
      node('b', pod('b', 'old', 'notReady')),
      node('c', pod('c', 'old')),
    ],
    maxSurge: 1,
    maxUnavailable: 0,
    deletes: [],
    creates: ['b'],
  },
];

for (const c of cases) {
  test(`rolling update: ${c.name}`, () => {
    const plan = planRollingUpdate(c.nodes, {
      ...opts,
      maxSurge: c.maxSurge,
      maxUnavailable: c.maxUnavailable,
    });
    assert.deepEqual(
      plan.podsToDelete.map((p) => p.metadata.name),
      c.deletes,
    );
    assert.deepEqual(plan.nodesToCreate, c.creates);
  });
}

test('rolling update: minReadySeconds keeps a freshly Ready pod unavailable', () => {
  const fresh = pod('a', 'new');
  fresh.status!.conditions = readyConditions(now - 5_000);
  const plan = planRollingUpdate([node('a', fresh), node('b', pod('b', 'old'))], {
    ...opts,
    minReadySeconds: 10,
    maxSurge: 0,
    maxUnavailable: 1,
  });
  assert.deepEqual(plan.podsToDelete, []);
});

test('rollingLimits: percentages of desired nodes round up; 0/0 becomes unavailable 1', () => {
  const ds = dsObj('d');
  const set = (maxSurge: number | string, maxUnavailable: number | string) => {
    ds.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } };
    return rollingLimits(ds, 10);
  };
  assert.deepEqual(set(0, '25%'), { maxSurge: 0, maxUnavailable: 3 });
  assert.deepEqual(set('10%', 0), { maxSurge: 1, maxUnavailable: 0 });
  assert.deepEqual(set(0, 0), { maxSurge: 0, maxUnavailable: 1 });
  assert.deepEqual(set(2, 0), { maxSurge: 2, maxUnavailable: 0 });
});
