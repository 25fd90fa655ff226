import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeEvent } from '../api/types.ts';
import { eventObjectLink, filterEvents } from './events.ts';

const ev = (name: string, type: string, last: string, extra: Partial<KubeEvent> = {}): KubeEvent => ({
  metadata: { name, namespace: 'shop' },
  type,
  lastTimestamp: last,
  involvedObject: { kind: 'Pod', name: `pod-${name}`, namespace: 'shop' },
  reason: 'Started',
  message: `message ${name}`,
  ...extra,
});

test('filterEvents: newest first, warnings only, text filter', () => {
  const events = [
    ev('a', 'Normal', '2025-01-01T00:00:01Z'),
    ev('b', 'Warning', '2025-01-01T00:00:03Z', { reason: 'BackOff' }),
    ev('c', 'Warning', '2025-01-01T00:00:02Z'),
  ];
  const names = (l: KubeEvent[]) => l.map((e) => e.metadata.name);
  assert.deepEqual(names(filterEvents(events, {})), ['b', 'c', 'a']);
  assert.deepEqual(names(filterEvents(events, { warningsOnly: true })), ['b', 'c']);
  assert.deepEqual(names(filterEvents(events, { query: 'backoff' })), ['b']);
  assert.deepEqual(names(filterEvents(events, { query: 'Pod/pod-a' })), ['a']);
  assert.deepEqual(names(filterEvents(events, { query: 'MESSAGE C' })), ['c']);
  assert.deepEqual(names(filterEvents(events, { warningsOnly: true, query: 'pod-a' })), []);
});

test('eventObjectLink: pods, workloads, nodes; none for other kinds', () => {
  const base = ev('a', 'Normal', '');
  assert.equal(eventObjectLink('local', base), '/c/local/pods/shop/pod-a');
  assert.equal(
    eventObjectLink('local', {
      ...base,
      involvedObject: { kind: 'Deployment', name: 'web', namespace: 'shop' },
    }),
    '/c/local/deployments/shop/web',
  );
  assert.equal(
    eventObjectLink('local', { ...base, involvedObject: { kind: 'Node', name: 'n1' } }),
    '/c/local/nodes/n1',
  );
  assert.equal(
    eventObjectLink('local', { ...base, involvedObject: { kind: 'Service', name: 's' } }),
    undefined,
  );
  assert.equal(eventObjectLink('local', { ...base, involvedObject: undefined }), undefined);
});
