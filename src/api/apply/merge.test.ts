import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Definitions } from '../schema/types.ts';
import { mergeApplied, removeFields } from './merge.ts';
import { small } from './test-schema.ts';

const none: Definitions = {};

test('mergeApplied merges by shape and leaves its inputs alone', () => {
  const cases: { name: string; live: unknown; config: unknown; want: unknown }[] = [
    {
      name: 'map keys merge',
      live: { labels: { a: '1' } },
      config: { labels: { b: '2' } },
      want: { labels: { a: '1', b: '2' } },
    },
    {
      name: 'null removes a key',
      live: { labels: { a: '1' }, name: 'x' },
      config: { name: null },
      want: { labels: { a: '1' } },
    },
    {
      name: 'atomic struct replaced',
      live: { selector: { app: 'a' } },
      config: { selector: {} },
      want: { selector: {} },
    },
    {
      name: 'atomic list replaced',
      live: { args: ['a', 'b'] },
      config: { args: ['c'] },
      want: { args: ['c'] },
    },
    {
      name: 'set list: union',
      live: { finalizers: ['a', 'b'] },
      config: { finalizers: ['c', 'a'] },
      want: { finalizers: ['c', 'a', 'b'] },
    },
    {
      name: 'map list: merged by key in the config order, live-only kept near its neighbours',
      live: {
        items: [
          { name: 'a', value: '1' },
          { name: 'keep', value: 'k' },
          { name: 'b', value: '2' },
        ],
      },
      config: { items: [{ name: 'b', value: '3' }, { name: 'a' }, { name: 'new' }] },
      want: {
        items: [
          { name: 'keep', value: 'k' },
          { name: 'b', value: '3' },
          { name: 'a', value: '1' },
          { name: 'new' },
        ],
      },
    },
    {
      name: 'ports without protocol match the live TCP port',
      live: { ports: [{ port: 80, protocol: 'TCP' }] },
      config: { ports: [{ port: 80 }] },
      want: { ports: [{ port: 80, protocol: 'TCP' }] },
    },
    {
      name: 'untyped recurses',
      live: { free: { a: 1, b: { c: 2 } } },
      config: { free: { b: { d: 3 } } },
      want: { free: { a: 1, b: { c: 2, d: 3 } } },
    },
  ];
  for (const c of cases) {
    const before = JSON.stringify(c.live);
    assert.deepEqual(mergeApplied(c.live, c.config, small, none), c.want, c.name);
    assert.equal(JSON.stringify(c.live), before, `${c.name}: live unchanged`);
  }
});

test('removeFields drops members, but not parts someone else keeps', () => {
  const obj = {
    name: 'x',
    labels: { a: '1', b: '2' },
    finalizers: ['f1', 'f2'],
    items: [
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ],
  };
  removeFields(
    obj,
    {
      'f:name': {},
      'f:labels': { 'f:a': {} },
      'f:finalizers': { 'v:"f1"': {} },
      'f:items': {
        'k:{"name":"a"}': { '.': {}, 'f:name': {}, 'f:value': {} },
        'k:{"name":"b"}': { '.': {}, 'f:value': {} },
      },
    },
    // Someone else still owns b's name, so only b's value goes.
    { 'f:items': { 'k:{"name":"b"}': { 'f:name': {} } } },
    small,
    none,
  );
  assert.deepEqual(obj, { labels: { b: '2' }, finalizers: ['f2'], items: [{ name: 'b' }] });
  const emptied = { labels: { a: '1' }, finalizers: ['f1'] };
  removeFields(emptied, { 'f:labels': { 'f:a': {} }, 'f:finalizers': { 'v:"f1"': {} } }, {}, small, none);
  assert.deepEqual(emptied, {}, 'emptied lists and maps go');
});
