import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { csiDriver } from './csidriver.ts';
import { csiNode } from './csinode.ts';

const CREATED = '2024-05-01T10:00:00Z';
const NOW = Date.parse(CREATED) + 2 * 86400_000;

test('csidriver: defaults as Kubernetes sets them', () => {
  const o: KubeObject = { metadata: { name: 'hostpath.csi.k8s.io' }, spec: {} };
  csiDriver.strategy.defaults?.(o);
  assert.deepEqual(o.spec, {
    attachRequired: true,
    podInfoOnMount: false,
    storageCapacity: false,
    fsGroupPolicy: 'ReadWriteOnceWithFSType',
    volumeLifecycleModes: ['Persistent'],
    requiresRepublish: false,
    seLinuxMount: false,
  });
  assert.deepEqual(csiDriver.strategy.validate?.(o), []);
});

const invalidDrivers: [string, Record<string, unknown>, string[]][] = [
  ['bad mode', { volumeLifecycleModes: ['Forever'] }, ['spec.volumeLifecycleModes[0]']],
  ['bad fsGroupPolicy', { fsGroupPolicy: 'Sometimes' }, ['spec.fsGroupPolicy']],
  [
    'short token',
    { tokenRequests: [{ audience: 'a', expirationSeconds: 60 }] },
    ['spec.tokenRequests[0].expirationSeconds'],
  ],
  [
    'duplicate audience',
    { tokenRequests: [{ audience: 'a' }, { audience: 'a' }] },
    ['spec.tokenRequests[1].audience'],
  ],
];
for (const [name, spec, fields] of invalidDrivers) {
  test(`csidriver: invalid — ${name}`, () => {
    const o: KubeObject = { metadata: { name: 'd.example.com' }, spec: { ...spec } };
    csiDriver.strategy.defaults?.(o);
    assert.deepEqual(
      csiDriver.strategy.validate?.(o).map((e) => e.field),
      fields,
    );
  });
}

test('csidriver: attachRequired is immutable, podInfoOnMount is not', () => {
  const old: KubeObject = { metadata: { name: 'd' }, spec: {} };
  csiDriver.strategy.defaults?.(old);
  const o = structuredClone(old);
  (o.spec as Record<string, unknown>).attachRequired = false;
  (o.spec as Record<string, unknown>).podInfoOnMount = true;
  assert.deepEqual(
    csiDriver.strategy.validateUpdate?.(o, old).map((e) => e.field),
    ['spec.attachRequired'],
  );
});

test('csidriver: columns', () => {
  const o: KubeObject = { metadata: { name: 'd', creationTimestamp: CREATED }, spec: {} };
  csiDriver.strategy.defaults?.(o);
  assert.deepEqual(
    csiDriver.columns?.map((c) => c.cell(o, NOW)),
    [true, false, false, '<unset>', false, 'Persistent', '2d'],
  );
});

function node(): KubeObject {
  return {
    metadata: { name: 'node-1', creationTimestamp: CREATED },
    spec: {
      drivers: [
        { name: 'hostpath.csi.k8s.io', nodeID: 'node-1', topologyKeys: ['topology.hostpath.csi/node'] },
      ],
    },
  };
}

test('csinode: valid, invalid drivers, immutable nodeID, columns', () => {
  assert.deepEqual(csiNode.strategy.validate?.(node()), []);
  const bad: KubeObject = {
    metadata: {},
    spec: {
      drivers: [
        { name: 'a', nodeID: '' },
        { name: 'a', nodeID: 'x', topologyKeys: ['k', 'k'] },
      ],
    },
  };
  assert.deepEqual(
    csiNode.strategy.validate?.(bad).map((e) => e.field),
    ['spec.drivers[0].nodeID', 'spec.drivers[1].name', 'spec.drivers[1].topologyKeys[1]'],
  );
  const changed = node();
  (changed.spec as { drivers: { nodeID: string }[] }).drivers[0].nodeID = 'other';
  assert.deepEqual(
    csiNode.strategy.validateUpdate?.(changed, node()).map((e) => e.field),
    ['spec.drivers[0].nodeID'],
  );
  assert.deepEqual(
    csiNode.columns?.map((c) => c.cell(node(), NOW)),
    [1, '2d'],
  );
});
