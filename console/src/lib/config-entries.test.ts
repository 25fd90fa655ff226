import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  base64ToBytes,
  bytesToBase64,
  configMapBody,
  dataKeyError,
  entriesFromConfigMap,
  entriesFromSecret,
  entryErrors,
  entryFromFile,
  entrySize,
  mergeFileEntries,
  newEntry,
  objectNameError,
  secretBody,
  textToBase64,
} from './config-entries.ts';

const strip = (rows: { key: string; value: string; binary: boolean }[]) =>
  rows.map(({ key, value, binary }) => ({ key, value, binary }));

test('dataKeyError accepts what the API server accepts', () => {
  for (const k of ['a', 'app.conf', 'A_B-c.9', '.env', 'x'.repeat(253)])
    assert.equal(dataKeyError(k), undefined, k);
  for (const k of ['', '.', '..', '..x', 'a/b', 'a b', 'é', 'x'.repeat(254)])
    assert.notEqual(dataKeyError(k), undefined, k);
});

test('objectNameError', () => {
  for (const n of ['a', 'app-config', 'a.b.c']) assert.equal(objectNameError(n), undefined, n);
  for (const n of ['', 'App', '-a', 'a-', 'a..b', 'a_b']) assert.notEqual(objectNameError(n), undefined, n);
});

test('entryErrors marks invalid keys and the second of two equal keys, at their rows', () => {
  const rows = [newEntry('a', '1'), newEntry('bad key', '2'), newEntry('a', '3'), newEntry('', '4')];
  const errors = entryErrors(rows);
  assert.deepEqual(Object.keys(errors).sort(), [rows[1].id, rows[2].id, rows[3].id].sort());
  assert.match(errors[rows[2].id], /duplicate key "a"/);
  assert.deepEqual(entryErrors([newEntry('a'), newEntry('b')]), {});
});

test('base64 round trips text and bytes', () => {
  assert.equal(textToBase64('héllo'), Buffer.from('héllo').toString('base64'));
  const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
  assert.equal(bytesToBase64(bytes), Buffer.from(bytes).toString('base64'));
  assert.deepEqual(base64ToBytes(bytesToBase64(bytes)), bytes);
  assert.equal(base64ToBytes('not base64!'), undefined);
});

test('entryFromFile: the name is the key; text stays text, binary becomes base64', () => {
  const text = entryFromFile('app.conf', new TextEncoder().encode('port=80\n'));
  assert.deepEqual(strip([text]), [{ key: 'app.conf', value: 'port=80\n', binary: false }]);
  const bin = entryFromFile('logo.png', new Uint8Array([0x89, 0x50, 0xff, 0x00]));
  assert.deepEqual(strip([bin]), [{ key: 'logo.png', value: 'iVD/AA==', binary: true }]);
  assert.equal(entrySize(bin), 4);
  assert.equal(entrySize(text), 8);
});

test('mergeFileEntries replaces a row with the same key and appends new ones', () => {
  const rows = [newEntry('a', 'old'), newEntry('b', 'keep')];
  const merged = mergeFileEntries(rows, [newEntry('a', 'AAE=', true), newEntry('c', 'new')]);
  assert.deepEqual(strip(merged), [
    { key: 'a', value: 'AAE=', binary: true },
    { key: 'b', value: 'keep', binary: false },
    { key: 'c', value: 'new', binary: false },
  ]);
  assert.equal(merged[0].id, rows[0].id);
});

test('ConfigMap rows and body: data and binaryData, base metadata kept for PUT', () => {
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'app', namespace: 'ns', resourceVersion: '42', labels: { a: 'b' } },
    data: { z: 'last', a: 'first' },
    binaryData: { m: 'AAE=' },
  };
  const rows = entriesFromConfigMap(cm);
  assert.deepEqual(strip(rows), [
    { key: 'a', value: 'first', binary: false },
    { key: 'm', value: 'AAE=', binary: true },
    { key: 'z', value: 'last', binary: false },
  ]);
  // Edit: rename a→b, change z, drop m.
  const edited = [
    { ...rows[0], key: 'b' },
    { ...rows[2], value: 'changed' },
  ];
  assert.deepEqual(configMapBody(edited, { name: 'ignored', namespace: 'ignored' }, cm), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: cm.metadata,
    data: { b: 'first', z: 'changed' },
  });
  assert.deepEqual(configMapBody([newEntry('f', 'AAE=', true)], { name: 'new', namespace: 'x' }), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'new', namespace: 'x' },
    binaryData: { f: 'AAE=' },
  });
});

test('Secret rows and body: values decoded for the editor, base64 on save', () => {
  const s = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'ns', resourceVersion: '7' },
    type: 'kubernetes.io/basic-auth',
    data: { password: textToBase64('s3cr€t'), key: 'AP8=' },
    stringData: { stale: 'x' },
  };
  const rows = entriesFromSecret(s);
  assert.deepEqual(strip(rows), [
    { key: 'key', value: 'AP8=', binary: true },
    { key: 'password', value: 's3cr€t', binary: false },
  ]);
  const body = secretBody(
    [rows[0], { ...rows[1], value: 'new' }],
    { name: '', namespace: '', type: 'Opaque' },
    s,
  );
  assert.deepEqual(body, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: s.metadata,
    type: 'kubernetes.io/basic-auth',
    data: { key: 'AP8=', password: Buffer.from('new').toString('base64') },
  });
  assert.deepEqual(secretBody([newEntry('token', 'abc')], { name: 't', namespace: 'x', type: '' }), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 't', namespace: 'x' },
    type: 'Opaque',
    data: { token: 'YWJj' },
  });
});
