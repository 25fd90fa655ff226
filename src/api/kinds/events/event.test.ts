import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { checkModule, missingCoreNames } from '../networking/check-module.ts';
import { eventFromCore, eventToCore } from './conversion.ts';
import { event } from './event.ts';
import { module } from './index.ts';

const T0 = '2024-05-01T10:00:00Z';
const NOW = Date.parse(T0) + 120_000;

function v1Event(): KubeObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'web.17a', namespace: 'default', creationTimestamp: T0 },
    eventTime: '2024-05-01T10:00:00.000000Z',
    reportingController: 'berth.io/scheduler',
    reportingInstance: 'berth-server-1',
    action: 'Binding',
    reason: 'Scheduled',
    regarding: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1' },
    note: 'Successfully assigned default/web to node-1',
    type: 'Normal',
  };
}

function coreEvent(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17b', namespace: 'default', creationTimestamp: T0 },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', fieldPath: 'spec.containers{web}' },
    reason: 'Pulled',
    message: 'Container image "nginx" already present on machine',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: T0,
    lastTimestamp: '2024-05-01T10:01:00Z',
    count: 3,
    type: 'Normal',
    reportingComponent: '',
    reportingInstance: '',
  };
}

test('events: module refs resolve; stored as core events', async () => {
  assert.deepEqual(
    checkModule(module, ['io.k8s.api.core.v1.ObjectReference', 'io.k8s.api.core.v1.EventSource']),
    [],
  );
  const missing = await missingCoreNames([
    'io.k8s.api.core.v1.ObjectReference',
    'io.k8s.api.core.v1.EventSource',
  ]);
  if (missing !== undefined) assert.deepEqual(missing, []);
  assert.deepEqual(event.storedAs, { group: '', resource: 'events' });
  assert.deepEqual([event.resource, event.shortNames, event.namespaced], ['events', ['ev'], true]);
});

test('events: v1 → core conversion', () => {
  assert.deepEqual(eventToCore(v1Event()), {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17a', namespace: 'default', creationTimestamp: T0 },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/web to node-1',
    source: {},
    type: 'Normal',
    eventTime: '2024-05-01T10:00:00.000000Z',
    action: 'Binding',
    reportingComponent: 'berth.io/scheduler',
    reportingInstance: 'berth-server-1',
  });
});

test('events: core → v1 conversion', () => {
  assert.deepEqual(eventFromCore(coreEvent()), {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'web.17b', namespace: 'default', creationTimestamp: T0 },
    eventTime: null,
    reason: 'Pulled',
    type: 'Normal',
    regarding: { kind: 'Pod', namespace: 'default', name: 'web', fieldPath: 'spec.containers{web}' },
    note: 'Container image "nginx" already present on machine',
    deprecatedSource: { component: 'kubelet', host: 'node-1' },
    deprecatedFirstTimestamp: T0,
    deprecatedLastTimestamp: '2024-05-01T10:01:00Z',
    deprecatedCount: 3,
  });
});

test('events: round trip keeps a v1 event', () => {
  const back = eventFromCore(eventToCore(v1Event()));
  assert.deepEqual(back, {
    ...v1Event(),
    regarding: v1Event().regarding,
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
  });
});

test('events: a strict v1 event is valid', () => {
  assert.deepEqual(event.strategy.validate?.(v1Event()), []);
});

const invalid: [string, (e: KubeObject) => void, string[]][] = [
  [
    'no eventTime',
    (e) => {
      delete e.eventTime;
    },
    ['eventTime'],
  ],
  [
    'missing reporting fields',
    (e) => {
      delete e.reportingController;
      delete e.reportingInstance;
      delete e.action;
      delete e.reason;
    },
    ['reportingController', 'reportingInstance', 'action', 'reason'],
  ],
  [
    'bad type',
    (e) => {
      e.type = 'Info';
    },
    ['type'],
  ],
  [
    'deprecated fields set',
    (e) => {
      e.deprecatedCount = 2;
      e.deprecatedSource = { component: 'x' };
    },
    ['deprecatedCount', 'deprecatedSource'],
  ],
  [
    'short series',
    (e) => {
      e.series = { count: 1 };
    },
    ['series.count', 'series.lastObservedTime'],
  ],
  [
    'note too long',
    (e) => {
      e.note = 'x'.repeat(1025);
    },
    ['message'],
  ],
];
for (const [name, mutate, fields] of invalid) {
  test(`events: invalid — ${name}`, () => {
    const e = v1Event();
    mutate(e);
    assert.deepEqual(
      event.strategy.validate?.(e).map((x) => x.field),
      fields,
    );
  });
}

test('events: update may change series but not the note or regarding', () => {
  const old = v1Event();
  const ok = { ...v1Event(), series: { count: 2, lastObservedTime: '2024-05-01T10:05:00.000000Z' } };
  assert.deepEqual(event.strategy.validateUpdate?.(ok, old), []);
  const bad = { ...v1Event(), note: 'changed', regarding: { kind: 'Pod', name: 'other' } };
  assert.deepEqual(
    event.strategy.validateUpdate?.(bad, old).map((x) => x.field),
    ['involvedObject', 'message'],
  );
});

test('events: columns as kubectl get events shows them', () => {
  assert.deepEqual(
    event.columns?.map((c) => c.name),
    ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count'],
  );
  const fromCore = eventFromCore(coreEvent());
  assert.deepEqual(
    event.columns?.map((c) => c.cell(fromCore, NOW)),
    [
      '60s',
      'Normal',
      'Pulled',
      'pod/web',
      'spec.containers{web}',
      'kubelet, node-1',
      'Container image "nginx" already present on machine',
      '2m',
      3,
    ],
  );
  const v1 = v1Event();
  assert.deepEqual(
    event.columns?.map((c) => c.cell(v1, NOW)),
    [
      '2m',
      'Normal',
      'Scheduled',
      'pod/web',
      '',
      'berth.io/scheduler, berth-server-1',
      'Successfully assigned default/web to node-1',
      '2m',
      1,
    ],
  );
});

test('events: field selectors read the v1 names', () => {
  const sel = event.fieldSelectors ?? {};
  assert.equal(sel['regarding.name']?.(v1Event()), 'web');
  assert.equal(sel['reportingController']?.(v1Event()), 'berth.io/scheduler');
});
