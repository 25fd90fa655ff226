import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { volumeAttachment } from './volumeattachment.ts';

const CREATED = '2024-05-01T10:00:00Z';

function fixture(): KubeObject {
  return {
    metadata: { name: 'csi-abc', creationTimestamp: CREATED },
    spec: { attacher: 'hostpath.csi.k8s.io', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } },
    status: { attached: true },
  };
}

test('volumeattachment: valid object and its columns', () => {
  assert.deepEqual(volumeAttachment.strategy.validate?.(fixture()), []);
  const now = Date.parse(CREATED) + 30_000;
  assert.deepEqual(
    volumeAttachment.columns?.map((c) => c.cell(fixture(), now)),
    ['hostpath.csi.k8s.io', 'pv-1', 'node-1', true, '30s'],
  );
});

test('volumeattachment: invalid objects', () => {
  const o: KubeObject = {
    metadata: {},
    spec: { source: { persistentVolumeName: 'a', inlineVolumeSpec: {} } },
  };
  assert.deepEqual(
    volumeAttachment.strategy.validate?.(o).map((e) => e.field),
    ['spec.attacher', 'spec.nodeName', 'spec.source'],
  );
});

test('volumeattachment: spec is immutable', () => {
  const o = fixture();
  (o.spec as Record<string, unknown>).nodeName = 'node-2';
  assert.deepEqual(
    volumeAttachment.strategy.validateUpdate?.(o, fixture()).map((e) => e.field),
    ['spec'],
  );
  assert.deepEqual(volumeAttachment.strategy.validateUpdate?.(fixture(), fixture()), []);
});
