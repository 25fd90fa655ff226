import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeTar } from './tar.ts';
import type { TarEntry } from './tar.ts';

/** GNU tar's verbose listing of an archive (it checks every header checksum). */
function gnuList(archive: Buffer): string[] {
  const r = spawnSync('tar', ['--numeric-owner', '-tvf', '-'], { input: archive, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trimEnd().split('\n');
}

const longDir = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
const entries: TarEntry[] = [
  { type: 'file', path: 'bin/tool', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
  { type: 'symlink', path: 'bin/sh', target: 'tool' },
  { type: 'dir', path: 'bin' },
  { type: 'dir', path: 'tmp', mode: 0o1777 },
  { type: 'file', path: `${longDir}/file.txt`, data: Buffer.alloc(1000, 'x') },
];

test('GNU tar reads every entry with its type, mode, owner, size and fixed mtime', () => {
  const lines = gnuList(writeTar(entries));
  const want: Array<[RegExp, string]> = [
    [/^drwxr-xr-x 0\/0 +0 1970-01-01 00:00 bin\/$/, 'dir sorted before its children'],
    [/^lrwxrwxrwx 0\/0 +0 1970-01-01 00:00 bin\/sh -> tool$/, 'symlink'],
    [/^-rwxr-xr-x 0\/0 +10 1970-01-01 00:00 bin\/tool$/, 'executable file'],
    [
      new RegExp(`^-rw-r--r-- 0/0 +1000 1970-01-01 00:00 ${longDir}/file.txt$`),
      'name over 100 bytes via prefix',
    ],
    [/^drwxrwxrwt 0\/0 +0 1970-01-01 00:00 tmp\/$/, 'sticky dir'],
  ];
  assert.equal(lines.length, want.length);
  want.forEach(([re, what], i) => assert.match(lines[i], re, what));
});

test('the same entries in any order give the same bytes', () => {
  const a = writeTar(entries);
  const b = writeTar([...entries].reverse());
  assert.ok(a.equals(b));
  assert.equal(a.length % 512, 0);
});

test('bad entries are refused', () => {
  const cases: Array<[string, TarEntry[], RegExp]> = [
    ['duplicate', [entries[0], entries[0]], /duplicate/],
    ['absolute path', [{ type: 'dir', path: '/etc' }], /relative/],
    ['unsplittable long name', [{ type: 'dir', path: 'x'.repeat(120) }], /too long/],
  ];
  for (const [name, input, err] of cases) assert.throws(() => writeTar(input), err, name);
});
