import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.ts';
import { readyConditions, Rig } from '../replicaset/testing.ts';
import type { Pod } from '../replicaset/types.ts';
import { countHealthy, disruptionTimeoutMs, expectedAndDesired, liveDisruptions } from './budget.ts';
import { DisruptionController, type PodDisruptionBudget } from './controller.ts';

const ns = 'default';

test('expected and desired healthy counts follow minAvailable / maxUnavailable', () => {
  const scale = () => 10;
  const cases: [Record<string, number | string>, number, { expected: number; desired: number }][] = [
    [{ minAvailable: 2 }, 4, { expected: 4, desired: 2 }],
    [{ minAvailable: '50%' }, 4, { expected: 10, desired: 5 }],
    [{ minAvailable: '33%' }, 4, { expected: 10, desired: 4 }],
    [{ maxUnavailable: 1 }, 4, { expected: 10, desired: 9 }],
    [{ maxUnavailable: '25%' }, 4, { expected: 10, desired: 7 }],
    [{ maxUnavailable: 20 }, 4, { expected: 10, desired: 0 }],
    [{}, 4, { expected: 4, desired: 0 }],
  ];
  for (const [spec, pods, want] of cases)
    assert.deepEqual(expectedAndDesired(spec, pods, scale), want, JSON.stringify(spec));
});

function pod(name: string, ready: boolean, extra: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: 'web' }, ...extra },
    spec: {},
    status: { phase: 'Running', conditions: ready ? readyConditions(0) : [] },
  } as Pod;
}

test('healthy pods exclude unready, terminating and just-evicted pods; stale evictions expire', () => {
  const now = Date.UTC(2026, 0, 1);
  const at = (ms: number) => new Date(ms).toISOString();
  const pods = [
    pod('a', true),
    pod('b', true),
    pod('c', false),
    pod('d', true, { deletionTimestamp: at(now) }),
    pod('e', true),
  ];
  const { live, nextExpiry } = liveDisruptions(
    { b: at(now - 1000), e: at(now - disruptionTimeoutMs - 1), gone: at(now), d: at(now) },
    pods,
    now,
  );
  assert.deepEqual(Object.keys(live), ['b']);
  assert.equal(nextExpiry, now - 1000 + disruptionTimeoutMs);
  assert.equal(countHealthy(pods, live), 2); // a and e
});

function budget(spec: Record<string, unknown>): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: ns, generation: 1 },
    spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  };
}

async function setup(): Promise<{ rig: Rig; c: DisruptionController }> {
  const rig = new Rig();
  const c = new DisruptionController();
  c.init(rig.ctx);
  return { rig, c };
}

function lastStatus(rig: Rig): PodDisruptionBudget['status'] {
  const w = rig.writeActions().filter((a) => a.resource === 'poddisruptionbudgets');
  assert.equal(w.at(-1)?.subresource, 'status');
  return (w.at(-1)!.body as PodDisruptionBudget).status;
}

test('minAvailable: status counts healthy pods and allows the surplus', async () => {
  const { rig, c } = await setup();
  await rig.seed('poddisruptionbudgets', budget({ minAvailable: 2 }));
  for (const [n, r] of [
    ['a', true],
    ['b', true],
    ['c', true],
    ['d', false],
  ] as const)
    await rig.seed('pods', pod(n, r));
  await rig.seed('pods', { ...pod('other', true), metadata: { name: 'other', namespace: ns, labels: {} } });
  rig.reset();
  await c.reconcile(`${ns}/web`);
  const s = lastStatus(rig)!;
  assert.equal(s.expectedPods, 4);
  assert.equal(s.desiredHealthy, 2);
  assert.equal(s.currentHealthy, 3);
  assert.equal(s.disruptionsAllowed, 1);
  assert.equal(s.observedGeneration, 1);
  assert.deepEqual(
    s.conditions?.map((x) => [x.type, x.status, x.reason]),
    [['DisruptionAllowed', 'True', 'SufficientPods']],
  );
});

test('maxUnavailable uses the Deployment scale behind the pods; no disruption when short', async () => {
  const { rig, c } = await setup();
  const d = await rig.seed('deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns },
    spec: { replicas: 3 },
  } as KubeObject);
  const rs = await rig.seed('replicasets', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-1',
      namespace: ns,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid!, controller: true },
      ],
    },
    spec: { replicas: 3 },
  } as KubeObject);
  const owned = (n: string, ready: boolean): Pod =>
    pod(n, ready, {
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: rs.metadata.uid!, controller: true },
      ],
    });
  await rig.seed('poddisruptionbudgets', budget({ maxUnavailable: 1 }));
  await rig.seed('pods', owned('a', true));
  await rig.seed('pods', owned('b', true));
  await rig.seed('pods', owned('c', false));
  rig.reset();
  await c.reconcile(`${ns}/web`);
  const s = lastStatus(rig)!;
  assert.deepEqual([s.expectedPods, s.desiredHealthy, s.currentHealthy, s.disruptionsAllowed], [3, 2, 2, 0]);
  assert.equal(s.conditions?.[0]?.reason, 'InsufficientPods');
});

test('maxUnavailable over pods without a controller fails safe with an event', async () => {
  const { rig, c } = await setup();
  await rig.seed('poddisruptionbudgets', budget({ maxUnavailable: 1 }));
  await rig.seed('pods', pod('a', true));
  await rig.seed('pods', pod('b', true));
  rig.reset();
  await c.reconcile(`${ns}/web`);
  const s = lastStatus(rig)!;
  assert.equal(s.disruptionsAllowed, 0);
  assert.equal(s.conditions?.[0]?.reason, 'SyncFailed');
  await new Promise((r) => setImmediate(r));
  const events = rig.api.actions.filter((a) => a.resource === 'events' && a.verb === 'create');
  assert.match(JSON.stringify(events.map((e) => e.body)), /CalculateExpectedPodCountFailed/);
});

test('an unchanged status is not written again', async () => {
  const { rig, c } = await setup();
  await rig.seed('poddisruptionbudgets', budget({ minAvailable: 1 }));
  await rig.seed('pods', pod('a', true));
  await c.reconcile(`${ns}/web`);
  rig.syncCache('poddisruptionbudgets');
  rig.reset();
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(rig.writes(), []);
});
