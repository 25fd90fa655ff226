import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeReadiness, podsByPhase, recentWarnings } from './overview.ts';
import type { KubeEvent, NodeObject, Pod } from '../api/types.ts';

test('nodeReadiness counts Ready=True only', () => {
  const n = (status?: string): NodeObject => ({
    metadata: { name: 'n' },
    status: status ? { conditions: [{ type: 'Ready', status }] } : undefined,
  });
  assert.deepEqual(nodeReadiness([n('True'), n('False'), n('Unknown'), n(), n('True')]), {
    ready: 2,
    total: 5,
  });
  assert.deepEqual(nodeReadiness([]), { ready: 0, total: 0 });
});

test('podsByPhase: every phase present; no phase counts as Pending; odd phases as Unknown', () => {
  const p = (phase?: string): Pod => ({ metadata: { name: 'p' }, status: phase ? { phase } : undefined });
  assert.deepEqual(podsByPhase([p('Running'), p('Running'), p(), p('Failed'), p('Weird')]), {
    Running: 2,
    Pending: 1,
    Succeeded: 0,
    Failed: 1,
    Unknown: 1,
  });
});

test('recentWarnings: warnings only, newest first, limited', () => {
  const e = (name: string, type: string, last?: string, created = '2026-01-01T00:00:00Z'): KubeEvent => ({
    metadata: { name, creationTimestamp: created },
    type,
    lastTimestamp: last,
  });
  const events = [
    e('old', 'Warning', '2026-01-01T01:00:00Z'),
    e('normal', 'Normal', '2026-01-01T05:00:00Z'),
    e('new', 'Warning', '2026-01-01T04:00:00Z'),
    e('mid', 'Warning', undefined, '2026-01-01T02:00:00Z'),
  ];
  assert.deepEqual(
    recentWarnings(events).map((x) => x.metadata.name),
    ['new', 'mid', 'old'],
  );
  assert.deepEqual(
    recentWarnings(events, 1).map((x) => x.metadata.name),
    ['new'],
  );
});
