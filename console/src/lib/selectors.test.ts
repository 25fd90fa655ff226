import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlledBy, selectorString } from './selectors.ts';

test('selectorString', () => {
  const cases: [Parameters<typeof selectorString>[0], string | undefined][] = [
    [undefined, undefined],
    [{}, ''],
    [{ matchLabels: { app: 'web', tier: 'fe' } }, 'app=web,tier=fe'],
    [
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'x', operator: 'NotIn', values: ['1'] },
          { key: 'has', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      },
      'app=web,env in (dev,prod),x notin (1),has,!legacy',
    ],
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, undefined],
  ];
  for (const [sel, want] of cases) assert.equal(selectorString(sel), want, JSON.stringify(sel));
});

test('controlledBy', () => {
  const obj = (refs: { uid: string; controller?: boolean }[]) => ({
    metadata: { name: 'x', ownerReferences: refs.map((r) => ({ kind: 'ReplicaSet', name: 'rs', ...r })) },
  });
  assert.equal(controlledBy(obj([{ uid: 'u1', controller: true }]), 'u1'), true);
  assert.equal(controlledBy(obj([{ uid: 'u1' }]), 'u1'), false);
  assert.equal(controlledBy(obj([{ uid: 'u2', controller: true }]), 'u1'), false);
  assert.equal(controlledBy(obj([{ uid: 'u1', controller: true }]), undefined), false);
});
