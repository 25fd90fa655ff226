import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.ts';
import { Client } from '../../src/client/client.ts';
import { FakeApi } from '../../src/client/fake-api.ts';
import { createWaiter, track } from './track.ts';

const cm = (name: string, value: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns' },
  data: { value },
});

test('follows creates, updates and deletes, and a waiter resolves at the change that satisfies it', async () => {
  const api = new FakeApi();
  const client = new Client(api);
  const cms = client.resource('', 'v1', 'configmaps');
  await cms.create('ns', cm('a', '1'));
  const changes: string[] = [];
  const waiter = createWaiter();
  let ones = 0;
  const tracker = await track({
    api: cms,
    namespace: 'ns',
    onChange: (prev, next) => {
      const val = (o: KubeObject | undefined): string | undefined =>
        (o?.data as Record<string, string> | undefined)?.value;
      changes.push(
        `${prev?.metadata.name ?? '-'}:${val(prev) ?? '-'}>${next?.metadata.name ?? '-'}:${val(next) ?? '-'}`,
      );
      ones += (val(next) === '1' ? 1 : 0) - (val(prev) === '1' ? 1 : 0);
      waiter.check();
    },
  });
  assert.deepEqual(changes, ['-:->a:1']);
  // Already true: resolves at once.
  await waiter.until(() => ones === 1, { what: 'x', timeoutMs: 1000 });
  const twoOnes = waiter.until(() => ones === 2, { what: 'two', timeoutMs: 2000 });
  await cms.create('ns', cm('b', '1'));
  await twoOnes;
  const noneLeft = waiter.until(() => tracker.objects.size === 0, { what: 'gone', timeoutMs: 2000 });
  await cms.update('ns', cm('a', '2'));
  await cms.delete('ns', 'a');
  await cms.delete('ns', 'b');
  await noneLeft;
  assert.deepEqual(changes, ['-:->a:1', '-:->b:1', 'a:1>a:2', 'a:2>-:-', 'b:1>-:-']);
  assert.equal(ones, 0);
  tracker.close();
});

test('re-watches when the server ends the stream, relists on 410, and times out with progress', async () => {
  const api = new FakeApi();
  const client = new Client(api);
  const cms = client.resource('', 'v1', 'configmaps');
  const waiter = createWaiter();
  const tracker = await track({ api: cms, namespace: 'ns', onChange: () => waiter.check() });
  const has = (n: number) => () => tracker.objects.size === n;

  const one = waiter.until(has(1), { what: 'one', timeoutMs: 3000 });
  api.closeWatches();
  await cms.create('ns', cm('a', '1'));
  await one;

  const two = waiter.until(has(2), { what: 'two', timeoutMs: 3000 });
  api.expireWatches();
  await cms.create('ns', cm('b', '1'));
  await two;

  const lines: string[] = [];
  await assert.rejects(
    waiter.until(has(5), {
      what: 'five',
      timeoutMs: 120,
      progressEveryMs: 50,
      progress: () => `${tracker.objects.size} of 5`,
      print: (l) => lines.push(l),
    }),
    /timed out after five: \d+(\.\d+)? s, 2 of 5/,
  );
  assert.ok(lines.length >= 1 && lines[0]!.includes('2 of 5'), JSON.stringify(lines));
  tracker.close();
});
