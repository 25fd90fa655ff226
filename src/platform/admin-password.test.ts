import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCredentials, ensureAdminPassword } from './admin-password.ts';

test('ensureAdminPassword creates a 0600 file once and reads it back after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-admin-'));
  try {
    const first = await ensureAdminPassword(join(dir, 'data'));
    assert.equal(first.created, true);
    assert.ok(first.password.length >= 20);
    assert.equal(statSync(first.path).mode & 0o777, 0o600);
    const again = await ensureAdminPassword(join(dir, 'data'));
    assert.deepEqual(again, { ...first, created: false });
    // A password written by hand (with a newline) is taken as it is.
    writeFileSync(first.path, 'chosen-by-hand\n');
    assert.equal((await ensureAdminPassword(join(dir, 'data'))).password, 'chosen-by-hand');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkCredentials', () => {
  const cases: [string, string, boolean][] = [
    ['admin', 'secret', true],
    ['admin', 'secret ', false],
    ['admin', 'Secret', false],
    ['admin', '', false],
    ['root', 'secret', false],
    ['', 'secret', false],
  ];
  for (const [user, pw, want] of cases)
    assert.equal(checkCredentials('secret', user, pw), want, `${user}/${pw}`);
});
