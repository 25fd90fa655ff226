import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePatch } from './mergepatch.ts';

test('RFC 7386 examples', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, want] of cases) {
    assert.deepEqual(mergePatch(target, patch), want, JSON.stringify([target, patch]));
  }
});

test('kubectl scale and inputs left alone', () => {
  const deploy = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a' }] } } } };
  const before = structuredClone(deploy);
  const out = mergePatch(deploy, { spec: { replicas: 3 } }) as typeof deploy;
  assert.equal(out.spec.replicas, 3);
  assert.deepEqual(deploy, before);
  // Not shared: changing the result leaves the input alone.
  out.spec.template.spec.containers[0]!.name = 'changed';
  assert.equal(deploy.spec.template.spec.containers[0]!.name, 'a');
});
