import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.ts';
import { Client } from '../client/client.ts';
import { FakeApi } from '../client/fake-api.ts';
import { silentLogger } from '../client/logger.ts';
import { CREATE_GRACE_MS, observeNode, watchNodes, type NodeIncarnation } from './node-presence.ts';

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
  const presence = watchNodes(client, { logger: silentLogger });
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

const node = (uid: string, created = '2026-01-01T00:00:00Z'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n', uid, creationTimestamp: created },
});

test('observeNode: certificates count from when the previous Node of the name went away', () => {
  const created = Date.parse('2026-01-01T00:00:00Z');
  // [what, starting incarnation, event, now, incarnation after (undefined: unchanged)]
  const cases: [
    string,
    NodeIncarnation | undefined,
    { seen: KubeObject } | { gone: KubeObject },
    number,
    NodeIncarnation | undefined,
  ][] = [
    [
      'first sight accepts every certificate',
      undefined,
      { seen: node('a') },
      5,
      { uid: 'a', certsFromMs: 0 },
    ],
    ['the same Node again changes nothing', { uid: 'a', certsFromMs: 0 }, { seen: node('a') }, 5, undefined],
    [
      'a delete is remembered',
      { uid: 'a', certsFromMs: 0 },
      { gone: node('a') },
      7,
      { uid: 'a', certsFromMs: 0, deletedAtMs: 7 },
    ],
    ['a delete of another uid is not ours', { uid: 'a', certsFromMs: 0 }, { gone: node('b') }, 7, undefined],
    [
      're-created after a seen delete: from the delete',
      { uid: 'a', certsFromMs: 0, deletedAtMs: 7 },
      { seen: node('b') },
      9,
      { uid: 'b', certsFromMs: 7 },
    ],
    [
      're-created, delete missed: from its creation less the grace',
      { uid: 'a', certsFromMs: 0 },
      { seen: node('b') },
      created + 1e6,
      { uid: 'b', certsFromMs: created - CREATE_GRACE_MS },
    ],
    [
      'never earlier than an older bound',
      { uid: 'a', certsFromMs: created, deletedAtMs: 3 },
      { seen: node('b') },
      9,
      { uid: 'b', certsFromMs: created },
    ],
    [
      'a stale delete of a Node that is still there',
      { uid: 'a', certsFromMs: 4, deletedAtMs: 7 },
      { seen: node('a') },
      9,
      { uid: 'a', certsFromMs: 4 },
    ],
  ];
  for (const [what, start, ev, now, want] of cases) {
    const state = new Map(start ? [['n', start]] : []);
    const changed = observeNode(state, ev, now);
    assert.equal(changed, want !== undefined, what);
    assert.deepEqual(state.get('n'), want ?? start, what);
  }
});

test('a certificate issued before its Node was deleted and created again is refused, also after a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-node-presence-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const stateFile = join(dir, 'node-incarnations.json');
  const api = new FakeApi();
  const client = new Client(api);
  const nodes = client.resource('', 'v1', 'nodes');
  const make = () => nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  let clock = 1_000_000;
  const opts = { logger: silentLogger, stateFile, now: () => clock };
  const oldCert = 500_000; // issued to the first n1
  const first = await make();
  const presence = watchNodes(client, opts);
  assert.equal(await presence.synced(), true);
  assert.equal(presence.exists('n1', oldCert), true, 'the first Node of a name accepts its certificate');

  clock = 2_000_000;
  await nodes.delete(undefined, 'n1');
  await until('n1 gone', () => !presence.exists('n1'));
  const second = await make();
  assert.notEqual(second.metadata.uid, first.metadata.uid);
  await until('n1 back', () => presence.exists('n1'));
  assert.equal(presence.exists('n1', oldCert), false, 'the first Node’s certificate');
  assert.equal(presence.exists('n1', 1_999_999), false, 'issued just before the delete');
  assert.equal(presence.exists('n1', 2_000_000), true, 'issued after the delete');
  assert.equal(presence.exists('n1'), true, 'without a certificate time: existence only');
  await presence.stop();

  // A restart reads what it learnt back: the old certificate stays refused.
  const again = watchNodes(client, opts);
  t.after(() => again.stop());
  assert.equal(await again.synced(), true);
  assert.equal(again.exists('n1', oldCert), false);
  assert.equal(again.exists('n1', 2_000_000), true);
});
