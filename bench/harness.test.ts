import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, createSuite, load } from './harness.ts';

function spin(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003;
  return x;
}

test('bench counts runs and calls and compares against the baseline', async () => {
  let subjectCalls = 0;
  let baselineCalls = 0;
  const r = await bench('spin', {
    warmup: 2,
    runs: 7,
    iterations: 3,
    fn: () => {
      subjectCalls++;
      return spin(200_000);
    },
    baseline: () => {
      baselineCalls++;
      return spin(5_000);
    },
  });
  assert.equal(subjectCalls, (2 + 7) * 3);
  assert.equal(baselineCalls, (2 + 7) * 3);
  assert.equal(r.subject.ms.count, 7);
  assert.equal(r.baseline?.ms.count, 7);
  assert.ok(r.subject.ms.p10 <= r.subject.ms.p50 && r.subject.ms.p50 <= r.subject.ms.p90);
  // 40x the work: the ratio must say "much slower" even on a noisy machine.
  assert.ok(r.ratio !== undefined && r.ratio > 5, `ratio ${r.ratio}`);
});

test('bench without a baseline has no ratio; async fns are awaited', async () => {
  let done = 0;
  const r = await bench('async', {
    warmup: 0,
    runs: 3,
    fn: async () => {
      await new Promise<void>((resolve) => setTimeout(resolve, 2));
      done++;
    },
  });
  assert.equal(done, 3);
  assert.equal(r.ratio, undefined);
  // Awaited: each run lasts about the 2 ms timer (timers may fire a little early); unawaited would be ~0.
  assert.ok(r.subject.ms.min >= 1, `min ${r.subject.ms.min}`);
});

test('load compares subject throughput with the baseline', async () => {
  const r = await load('sleepy', {
    concurrency: 2,
    requests: 10,
    fn: () => new Promise<void>((resolve) => setTimeout(resolve, 10)),
    baseline: async () => {},
  });
  assert.equal(r.subject.requests, 10);
  assert.equal(r.baseline?.requests, 10);
  assert.ok(r.ratio !== undefined && r.ratio < 0.5, `ratio ${r.ratio}`);
});

test('load in alternating rounds: subject and baseline take turns, ratio is the median round', async () => {
  const order: string[] = [];
  const r = await load('rounds', {
    concurrency: 1,
    durationMs: 120,
    rounds: 3,
    fn: async () => {
      if (order.at(-1) !== 's') order.push('s');
      await new Promise<void>((resolve) => setTimeout(resolve, 10));
    },
    baseline: async () => {
      if (order.at(-1) !== 'b') order.push('b');
      await new Promise<void>((resolve) => setTimeout(resolve, 2));
    },
  });
  assert.deepEqual(order, ['s', 'b', 's', 'b', 's', 'b']);
  assert.equal(r.roundRatios?.length, 3);
  assert.equal(r.ratio, [...r.roundRatios!].sort((a, b) => a - b)[1]);
  assert.ok(r.ratio! < 0.5, `ratio ${r.ratio}`);
  assert.equal(r.subject.latency.count, r.subject.requests, 'latencies of every round');
});

test('suite prints a table and writes a JSON result file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
  const saved = process.env.BENCH_RESULTS_DIR;
  process.env.BENCH_RESULTS_DIR = dir;
  try {
    let printed = '';
    const suite = createSuite('unit-suite', { print: (t) => (printed += t) });
    await suite.bench('case-a', { warmup: 0, runs: 2, fn: () => spin(10), baseline: () => spin(10) });
    await suite.load('case-b', { concurrency: 1, requests: 3, fn: async () => {} });
    suite.note('objects', 42);
    const file = suite.finish();
    assert.ok(file.startsWith(join(dir, 'unit-suite-')) && file.endsWith('.json'), file);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      name: string;
      notes: Record<string, unknown>;
      benches: { name: string; ratio: number }[];
      loads: { name: string; subject: { requests: number } }[];
    };
    assert.equal(doc.name, 'unit-suite');
    assert.equal(doc.notes.objects, 42);
    assert.deepEqual(
      doc.benches.map((b) => b.name),
      ['case-a'],
    );
    assert.equal(typeof doc.benches[0]!.ratio, 'number');
    assert.equal(doc.loads[0]!.subject.requests, 3);
    for (const word of ['case-a', 'case-b', 'median', 'p90', 'req/s', 'ratio', 'objects: 42', file]) {
      assert.ok(printed.includes(word), `printed report lacks ${word}:\n${printed}`);
    }
  } finally {
    if (saved === undefined) delete process.env.BENCH_RESULTS_DIR;
    else process.env.BENCH_RESULTS_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
