import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { checkModule } from '../networking/check-module.ts';
import { module } from './index.ts';
import { priorityClass } from './priorityclass.ts';

const CREATED = '2024-05-01T10:00:00Z';

function pc(name: string, value: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name, creationTimestamp: CREATED },
    value,
    ...extra,
  };
}

test('scheduling: module refs resolve; pc short name', () => {
  assert.deepEqual(checkModule(module), []);
  assert.deepEqual(
    [priorityClass.resource, priorityClass.shortNames, priorityClass.namespaced],
    ['priorityclasses', ['pc'], false],
  );
});

test('priorityclass: preemptionPolicy defaults to PreemptLowerPriority', () => {
  const o = pc('high', 1000);
  priorityClass.strategy.defaults?.(o);
  assert.deepEqual(o, { ...pc('high', 1000), preemptionPolicy: 'PreemptLowerPriority' });
  assert.deepEqual(priorityClass.strategy.validate?.(o), []);
});

test('priorityclass: reserved names and values', () => {
  const cases: [KubeObject, string[]][] = [
    [pc('system-node-critical', 2000001000), []],
    [pc('system-cluster-critical', 2000000000), []],
    [pc('system-mine', 10), ['metadata.name']],
    [pc('system-node-critical', 5), ['metadata.name']],
    [pc('system-cluster-critical', 2000000000, { globalDefault: true }), ['metadata.name']],
    [pc('huge', 1000000001), ['value']],
    [pc('odd', 1, { preemptionPolicy: 'Sometimes' }), ['preemptionPolicy']],
  ];
  for (const [o, fields] of cases) {
    assert.deepEqual(
      priorityClass.strategy.validate?.(o).map((e) => e.field),
      fields,
      o.metadata.name,
    );
  }
});

test('priorityclass: value and preemptionPolicy are immutable', () => {
  const old = pc('high', 1000, { preemptionPolicy: 'PreemptLowerPriority' });
  const o = pc('high', 2000, { preemptionPolicy: 'Never' });
  assert.deepEqual(
    priorityClass.strategy.validateUpdate?.(o, old).map((e) => e.field),
    ['value', 'preemptionPolicy'],
  );
  assert.deepEqual(priorityClass.strategy.validateUpdate?.({ ...old, description: 'new' }, old), []);
});

test('priorityclass: columns VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY', () => {
  const o = pc('high', 1000, { globalDefault: true, preemptionPolicy: 'Never' });
  const now = Date.parse(CREATED) + 12 * 86400_000;
  assert.deepEqual(
    priorityClass.columns?.map((c) => c.name),
    ['Value', 'Global-Default', 'Age', 'PreemptionPolicy'],
  );
  assert.deepEqual(
    priorityClass.columns?.map((c) => c.cell(o, now)),
    [1000, true, '12d', 'Never'],
  );
});
