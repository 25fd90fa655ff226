import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { configMap, ctx, newApi, pod } from '../test-fixtures.ts';
import { defaultTolerationSeconds } from './default-toleration-seconds.ts';

const notReady = (s: number) => ({
  key: 'node.kubernetes.io/not-ready',
  operator: 'Exists',
  effect: 'NoExecute',
  tolerationSeconds: s,
});
const unreachable = (s: number) => ({
  key: 'node.kubernetes.io/unreachable',
  operator: 'Exists',
  effect: 'NoExecute',
  tolerationSeconds: s,
});

const withTolerations = (name: string, tolerations?: unknown[]): KubeObject => {
  const p = pod(name);
  if (tolerations) (p.spec as Record<string, unknown>).tolerations = tolerations;
  return p;
};

test('pod CREATE gets the default not-ready/unreachable tolerations unless it has its own', async () => {
  const { api, done } = newApi();
  api.admission.push(defaultTolerationSeconds());
  const pods = api.resource('', 'pods');
  const gpu = { key: 'gpu', operator: 'Exists', effect: 'NoSchedule' };
  const cases: { name: string; tolerations?: unknown[]; want: unknown[] }[] = [
    { name: 'none', want: [notReady(300), unreachable(300)] },
    { name: 'other', tolerations: [gpu], want: [gpu, notReady(300), unreachable(300)] },
    {
      name: 'own-not-ready',
      tolerations: [notReady(10)],
      want: [notReady(10), unreachable(300)],
    },
    {
      name: 'own-unreachable-forever',
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }],
      want: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, notReady(300)],
    },
    { name: 'tolerates-everything', tolerations: [{ operator: 'Exists' }], want: [{ operator: 'Exists' }] },
    {
      name: 'noschedule-only',
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }],
      want: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' },
        notReady(300),
        unreachable(300),
      ],
    },
  ];
  for (const c of cases) {
    const { obj } = await pods.create('default', withTolerations(c.name, c.tolerations), ctx());
    assert.deepEqual((obj.spec as { tolerations?: unknown[] }).tolerations, c.want, c.name);
  }
  await done();
});

test('configured seconds; updates and other kinds are left alone', async () => {
  const { api, done } = newApi();
  api.admission.push(defaultTolerationSeconds({ notReadySeconds: 5, unreachableSeconds: 7 }));
  const pods = api.resource('', 'pods');
  const { obj } = await pods.create('default', pod('p'), ctx());
  assert.deepEqual((obj.spec as { tolerations?: unknown[] }).tolerations, [notReady(5), unreachable(7)]);
  const { obj: cm } = await api.resource('', 'configmaps').create('default', configMap('c'), ctx());
  assert.equal(cm.spec, undefined);
  // An update that keeps the (immutable) tolerations goes through unchanged.
  const { obj: updated } = await pods.update('default', 'p', obj, ctx());
  assert.deepEqual((updated.spec as { tolerations?: unknown[] }).tolerations, [notReady(5), unreachable(7)]);
  await done();
});
