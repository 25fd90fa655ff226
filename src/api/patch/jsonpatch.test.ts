import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from './jsonpatch.ts';
import { escapePointerToken, parsePointer } from './pointer.ts';

test('operations', () => {
  const cases: [string, unknown, unknown[], unknown][] = [
    ['add member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { foo: 'bar', baz: 'qux' }],
    [
      'add into array',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    ['append with -', { a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }], { a: [1, 2] }],
    ['add at end index', { a: [1] }, [{ op: 'add', path: '/a/1', value: 2 }], { a: [1, 2] }],
    ['add replaces member', { a: 1 }, [{ op: 'add', path: '/a', value: 2 }], { a: 2 }],
    ['add null', { a: 1 }, [{ op: 'add', path: '/b', value: null }], { a: 1, b: null }],
    ['replace root', { a: 1 }, [{ op: 'add', path: '', value: [1] }], [1]],
    ['remove member', { a: 1, b: 2 }, [{ op: 'remove', path: '/a' }], { b: 2 }],
    ['remove element', { a: [1, 2, 3] }, [{ op: 'remove', path: '/a/1' }], { a: [1, 3] }],
    ['replace', { a: { b: 1 } }, [{ op: 'replace', path: '/a/b', value: 'x' }], { a: { b: 'x' } }],
    ['move', { a: { b: 1 }, c: {} }, [{ op: 'move', from: '/a/b', path: '/c/d' }], { a: {}, c: { d: 1 } }],
    ['move in array', { a: [1, 2, 3, 4] }, [{ op: 'move', from: '/a/1', path: '/a/3' }], { a: [1, 3, 4, 2] }],
    ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
    [
      'test passes',
      { a: { x: [1, { y: 2 }] } },
      [{ op: 'test', path: '/a', value: { x: [1, { y: 2 }] } }],
      { a: { x: [1, { y: 2 }] } },
    ],
    [
      'escaped tokens',
      { 'a/b': { 'c~d': 1 } },
      [{ op: 'replace', path: '/a~1b/c~0d', value: 2 }],
      { 'a/b': { 'c~d': 2 } },
    ],
    [
      'kubectl annotate style',
      { metadata: { annotations: { 'kubernetes.io/x': 'a' } } },
      [{ op: 'replace', path: '/metadata/annotations/kubernetes.io~1x', value: 'b' }],
      { metadata: { annotations: { 'kubernetes.io/x': 'b' } } },
    ],
    [
      'rollout undo style',
      { spec: { template: { metadata: { labels: { v: '2' } } } } },
      [{ op: 'replace', path: '/spec/template', value: { metadata: { labels: { v: '1' } } } }],
      { spec: { template: { metadata: { labels: { v: '1' } } } } },
    ],
  ];
  for (const [name, doc, patch, want] of cases) {
    const before = structuredClone(doc);
    assert.deepEqual(applyJsonPatch(doc, patch), want, name);
    assert.deepEqual(doc, before, `${name}: input unchanged`);
  }
});

test('failures name the operation', () => {
  const cases: [unknown, unknown, RegExp][] = [
    [{}, { op: 'add' }, /must be a JSON array/],
    [{}, [{ op: 'remove', path: '/missing' }], /operation 0 \(remove \/missing\): path not found/],
    [{}, [{ op: 'replace', path: '/missing', value: 1 }], /path not found/],
    [{}, [{ op: 'add', path: '/a/b', value: 1 }], /path not found/],
    [{ a: [1] }, [{ op: 'add', path: '/a/5', value: 1 }], /out of bounds/],
    [{ a: [1] }, [{ op: 'add', path: '/a/01', value: 1 }], /not a valid array index/],
    [{ a: [1] }, [{ op: 'remove', path: '/a/-' }], /not a valid array index/],
    [{ a: 1 }, [{ op: 'test', path: '/a', value: 2 }], /test failed/],
    [{ a: 1 }, [{ op: 'add', path: '/b' }], /missing "value"/],
    [{ a: 1 }, [{ op: 'nope', path: '/a' }], /unknown operation "nope"/],
    [{ a: 1 }, [{ op: 'add', path: 'a', value: 1 }], /invalid JSON pointer/],
    [{ a: 1 }, [{ op: 'add', path: '/a~2', value: 1 }], /invalid JSON pointer/],
    [{ a: { b: {} } }, [{ op: 'move', from: '/a', path: '/a/b/c' }], /own children/],
    [{ a: 1 }, [{ op: 'copy', from: '/x', path: '/y' }], /path not found/],
    [
      { a: 1 },
      [
        { op: 'add', path: '/a', value: 1 },
        { op: 'remove', path: '/z' },
      ],
      /operation 1/,
    ],
  ];
  for (const [doc, patch, re] of cases) {
    assert.throws(() => applyJsonPatch(doc, patch), re, JSON.stringify(patch));
  }
});

test('pointer helpers', () => {
  assert.deepEqual(parsePointer(''), []);
  assert.deepEqual(parsePointer('/'), ['']);
  assert.deepEqual(parsePointer('/a~01/b'), ['a~1', 'b']);
  assert.equal(escapePointerToken('a/b~c'), 'a~1b~0c');
});
