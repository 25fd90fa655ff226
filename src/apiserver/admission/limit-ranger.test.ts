import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { ctx, newApi, rejectsStatus } from '../test-fixtures.ts';
import { limitRanger, limitRangerAnnotation } from './limit-ranger.ts';

type Obj = Record<string, unknown>;

function limitRange(name: string, limits: Obj[]): KubeObject {
  return { apiVersion: 'v1', kind: 'LimitRange', metadata: { name, namespace: 'default' }, spec: { limits } };
}

function podOf(containers: Obj[], initContainers?: Obj[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers, ...(initContainers ? { initContainers } : {}) },
  };
}
const ctr = (name: string, resources?: Obj): Obj => ({
  name,
  image: 'busybox',
  ...(resources ? { resources } : {}),
});

async function setup(ranges: KubeObject[]) {
  const t = newApi();
  t.api.admission.push(limitRanger(t.api));
  const lrs = t.api.resource('', 'limitranges');
  for (const r of ranges) await lrs.create('default', r, ctx());
  return { ...t, pods: t.api.resource('', 'pods'), pvcs: t.api.resource('', 'persistentvolumeclaims') };
}

const resourcesOf = (p: KubeObject, i = 0): unknown =>
  ((p.spec as { containers: Obj[] }).containers[i] ?? {}).resources;

test('Container defaults fill what containers leave out', async () => {
  const cases: {
    name: string;
    limits: Obj[];
    pod: KubeObject;
    want: unknown;
    annotation?: string;
    qos?: string;
  }[] = [
    {
      name: 'default and defaultRequest',
      limits: [
        { type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } },
      ],
      pod: podOf([ctr('web')]),
      // defaultRequest for memory falls back to default memory
      want: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } },
      annotation:
        'LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web',
      qos: 'Burstable',
    },
    {
      name: 'only default: request = limit (Guaranteed)',
      limits: [{ type: 'Container', default: { cpu: '1', memory: '1Gi' } }],
      pod: podOf([ctr('web')]),
      want: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } },
      qos: 'Guaranteed',
    },
    {
      name: 'max stands in for a missing default',
      limits: [{ type: 'Container', max: { cpu: '2' }, min: { cpu: '100m' } }],
      pod: podOf([ctr('web')]),
      want: { limits: { cpu: '2' }, requests: { cpu: '2' } },
    },
    {
      name: 'what the container sets is kept',
      limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }],
      pod: podOf([ctr('web', { requests: { cpu: '200m' }, limits: { cpu: '300m' } })]),
      want: { requests: { cpu: '200m' }, limits: { cpu: '300m' } },
    },
    {
      name: 'a limit alone becomes the request too (pod defaulting)',
      limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }],
      pod: podOf([ctr('web', { limits: { cpu: '300m' } })]),
      want: { requests: { cpu: '300m' }, limits: { cpu: '300m' } },
    },
    {
      name: 'no Container item: nothing set',
      limits: [{ type: 'Pod', max: { cpu: '4' } }],
      pod: podOf([ctr('web', { limits: { cpu: '1' } })]),
      want: { requests: { cpu: '1' }, limits: { cpu: '1' } },
    },
  ];
  for (const tc of cases) {
    const { pods, done } = await setup([limitRange('lr', tc.limits)]);
    try {
      const { obj } = await pods.create('default', tc.pod, ctx());
      assert.deepEqual(resourcesOf(obj), tc.want, tc.name);
      if (tc.annotation)
        assert.equal(obj.metadata.annotations?.[limitRangerAnnotation], tc.annotation, tc.name);
      if (tc.qos) assert.equal((obj.status as Obj).qosClass, tc.qos, tc.name);
    } finally {
      await done();
    }
  }
});

test('init containers get defaults too and are named as such', async () => {
  const { pods, done } = await setup([limitRange('lr', [{ type: 'Container', default: { cpu: '1' } }])]);
  const { obj } = await pods.create('default', podOf([ctr('web')], [ctr('init')]), ctx());
  assert.match(obj.metadata.annotations?.[limitRangerAnnotation] ?? '', /cpu limit for init container init/);
  await done();
});

test('bounds are enforced with Kubernetes wording (403)', async () => {
  const cases: { name: string; limits: Obj[]; pod: KubeObject; error: string }[] = [
    {
      name: 'container limit above max',
      limits: [{ type: 'Container', max: { cpu: '1' } }],
      pod: podOf([ctr('web', { limits: { cpu: '2' } })]),
      error: 'pods "p" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
    },
    {
      name: 'container request below min',
      limits: [{ type: 'Container', min: { memory: '64Mi' } }],
      pod: podOf([ctr('web', { requests: { memory: '32Mi' }, limits: { memory: '64Mi' } })]),
      error: 'pods "p" is forbidden: minimum memory usage per Container is 64Mi, but request is 32Mi',
    },
    {
      name: 'ratio too large',
      limits: [{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }],
      pod: podOf([ctr('web', { requests: { cpu: '100m' }, limits: { cpu: '500m' } })]),
      error:
        'pods "p" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000',
    },
    {
      name: 'pod total above the Pod max; several errors aggregate',
      limits: [{ type: 'Pod', max: { cpu: '1', memory: '1Gi' } }],
      pod: podOf([
        ctr('a', { limits: { cpu: '600m', memory: '1Gi' } }),
        ctr('b', { limits: { cpu: '600m', memory: '1Gi' } }),
      ]),
      error:
        'pods "p" is forbidden: [maximum cpu usage per Pod is 1, but limit is 1200m, maximum memory usage per Pod is 1Gi, but limit is 2Gi]',
    },
    {
      name: 'a Pod max needs a limit',
      limits: [{ type: 'Pod', max: { cpu: '1' } }],
      pod: podOf([ctr('a')]),
      error: 'pods "p" is forbidden: maximum cpu usage per Pod is 1.  No limit is specified',
    },
  ];
  for (const tc of cases) {
    const { pods, done } = await setup([limitRange('lr', tc.limits)]);
    try {
      const err = await rejectsStatus(pods.create('default', tc.pod, ctx()), 403, 'Forbidden');
      assert.equal(err.message, tc.error, tc.name);
    } finally {
      await done();
    }
  }
});

test('a defaulted limit below an explicit request is invalid (422)', async () => {
  const { pods, done } = await setup([limitRange('lr', [{ type: 'Container', default: { cpu: '100m' } }])]);
  const err = await rejectsStatus(
    pods.create('default', podOf([ctr('web', { requests: { cpu: '1' } })]), ctx()),
    422,
    'Invalid',
  );
  assert.match(err.message, /must be less than or equal to cpu limit/);
  await done();
});

test('claims: storage request between min and max', async () => {
  const claim = (name: string, storage: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
  });
  const { pvcs, done } = await setup([
    limitRange('lr', [{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }]),
  ]);
  await pvcs.create('default', claim('ok', '5Gi'), ctx());
  const big = await rejectsStatus(pvcs.create('default', claim('big', '20Gi'), ctx()), 403, 'Forbidden');
  assert.equal(
    big.message,
    'persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi',
  );
  const small = await rejectsStatus(pvcs.create('default', claim('small', '500Mi'), ctx()), 403, 'Forbidden');
  assert.match(small.message, /minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi/);
  await done();
});

test('no LimitRange: pods pass untouched', async () => {
  const { pods, done } = await setup([]);
  const { obj } = await pods.create('default', podOf([ctr('web')]), ctx());
  assert.equal(resourcesOf(obj), undefined);
  assert.equal(obj.metadata.annotations?.[limitRangerAnnotation], undefined);
  await done();
});
