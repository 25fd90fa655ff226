import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidName, isValidTag, parseDigest, parseReference } from './reference.ts';

const hex64 = 'a'.repeat(64);

test('repository names follow the spec regex', () => {
  const cases: [string, boolean][] = [
    ['app', true],
    ['ns/app', true],
    ['a/b/c/d', true],
    ['my-app_1.x/sub__x', true],
    ['a--b', true],
    ['', false],
    ['App', false],
    ['/app', false],
    ['app/', false],
    ['a//b', false],
    ['a/-b', false],
    ['a._b', false],
    ['a...b', false],
    ['x'.repeat(256), false],
    ['x'.repeat(255), true],
  ];
  for (const [name, ok] of cases) assert.equal(isValidName(name), ok, name);
});

test('tags follow the spec regex', () => {
  const cases: [string, boolean][] = [
    ['latest', true],
    ['v1.2.3-rc_1', true],
    ['_x', true],
    ['.x', false],
    ['-x', false],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['a/b', false],
    ['', false],
  ];
  for (const [tag, ok] of cases) assert.equal(isValidTag(tag), ok, tag);
});

test('digests: sha256 and sha512 with exact lowercase hex lengths', () => {
  assert.deepEqual(parseDigest(`sha256:${hex64}`), {
    algorithm: 'sha256',
    hex: hex64,
    value: `sha256:${hex64}`,
  });
  assert.equal(parseDigest(`sha512:${'b'.repeat(128)}`)?.algorithm, 'sha512');
  for (const bad of [
    `sha256:${'a'.repeat(63)}`,
    `sha256:${'A'.repeat(64)}`,
    `sha512:${hex64}`,
    `md5:${'a'.repeat(32)}`,
    `sha256${hex64}`,
    'sha256:',
    `SHA256:${hex64}`,
  ]) {
    assert.equal(parseDigest(bad), undefined, bad);
  }
});

test('references are tags or digests', () => {
  assert.deepEqual(parseReference('v1'), { kind: 'tag', tag: 'v1' });
  assert.equal(parseReference(`sha256:${hex64}`)?.kind, 'digest');
  assert.equal(parseReference('bad:tag'), undefined);
  assert.equal(parseReference('.bad'), undefined);
});
