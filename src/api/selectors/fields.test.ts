import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeFieldValue,
  fieldSelectorFields,
  formatFieldSelector,
  matchesFields,
  parseFieldSelector,
  unescapeFieldValue,
} from './fields.ts';

const pod: Record<string, string> = {
  'metadata.name': 'web-1',
  'metadata.namespace': 'default',
  'spec.nodeName': 'node-a',
  'status.phase': 'Running',
  'metadata.annotations.x': 'a,b=c\\d',
};
const get = (f: string): string | undefined => pod[f];

test('parse', () => {
  assert.deepEqual(parseFieldSelector(''), []);
  assert.deepEqual(parseFieldSelector('a=b'), [{ field: 'a', operator: '=', value: 'b' }]);
  assert.deepEqual(parseFieldSelector('a==b'), [{ field: 'a', operator: '==', value: 'b' }]);
  assert.deepEqual(parseFieldSelector('a!=b'), [{ field: 'a', operator: '!=', value: 'b' }]);
  assert.deepEqual(parseFieldSelector('a='), [{ field: 'a', operator: '=', value: '' }]);
  assert.deepEqual(parseFieldSelector('a=b,,c!=d'), [
    { field: 'a', operator: '=', value: 'b' },
    { field: 'c', operator: '!=', value: 'd' },
  ]);
  assert.deepEqual(parseFieldSelector('x=a\\,b\\=c\\\\d'), [
    { field: 'x', operator: '=', value: 'a,b=c\\d' },
  ]);
});

test('parse errors', () => {
  const cases: [string, RegExp][] = [
    ['abc', /can't understand 'abc'/],
    ['a=b,c', /can't understand 'c'/],
    ['a=b=c', /unescaped =/],
    ['a=b\\x', /invalid escape sequence/],
    ['a=b\\', /lone backslash/],
  ];
  for (const [sel, re] of cases) assert.throws(() => parseFieldSelector(sel), re, sel);
});

test('match', () => {
  const cases: [string, boolean][] = [
    ['', true],
    ['metadata.name=web-1', true],
    ['metadata.name==web-1', true],
    ['metadata.name=web-2', false],
    ['metadata.name!=web-2', true],
    ['spec.nodeName=node-a,status.phase=Running', true],
    ['spec.nodeName=node-a,status.phase!=Running', false],
    ['spec.unknown=', true],
    ['spec.unknown!=', false],
    ['spec.unknown=x', false],
    [`metadata.annotations.x=${escapeFieldValue('a,b=c\\d')}`, true],
  ];
  for (const [sel, want] of cases) assert.equal(matchesFields(parseFieldSelector(sel), get), want, sel);
});

test('fields used and format', () => {
  const reqs = parseFieldSelector('spec.nodeName=a,metadata.name!=b,spec.nodeName!=c');
  assert.deepEqual(fieldSelectorFields(reqs), ['spec.nodeName', 'metadata.name']);
  assert.equal(formatFieldSelector(parseFieldSelector('a=x\\,y')), 'a=x\\,y');
  assert.equal(unescapeFieldValue(escapeFieldValue('=,\\')), '=,\\');
});
