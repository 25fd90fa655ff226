import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkModule, missingCoreNames } from '../networking/check-module.ts';

const CORE = ['io.k8s.api.core.v1.TopologySelectorTerm', 'io.k8s.api.core.v1.PersistentVolumeSpec'];
import { module } from './index.ts';

test('storage: every $ref resolves and every kind has its schema', () => {
  assert.deepEqual(checkModule(module, CORE), []);
});

// TODO(core): io.k8s.api.core.v1.TopologySelectorTerm is not in the core definitions yet.
test('storage: the core names referenced exist in the core definitions', async (t) => {
  const missing = await missingCoreNames(CORE);
  if (missing === undefined) return t.skip('core definitions not available');
  assert.deepEqual(missing, []);
});

test('storage: names and scopes as kubectl api-resources shows them', () => {
  const rows = module.kinds.map((k) => [k.resource, k.shortNames?.join(',') ?? '', k.namespaced, k.kind]);
  assert.deepEqual(rows, [
    ['storageclasses', 'sc', false, 'StorageClass'],
    ['csidrivers', '', false, 'CSIDriver'],
    ['csinodes', '', false, 'CSINode'],
    ['volumeattachments', '', false, 'VolumeAttachment'],
  ]);
});
