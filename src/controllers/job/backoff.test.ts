import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, indexBackoffRecords, jobBackoffRecord, remainingBackoff } from './backoff.ts';
import { jobObj, podOf } from './testing.ts';
import { indexFailureCountAnnotation } from './types.ts';

const delays: [number, number][] = [
  [0, 0],
  [1, 10_000],
  [2, 20_000],
  [3, 40_000],
  [6, 320_000],
  [7, 360_000], // capped at 6 minutes
  [60, 360_000],
];
for (const [failures, want] of delays) {
  test(`backoffDelay(${failures}) = ${want} ms`, () => assert.equal(backoffDelay(failures), want));
}

test('remainingBackoff counts from the latest failure', () => {
  assert.equal(remainingBackoff({ failures: 2, lastFailureAt: 1000 }, 6000), 15_000);
  assert.equal(remainingBackoff({ failures: 2, lastFailureAt: 1000 }, 60_000), 0);
  assert.equal(remainingBackoff({ failures: 0, lastFailureAt: 0 }, 0), 0);
});

test('jobBackoffRecord counts failures after the last success only, ignoring Ignored ones', () => {
  const t = Date.UTC(2026, 0, 1);
  const job = jobObj('j', {
    podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [137] } }] },
  });
  const pods = [
    podOf(job, 'a', { phase: 'Failed', finishedAt: t }),
    podOf(job, 'b', { phase: 'Succeeded', finishedAt: t + 1000 }),
    podOf(job, 'c', { phase: 'Failed', finishedAt: t + 2000 }),
    podOf(job, 'd', { phase: 'Failed', finishedAt: t + 5000 }),
    podOf(job, 'e', { phase: 'Failed', finishedAt: t + 9000, exitCode: 137 }),
    podOf(job, 'f', { phase: 'Running' }),
  ];
  assert.deepEqual(jobBackoffRecord(job, pods), { failures: 2, lastFailureAt: t + 5000 });
});

test('indexBackoffRecords takes the inherited count from the annotation', () => {
  const job = jobObj('j', { completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 3 });
  const old = podOf(job, 'a', { phase: 'Failed', index: 1 });
  const newer = podOf(job, 'b', { phase: 'Failed', index: 1 });
  newer.metadata.annotations![indexFailureCountAnnotation] = '1';
  const running = podOf(job, 'c', { phase: 'Running', index: 2 });
  running.metadata.annotations![indexFailureCountAnnotation] = '2';
  const r = indexBackoffRecords(job, [old, newer, running]);
  assert.equal(r.get(1)?.failures, 2);
  assert.equal(r.get(2)?.failures, 2);
  assert.equal(r.get(0), undefined);
});
