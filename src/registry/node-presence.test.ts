import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../client/client.ts';
import { FakeApi } from '../client/fake-api.ts';
import { silentLogger } from '../client/logger.ts';
import { watchNodes } from './node-presence.ts';

async function until(what: string, fn: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a node counts as existing from the first list until its Node is deleted', async (t) => {
  const api = new FakeApi();
  const client = new Client(api);
  const nodes = client.resource('', 'v1', 'nodes');
  await nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  const presence = watchNodes(client, silentLogger);
  t.after(() => presence.stop());
  assert.equal(presence.exists('n1'), false, 'nothing exists before the first list');
  assert.equal(await presence.synced(), true);
  assert.equal(presence.exists('n1'), true);
  assert.equal(presence.exists('n2'), false);

  await nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' } });
  await until('n2 seen', () => presence.exists('n2'));
  await nodes.delete(undefined, 'n1');
  await until('n1 gone', () => !presence.exists('n1'));
  assert.equal(presence.exists('n2'), true);
});
