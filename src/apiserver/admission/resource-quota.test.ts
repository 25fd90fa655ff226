import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { builtinRegistry } from '../../api/kinds/index.ts';
import { Api } from '../api.ts';
import { configMap, ctx, newApi, rejectsStatus } from '../test-fixtures.ts';
import { resourceQuotaAdmission } from './resource-quota.ts';

type Obj = Record<string, unknown>;

/** A quota as the controller leaves it: status.hard mirrored, status.used given. */
interface QuotaSeed {
  name: string;
  hard: Record<string, string>;
  used?: Record<string, string>;
  scopes?: string[];
  /** Leave status empty (the controller has not run yet). */
  noStatus?: boolean;
}

async function setup(quotas: QuotaSeed[]) {
  const t = newApi();
  t.api.admission.push(resourceQuotaAdmission(t.api));
  const rqs = t.api.resource('', 'resourcequotas');
  for (const q of quotas) {
    const { obj } = await rqs.create(
      'default',
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: q.name, namespace: 'default' },
        spec: { hard: q.hard, ...(q.scopes ? { scopes: q.scopes } : {}) },
      },
      ctx(),
    );
    if (q.noStatus) continue;
    const used = q.used ?? Object.fromEntries(Object.keys(q.hard).map((k) => [k, '0']));
    await rqs.update('default', q.name, { ...obj, status: { hard: q.hard, used } }, ctx(), 'status');
  }
  const used = async (name: string): Promise<unknown> =>
    ((await rqs.read('default', name)).obj.status as Obj | undefined)?.used;
  return {
    ...t,
    rqs,
    used,
    pods: t.api.resource('', 'pods'),
    pvcs: t.api.resource('', 'persistentvolumeclaims'),
  };
}

function podOf(name: string, resources?: Obj, extra: Obj = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'web', image: 'busybox', ...(resources ? { resources } : {}) }], ...extra },
  };
}
const cpu = (req: string): Obj => ({ requests: { cpu: req } });

test('pods are charged until the quota is full, then refused with Kubernetes wording', async () => {
  const { pods, used, done } = await setup([{ name: 'q', hard: { pods: '2', 'requests.cpu': '1' } }]);
  await pods.create('default', podOf('p1', cpu('200m')), ctx());
  assert.deepEqual(await used('q'), { pods: '1', 'requests.cpu': '200m' });
  await pods.create('default', podOf('p2', cpu('300m')), ctx());
  assert.deepEqual(await used('q'), { pods: '2', 'requests.cpu': '500m' });
  const err = await rejectsStatus(pods.create('default', podOf('p3', cpu('100m')), ctx()), 403, 'Forbidden');
  assert.equal(
    err.message,
    'pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2',
  );
  assert.deepEqual(await used('q'), { pods: '2', 'requests.cpu': '500m' }, 'a refused pod is not charged');
  await done();
});

test('refusals: over a compute limit, missing requests, unknown status', async () => {
  const cases: { name: string; quota: QuotaSeed; pod: KubeObject; error: string }[] = [
    {
      name: 'cpu over the limit',
      quota: {
        name: 'compute',
        hard: { 'requests.cpu': '1', 'limits.cpu': '2' },
        used: { 'requests.cpu': '800m', 'limits.cpu': '1' },
      },
      pod: podOf('p', { requests: { cpu: '500m' }, limits: { cpu: '500m' } }),
      error:
        'pods "p" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=800m, limited: requests.cpu=1',
    },
    {
      name: 'must specify',
      quota: { name: 'compute', hard: { 'requests.cpu': '1', 'limits.cpu': '2', pods: '10' } },
      pod: podOf('p'),
      error:
        'pods "p" is forbidden: failed quota: compute: must specify limits.cpu for: web; requests.cpu for: web',
    },
    {
      name: 'status unknown',
      quota: { name: 'fresh', hard: { pods: '3' }, used: {} },
      pod: podOf('p'),
      error: 'pods "p" is forbidden: status unknown for quota: fresh, resources: pods',
    },
    {
      name: 'extended resources',
      quota: { name: 'gpu', hard: { 'requests.nvidia.com/gpu': '1' } },
      pod: podOf('p', { requests: { 'nvidia.com/gpu': '2' }, limits: { 'nvidia.com/gpu': '2' } }),
      error:
        'pods "p" is forbidden: exceeded quota: gpu, requested: requests.nvidia.com/gpu=2, used: requests.nvidia.com/gpu=0, limited: requests.nvidia.com/gpu=1',
    },
  ];
  for (const tc of cases) {
    const { pods, done } = await setup([tc.quota]);
    try {
      const err = await rejectsStatus(pods.create('default', tc.pod, ctx()), 403, 'Forbidden');
      assert.equal(err.message, tc.error, tc.name);
    } finally {
      await done();
    }
  }
});

test('a quota the controller has not filled in yet does not apply', async () => {
  const { pods, used, done } = await setup([{ name: 'q', hard: { pods: '0' }, noStatus: true }]);
  await pods.create('default', podOf('p1'), ctx());
  assert.equal(await used('q'), undefined);
  await done();
});

test('scopes: a BestEffort quota ignores pods that ask for resources', async () => {
  const { pods, used, done } = await setup([{ name: 'be', hard: { pods: '1' }, scopes: ['BestEffort'] }]);
  await pods.create('default', podOf('burstable', cpu('100m')), ctx());
  assert.deepEqual(await used('be'), { pods: '0' });
  await pods.create('default', podOf('be1'), ctx());
  await rejectsStatus(pods.create('default', podOf('be2'), ctx()), 403, 'Forbidden');
  await done();
});

test('object counts: count/configmaps and the legacy configmaps name', async () => {
  const { api, used, done } = await setup([
    { name: 'objects', hard: { 'count/configmaps': '1', configmaps: '5' } },
  ]);
  const cms = api.resource('', 'configmaps');
  await cms.create('default', configMap('a'), ctx());
  assert.deepEqual(await used('objects'), { configmaps: '1', 'count/configmaps': '1' });
  const err = await rejectsStatus(cms.create('default', configMap('b'), ctx()), 403, 'Forbidden');
  assert.match(
    err.message,
    /exceeded quota: objects, requested: count\/configmaps=1, used: count\/configmaps=1/,
  );
  await done();
});

test('a failed write gives the charge back; dry runs charge nothing', async () => {
  const { pods, used, done } = await setup([{ name: 'q', hard: { pods: '5' } }]);
  await pods.create('default', podOf('p1'), ctx());
  await rejectsStatus(pods.create('default', podOf('p1'), ctx()), 409, 'AlreadyExists');
  assert.deepEqual(await used('q'), { pods: '1' });
  await pods.create('default', podOf('p2'), ctx({ dryRun: true }));
  assert.deepEqual(await used('q'), { pods: '1' });
  await done();
});

test('all applying quotas are charged; a refusal by one refunds the others', async () => {
  const { pods, used, done } = await setup([
    { name: 'a-wide', hard: { pods: '10' } },
    { name: 'b-tight', hard: { pods: '1' } },
  ]);
  await pods.create('default', podOf('p1'), ctx());
  assert.deepEqual([await used('a-wide'), await used('b-tight')], [{ pods: '1' }, { pods: '1' }]);
  const err = await rejectsStatus(pods.create('default', podOf('p2'), ctx()), 403, 'Forbidden');
  assert.match(err.message, /exceeded quota: b-tight/);
  assert.deepEqual(await used('a-wide'), { pods: '1' }, 'the charge to a-wide was refunded');
  await done();
});

test('concurrent creates never overshoot the quota', async () => {
  const { pods, used, done } = await setup([{ name: 'q', hard: { pods: '3' } }]);
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => pods.create('default', podOf(`p${i}`), ctx())),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
  assert.deepEqual(await used('q'), { pods: '3' });
  await done();
});

test('two API servers on one store: compare-and-swap keeps the count exact', async () => {
  const { store, pods, used, done } = await setup([{ name: 'q', hard: { pods: '4' } }]);
  const other = new Api(builtinRegistry(), store, () => {});
  other.admission.push(resourceQuotaAdmission(other));
  const otherPods = other.resource('', 'pods');
  const results = await Promise.allSettled(
    Array.from({ length: 12 }, (_, i) => (i % 2 ? pods : otherPods).create('default', podOf(`p${i}`), ctx())),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 4);
  assert.deepEqual(await used('q'), { pods: '4' });
  other.stop();
  await done();
});

test('updates that grow usage are charged: claim resize', async () => {
  const { pvcs, used, done } = await setup([{ name: 'storage', hard: { 'requests.storage': '10Gi' } }]);
  const claim = (storage: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, volumeName: 'pv1' },
  });
  const { obj } = await pvcs.create('default', claim('4Gi'), ctx());
  assert.deepEqual(await used('storage'), { 'requests.storage': '4Gi' });
  const grown = { ...claim('8Gi'), metadata: obj.metadata };
  await pvcs.update('default', 'data', grown, ctx());
  assert.deepEqual(await used('storage'), { 'requests.storage': '8Gi' });
  const latest = await pvcs.get('default', 'data');
  const err = await rejectsStatus(
    pvcs.update('default', 'data', { ...claim('12Gi'), metadata: latest.metadata }, ctx()),
    403,
    'Forbidden',
  );
  assert.match(
    err.message,
    /requested: requests.storage=4Gi, used: requests.storage=8Gi, limited: requests.storage=10Gi/,
  );
  await done();
});
