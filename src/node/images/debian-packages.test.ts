import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { debianImagePreflight, overlay, packagesStamp, parseStanzas } from './debian-packages.ts';
import type { TarEntry } from './tar.ts';

const show = `Package: redis-tools
Version: 5:7.0.15-1~deb12u10
Installed-Size: 5837
Depends: adduser, libatomic1 (>= 4.8), libc6 (>= 2.34), libssl3 (>= 3.0.0)
Description: persistent key-value database
 with network interface

Package: perl-thing
Version: 1.0-1
Pre-Depends: dpkg (>= 1.17)
Depends: perl:any, libfoo1 | libfoo-alt, debconf (>= 0.5) | debconf-2.0

Package: redis-tools
Version: 5:7.0.15-1~deb12u7
Depends: older
`;

describe('parseStanzas', () => {
  const parsed = parseStanzas(show);
  const cases: [string, string, string[]][] = [
    ['redis-tools', '5:7.0.15-1~deb12u10', ['adduser', 'libatomic1', 'libc6', 'libssl3']],
    // Pre-Depends first; arch qualifiers and versions stripped; first alternative of each group.
    ['perl-thing', '1.0-1', ['dpkg', 'perl', 'libfoo1', 'debconf']],
  ];
  for (const [name, version, deps] of cases) {
    test(name, () => assert.deepEqual(parsed.get(name), { version, deps }));
  }
  test('the first stanza of a package wins (the candidate with --no-all-versions)', () => {
    assert.equal(parsed.size, 2);
  });
});

test('overlay: extra files replace package files, extra dirs are kept once', () => {
  const base: TarEntry[] = [
    { type: 'dir', path: 'etc', mode: 0o755 },
    { type: 'file', path: 'etc/passwd', data: Buffer.from('pkg') },
    { type: 'file', path: 'usr/bin/x', data: Buffer.from('x') },
  ];
  const out = overlay(base, [
    { type: 'dir', path: 'etc', mode: 0o700 },
    { type: 'file', path: 'etc/passwd', data: Buffer.from('mine') },
    { type: 'dir', path: 'data' },
  ]);
  const byPath = new Map(out.map((e) => [e.path, e]));
  assert.equal(out.length, 4);
  assert.deepEqual(byPath.get('etc'), { type: 'dir', path: 'etc', mode: 0o755 });
  const passwd = byPath.get('etc/passwd');
  assert.equal(passwd?.type === 'file' && passwd.data.toString(), 'mine');
});

test('packagesStamp changes with any version, the recipe version and the epoch', () => {
  const pkgs = [
    { name: 'libc6', version: '2.36-9' },
    { name: 'redis-server', version: '5:7.0.15-1' },
  ];
  const base = packagesStamp(pkgs, '1', 0);
  assert.equal(
    packagesStamp(
      pkgs.map((p) => ({ ...p })),
      '1',
      0,
    ),
    base,
  );
  const variants = [
    packagesStamp([pkgs[0], { name: 'redis-server', version: '5:7.0.15-2' }], '1', 0),
    packagesStamp(pkgs, '2', 0),
    packagesStamp(pkgs, '1', 1_700_000_000),
    packagesStamp(pkgs.slice(1), '1', 0),
  ];
  for (const v of variants) assert.notEqual(v, base);
});

test('debianImagePreflight names the fix when apt has no package lists', () => {
  assert.match(debianImagePreflight('/nonexistent-apt-lists') ?? '', /apt-get update/);
});
