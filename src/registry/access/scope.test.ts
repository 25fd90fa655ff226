import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Access, Action } from '../auth.ts';
import { parseChallenge, bearerChallenge } from './challenge.ts';
import { coversAll, formatScope, intersectAccess, parseScope, parseScopes } from './scope.ts';

test('parseScope reads type, name and actions; drops classes and unknown actions', () => {
  const cases: [string, Access | undefined][] = [
    ['repository:ns/app:pull,push', { type: 'repository', name: 'ns/app', actions: ['pull', 'push'] }],
    ['repository(plugin):ns/app:pull', { type: 'repository', name: 'ns/app', actions: ['pull'] }],
    ['registry:catalog:*', { type: 'registry', name: 'catalog', actions: ['*'] }],
    ['repository:ns/app:pull,fly,pull', { type: 'repository', name: 'ns/app', actions: ['pull'] }],
    ['repository:ns/app:', { type: 'repository', name: 'ns/app', actions: [] }],
    ['artifact:ns/app:pull', undefined],
    ['repository:pull', undefined],
    ['repository::pull', undefined],
    ['', undefined],
  ];
  for (const [s, want] of cases) assert.deepEqual(parseScope(s), want, s);
});

test('parseScopes splits on spaces and merges one resource asked twice', () => {
  assert.deepEqual(parseScopes(['repository:a/b:pull repository:c/d:push', 'repository:a/b:push']), [
    { type: 'repository', name: 'a/b', actions: ['pull', 'push'] },
    { type: 'repository', name: 'c/d', actions: ['push'] },
  ]);
  assert.equal(
    formatScope({ type: 'repository', name: 'a/b', actions: ['pull', 'push'] }),
    'repository:a/b:pull,push',
  );
});

test('intersectAccess grants what was asked and is allowed, nothing else', () => {
  const allowed = (a: Access): Action[] =>
    a.name === 'team/app'
      ? ['pull']
      : a.name === 'adm/x'
        ? ['*']
        : a.name === 'catalog'
          ? []
          : ['pull', 'push'];
  const asked = parseScopes([
    'repository:team/app:pull,push',
    'repository:adm/x:push,delete',
    'registry:catalog:*',
    'repository:other/y:pull',
    'repository:adm/x:*',
  ]);
  assert.deepEqual(intersectAccess(asked, allowed), [
    { type: 'repository', name: 'team/app', actions: ['pull'] },
    { type: 'repository', name: 'adm/x', actions: ['push', 'delete', '*'] },
    { type: 'repository', name: 'other/y', actions: ['pull'] },
  ]);
  // `*` asked is granted only when everything is allowed.
  assert.deepEqual(
    intersectAccess(parseScopes(['repository:o/y:*']), () => ['pull', 'push']),
    [],
  );
});

test('coversAll needs every action of every needed resource', () => {
  const granted = parseScopes(['repository:a/b:pull,push', 'registry:catalog:*']);
  const cases: [string[], boolean][] = [
    [[], true],
    [['repository:a/b:pull'], true],
    [['repository:a/b:pull,push'], true],
    [['repository:a/b:delete'], false],
    [['repository:a/c:pull'], false],
    [['registry:catalog:*'], true],
    [['repository:a/b:pull', 'repository:x/y:pull'], false],
  ];
  for (const [need, want] of cases) assert.equal(coversAll(granted, parseScopes(need)), want, need.join(' '));
});

test('challenges round-trip, quoted commas included', () => {
  const h = bearerChallenge({
    realm: 'https://r.example:5000/token',
    service: 'berth-registry',
    scope: ['repository:a/b:pull,push', 'repository:c/d:pull'],
    error: 'insufficient_scope',
  });
  assert.equal(
    h,
    'Bearer realm="https://r.example:5000/token",service="berth-registry",scope="repository:a/b:pull,push repository:c/d:pull",error="insufficient_scope"',
  );
  assert.deepEqual(parseChallenge(h), {
    scheme: 'bearer',
    params: {
      realm: 'https://r.example:5000/token',
      service: 'berth-registry',
      scope: 'repository:a/b:pull,push repository:c/d:pull',
      error: 'insufficient_scope',
    },
  });
  assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), {
    scheme: 'basic',
    params: { realm: 'Registry Realm' },
  });
  assert.equal(parseChallenge(undefined), undefined);
});
