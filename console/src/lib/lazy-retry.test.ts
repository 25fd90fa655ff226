import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryImport } from './lazy-retry.ts';

test('a failing import is tried again until it loads', async () => {
  let calls = 0;
  const load = retryImport(async () => {
    calls++;
    if (calls < 3) throw new TypeError('Failed to fetch dynamically imported module');
    return { default: 'page' };
  }, [1, 1, 1]);
  assert.deepEqual(await load(), { default: 'page' });
  assert.equal(calls, 3);
});

test('after the last attempt the error reaches React', async () => {
  let calls = 0;
  const load = retryImport(() => {
    calls++;
    return Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
  }, [1]);
  await assert.rejects(load(), TypeError);
  assert.equal(calls, 2);
});
