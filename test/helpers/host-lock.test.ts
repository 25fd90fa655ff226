import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireHostLock } from './host-lock.ts';

test('a second holder waits for the first to release', async () => {
  const name = `t${process.pid}-a`;
  const release = await acquireHostLock(name);
  let second = false;
  const waiting = acquireHostLock(name).then((r) => {
    second = true;
    return r;
  });
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(second, false, 'still waiting while the first holds it');
  release();
  (await waiting)();
  assert.equal(second, true);
  assert.equal(existsSync(join(tmpdir(), `berth-test-lock-${name}`)), false);
});

test('a lock whose owner died is taken over', async () => {
  const name = `t${process.pid}-b`;
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  writeFileSync(join(tmpdir(), `berth-test-lock-${name}`), dead.stdout);
  const release = await acquireHostLock(name, 5_000);
  release();
});

test('a lock held by a live process times out with the holder named', async () => {
  const name = `t${process.pid}-c`;
  writeFileSync(join(tmpdir(), `berth-test-lock-${name}`), String(process.ppid));
  await assert.rejects(acquireHostLock(name, 300), new RegExp(`held by pid ${process.ppid}`));
});
