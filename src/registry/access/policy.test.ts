import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryMetadata } from '../storage/metadata.ts';
import type { Namespace } from '../storage/namespaces.ts';
import { AccountStore, type Principal } from './accounts.ts';
import { allowedActions } from './policy.ts';

const namespaces: Record<string, Namespace> = {
  team: { name: 'team', public: false, quotaBytes: null, createdAt: 0 },
  pub: { name: 'pub', public: true, quotaBytes: null, createdAt: 0 },
  cache: {
    name: 'cache',
    public: false,
    quotaBytes: null,
    createdAt: 0,
    proxy: { url: 'https://up', ttlSeconds: 1 },
  },
};
const lookup = (n: string): Namespace | undefined => namespaces[n];

test('allowedActions: admin, robots, anonymous, public, cache, missing namespace', () => {
  const admin: Principal = { kind: 'user', name: 'admin', admin: true };
  const puller: Principal = { kind: 'robot', name: 'robot$team+r', namespace: 'team', actions: ['pull'] };
  const pusher: Principal = {
    kind: 'robot',
    name: 'robot$team+w',
    namespace: 'team',
    actions: ['pull', 'push'],
  };
  const anon: Principal = { kind: 'anonymous' };
  const cases: [string, Principal, string, string[], RegExp?][] = [
    ['admin in team', admin, 'team/app', ['pull', 'push', 'delete']],
    ['admin in cache: no push', admin, 'cache/library/x', ['pull', 'delete'], /pull-through cache/],
    ['admin, no namespace', admin, 'nope/app', ['pull', 'delete'], /namespace nope does not exist/],
    ['admin, one-component name', admin, 'app', ['pull', 'delete'], /NAMESPACE\/NAME/],
    ['pull robot in team', puller, 'team/app', ['pull'], /may only pull/],
    ['push robot in team', pusher, 'team/a/b', ['pull', 'push']],
    ['robot of team in pub', puller, 'pub/app', ['pull'], /belongs to namespace team/],
    ['robot of team in cache', pusher, 'cache/x', [], /belongs to namespace team/],
    ['anonymous in team', anon, 'team/app', [], /private/],
    ['anonymous in pub', anon, 'pub/app', ['pull']],
    ['catalog, admin', admin, 'catalog', ['*']],
    ['catalog, robot', pusher, 'catalog', [], /administrators/],
  ];
  for (const [what, p, name, actions, reason] of cases) {
    const a = allowedActions(p, { type: name === 'catalog' ? 'registry' : 'repository', name }, lookup);
    assert.deepEqual([...a.actions].sort(), [...actions].sort(), what);
    if (reason) assert.match(a.reason ?? '', reason, what);
  }
});

test('accounts: admin created once, password and robot tokens checked, only hashes kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-accounts-'));
  const meta = RegistryMetadata.open(join(dir, 'db'));
  try {
    const accounts = new AccountStore(meta);
    let persisted = '';
    const pw = accounts.ensureAdmin((p) => (persisted = p));
    assert.ok(pw && pw.length >= 20);
    assert.equal(persisted, pw);
    assert.equal(accounts.ensureAdmin(), undefined, 'second start creates nothing');
    assert.deepEqual(accounts.authenticate('admin', pw), { kind: 'user', name: 'admin', admin: true });
    assert.deepEqual(
      accounts.authenticate('admin', pw),
      { kind: 'user', name: 'admin', admin: true },
      'cached',
    );
    assert.equal(accounts.authenticate('admin', `${pw}x`), undefined);
    assert.equal(accounts.authenticate('nobody', pw), undefined);

    const robot = accounts.createRobot('team', 'ci', ['pull', 'push']);
    assert.equal(robot.name, 'robot$team+ci');
    assert.deepEqual(accounts.authenticate(robot.name, robot.token), {
      kind: 'robot',
      name: 'robot$team+ci',
      namespace: 'team',
      actions: ['pull', 'push'],
    });
    assert.equal(accounts.authenticate(robot.name, robot.token.slice(1)), undefined);
    assert.throws(() => accounts.createRobot('team', 'ci', ['pull']), /already exists/);
    assert.throws(() => accounts.createRobot('team', 'Bad_Name', ['pull']), /invalid robot name/);
    const stored =
      JSON.stringify(meta.db.prepare('SELECT * FROM robots').all()) +
      JSON.stringify(meta.db.prepare('SELECT * FROM users').all());
    assert.ok(!stored.includes(robot.token) && !stored.includes(pw), 'no secret stored in clear');
    assert.ok(accounts.deleteRobot(robot.name));
    assert.equal(accounts.authenticate(robot.name, robot.token), undefined);
  } finally {
    meta.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
