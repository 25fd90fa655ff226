import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { SYSTEM_PRIORITY_CLASSES } from '../../api/kinds/scheduling/priorityclass.ts';
import { ctx, newApi, pod, rejectsStatus } from '../test-fixtures.ts';
import { priorityAdmission } from './priority.ts';

function priorityClass(name: string, value: number, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra };
}

async function setup(classes: KubeObject[]) {
  const t = newApi();
  t.api.admission.push(priorityAdmission(t.api));
  const pcs = t.api.resource('scheduling.k8s.io', 'priorityclasses');
  for (const c of SYSTEM_PRIORITY_CLASSES) await pcs.create('', priorityClass(c.name, c.value), ctx());
  for (const c of classes) await pcs.create('', c, ctx());
  return { ...t, pcs, pods: t.api.resource('', 'pods') };
}

function podWith(name: string, spec: Record<string, unknown>): KubeObject {
  const p = pod(name);
  Object.assign(p.spec as object, spec);
  return p;
}

test('pod priority comes from its class, the global default, or 0', async () => {
  const cases: {
    name: string;
    classes: KubeObject[];
    spec: Record<string, unknown>;
    want?: { priority: number; preemptionPolicy: string; priorityClassName?: string };
    error?: RegExp;
  }[] = [
    {
      name: 'no class, no default: 0',
      classes: [],
      spec: {},
      want: { priority: 0, preemptionPolicy: 'PreemptLowerPriority' },
    },
    {
      name: 'built-in class',
      classes: [],
      spec: { priorityClassName: 'system-cluster-critical' },
      want: {
        priority: 2000000000,
        preemptionPolicy: 'PreemptLowerPriority',
        priorityClassName: 'system-cluster-critical',
      },
    },
    {
      name: 'node critical',
      classes: [],
      spec: { priorityClassName: 'system-node-critical' },
      want: {
        priority: 2000001000,
        preemptionPolicy: 'PreemptLowerPriority',
        priorityClassName: 'system-node-critical',
      },
    },
    {
      name: 'a class that never preempts',
      classes: [priorityClass('batch', 10, { preemptionPolicy: 'Never' })],
      spec: { priorityClassName: 'batch' },
      want: { priority: 10, preemptionPolicy: 'Never', priorityClassName: 'batch' },
    },
    {
      name: 'global default fills the class name',
      classes: [priorityClass('normal', 100, { globalDefault: true })],
      spec: {},
      want: { priority: 100, preemptionPolicy: 'PreemptLowerPriority', priorityClassName: 'normal' },
    },
    {
      name: 'matching explicit priority is accepted',
      classes: [priorityClass('high', 1000)],
      spec: { priorityClassName: 'high', priority: 1000 },
      want: { priority: 1000, preemptionPolicy: 'PreemptLowerPriority', priorityClassName: 'high' },
    },
    {
      name: 'unknown class',
      classes: [],
      spec: { priorityClassName: 'nope' },
      error: /^pods "p" is forbidden: no PriorityClass with name nope was found$/,
    },
    {
      name: 'a priority that differs from the class',
      classes: [priorityClass('high', 1000)],
      spec: { priorityClassName: 'high', priority: 5 },
      error:
        /the integer value of priority \(5\) must not be provided in pod spec; priority admission controller computed 1000/,
    },
    {
      name: 'a preemptionPolicy that differs from the class',
      classes: [priorityClass('high', 1000)],
      spec: { priorityClassName: 'high', preemptionPolicy: 'Never' },
      error: /the string value of PreemptionPolicy \(Never\) must not be provided in pod spec/,
    },
  ];
  for (const tc of cases) {
    const { pods, done } = await setup(tc.classes);
    try {
      if (tc.error) {
        const err = await rejectsStatus(
          pods.create('default', podWith('p', tc.spec), ctx()),
          403,
          'Forbidden',
        );
        assert.match(err.message, tc.error, tc.name);
        continue;
      }
      const { obj } = await pods.create('default', podWith('p', tc.spec), ctx());
      const spec = obj.spec as Record<string, unknown>;
      assert.deepEqual(
        {
          priority: spec.priority,
          preemptionPolicy: spec.preemptionPolicy,
          ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
        },
        tc.want,
        tc.name,
      );
    } finally {
      await done();
    }
  }
});

test('only one PriorityClass may be the global default', async () => {
  const { pcs, done } = await setup([priorityClass('normal', 100, { globalDefault: true })]);
  const err = await rejectsStatus(
    pcs.create('', priorityClass('other', 5, { globalDefault: true }), ctx()),
    403,
    'Forbidden',
  );
  assert.equal(
    err.message,
    'priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass normal is marked as default. Only one default can exist',
  );
  // Another class that is not a default is fine, as is re-saving the default itself.
  const { obj: low } = await pcs.create('', priorityClass('low', 1), ctx());
  const normal = await pcs.get('', 'normal');
  await pcs.update('', 'normal', { ...normal, description: 'the default' }, ctx());
  // Marking a second class as default on update is refused too.
  await rejectsStatus(pcs.update('', 'low', { ...low, globalDefault: true }, ctx()), 403, 'Forbidden');
  await done();
});
