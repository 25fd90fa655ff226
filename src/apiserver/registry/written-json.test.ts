import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configMap, ctx, newApi } from '../test-fixtures.ts';

test('writtenJson reuses the cached text of exactly the revision written, never another one', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  await rs.cache.start();
  const { obj: v1 } = await rs.create('default', configMap('c', {}, { k: 'one' }), ctx());
  // Nobody encoded it yet: no text, and asking must not build (and keep) one.
  assert.equal(rs.writtenJson(v1), undefined);
  const key = rs.key('default', 'c');
  assert.equal(rs.cache.get(key)!.builtJson(), undefined);
  // A watcher encoded it: the response text is the object's own JSON.
  rs.cache.get(key)!.json();
  assert.deepEqual(JSON.parse(rs.writtenJson(v1)!), JSON.parse(JSON.stringify(v1)));
  // After a newer write, the text of the newer revision never answers for the older object.
  const { obj: v2 } = await rs.update('default', 'c', configMap('c', {}, { k: 'two' }), ctx());
  rs.cache.get(key)!.json();
  assert.equal(rs.writtenJson(v1), undefined);
  assert.deepEqual(JSON.parse(rs.writtenJson(v2)!).data, { k: 'two' });
  // A dry run has no resourceVersion of its own: no cached text.
  const dry = await rs.create('default', configMap('d'), { ...ctx(), dryRun: true });
  assert.equal(rs.writtenJson(dry.obj), undefined);
  await done();
});
