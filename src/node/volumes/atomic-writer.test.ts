import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePayloadPath, writeAtomic, type Payload } from './atomic-writer.ts';
import { prepareHostPath } from './host-path.ts';

const payload = (entries: Record<string, string>, mode = 0o644): Payload =>
  new Map(Object.entries(entries).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

test('writeAtomic: files through ..data, swapped on change, untouched when equal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-aw-'));
  try {
    assert.equal(writeAtomic(dir, payload({ a: '1', 'sub/b': '2' })), true);
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), '1');
    assert.equal(readFileSync(join(dir, 'sub/b'), 'utf8'), '2');
    assert.equal(readlinkSync(join(dir, 'a')), '..data/a');
    const first = readlinkSync(join(dir, '..data'));
    assert.equal(writeAtomic(dir, payload({ a: '1', 'sub/b': '2' })), false, 'no change, no write');
    assert.equal(writeAtomic(dir, payload({ a: '3' }, 0o600)), true);
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), '3');
    assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o600);
    assert.notEqual(readlinkSync(join(dir, '..data')), first);
    assert.deepEqual(
      readdirSync(dir).filter((n) => !n.startsWith('..')),
      ['a'],
      'sub removed',
    );
    assert.equal(
      readdirSync(dir).filter((n) => n.startsWith('..') && n !== '..data').length,
      1,
      'old payload dir removed',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('payload paths must stay inside the volume', () => {
  for (const bad of ['/abs', '../up', 'a/../b', '..data', ''])
    assert.throws(() => validatePayloadPath(bad), bad);
  validatePayloadPath('a/b.txt');
});

test('hostPath types', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-hp-'));
  try {
    prepareHostPath(join(dir, 'new/dir'), 'DirectoryOrCreate');
    assert.ok(statSync(join(dir, 'new/dir')).isDirectory());
    prepareHostPath(join(dir, 'f/file'), 'FileOrCreate');
    assert.ok(statSync(join(dir, 'f/file')).isFile());
    assert.throws(() => prepareHostPath(join(dir, 'missing'), 'Directory'), /is not a directory/);
    assert.throws(() => prepareHostPath(join(dir, 'new'), 'File'), /is not a file/);
    prepareHostPath(join(dir, 'whatever'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
