import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from '../../client/clock.ts';
import { silentLogger } from '../../client/logger.ts';
import { frozenCopy } from '../../client/store.ts';
import { makePod } from '../../scheduler/fixtures.ts';
import type { Pod, RPod } from '../../scheduler/types.ts';
import { parseDuration } from './duration.ts';
import { StageEngine, stageDelay } from './engine.ts';
import { defaultStages, stageMatches, valueAt, type Stage } from './stages.ts';
import { TimerHeap } from './timer-heap.ts';

const bound = (p: Pod, phase = 'Pending'): Pod => ({
  ...p,
  spec: { ...p.spec, nodeName: 'sim-0' },
  status: { phase },
});

test('default stages: the first matching stage by pod state', () => {
  const stages = defaultStages();
  const first = (p: Pod) => stages.find((s) => stageMatches(s, frozenCopy(p)))?.name;
  const job = makePod('j', {}, { restartPolicy: 'Never' });
  const annotated: Pod = {
    ...makePod('a'),
    metadata: { ...makePod('a').metadata, annotations: { 'berth.io/sim-duration': '3s' } },
  };
  const deleting: Pod = {
    ...bound(makePod('d'), 'Running'),
    metadata: { ...makePod('d').metadata, deletionTimestamp: '2025-01-01T00:00:00Z' },
  };
  const notReady = (p: Pod): Pod => ({
    ...bound(p, 'Running'),
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] },
  });
  const crashing: Pod = {
    ...makePod('c'),
    metadata: { ...makePod('c').metadata, annotations: { 'berth.io/sim-exit-code': '1' } },
  };
  const cases: [string, Pod, string | undefined][] = [
    ['bound pending pod starts', bound(makePod('p')), 'pod-ready'],
    ['running service pod stays', bound(makePod('p', {}, { restartPolicy: 'Always' }), 'Running'), undefined],
    ['running job pod completes', bound(job, 'Running'), 'pod-complete-job'],
    ['running annotated pod completes', bound(annotated, 'Running'), 'pod-complete-annotated'],
    ['succeeded pod rests', bound(job, 'Succeeded'), undefined],
    ['running pod marked not Ready is Ready again', notReady(makePod('p')), 'pod-ready-again'],
    [
      'a crash-looping pod marked not Ready keeps crash-looping',
      notReady(crashing),
      'pod-restart-failed-container',
    ],
    ['deleting pod is deleted', deleting, 'pod-delete'],
  ];
  for (const [name, pod, want] of cases) assert.equal(first(pod), want, name);
});

test('valueAt reads dotted and bracketed paths', () => {
  const o = { metadata: { annotations: { 'berth.io/x': 'v' } }, spec: { n: 3, obj: { a: 1 } } };
  assert.equal(valueAt(o, '.metadata.annotations["berth.io/x"]'), 'v');
  assert.equal(valueAt(o, '.spec.n'), '3');
  assert.equal(valueAt(o, '.spec.obj'), '{"a":1}');
  assert.equal(valueAt(o, '.spec.missing.deeper'), undefined);
  const st = {
    status: {
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'False' },
      ],
    },
  };
  assert.equal(valueAt(st, '.status.conditions[type=Ready].status'), 'False');
  assert.equal(valueAt(st, '.status.conditions[type=Initialized].status'), 'True');
  assert.equal(valueAt(st, '.status.conditions[type=PodScheduled].status'), undefined);
  assert.equal(valueAt({ status: {} }, '.status.conditions[type=Ready].status'), undefined);
});

test('durations and stage delays (jitter, annotation override)', () => {
  assert.deepEqual(['500ms', '2s', '1.5m', '1h'].map(parseDuration), [500, 2000, 90_000, 3_600_000]);
  assert.throws(() => parseDuration('2 seconds'), /invalid duration/);
  const job = defaultStages({ jobDurationMs: 2000, jitter: 0.5 }).find((s) => s.name === 'pod-complete-job')!;
  const pod = frozenCopy(makePod('j'));
  assert.equal(
    stageDelay(job, pod, () => 0),
    2000,
  );
  assert.equal(
    stageDelay(job, pod, () => 1),
    3000,
  );
  const annotated = frozenCopy({
    ...makePod('j'),
    metadata: { name: 'j', annotations: { 'berth.io/sim-duration': '250ms' } },
  });
  assert.equal(
    stageDelay(job, annotated, () => 0),
    250,
  );
});

test('TimerHeap: one clock timer, due order, replace and cancel by key', () => {
  const clock = new FakeClock();
  const h = new TimerHeap(clock);
  const fired: string[] = [];
  for (let i = 0; i < 1000; i++) h.schedule(`k${i}`, 1000 + (i % 7), () => fired.push(`k${i}`));
  assert.equal(clock.waiting, 1, 'a thousand entries, one clock timer');
  h.schedule('k0', 5000, () => fired.push('late'));
  h.cancel('k1');
  clock.advance(1003);
  const due = [...Array(1000).keys()].filter((i) => i % 7 <= 3 && i > 1).length; // offsets 0..3, minus k0 (moved) and k1 (cancelled)
  assert.equal(fired.length, due);
  assert.deepEqual(fired.slice(0, 3), ['k7', 'k14', 'k21'], 'due order, ties in scheduling order');
  assert.ok(!fired.includes('k0') && !fired.includes('k1'));
  clock.advance(10_000);
  assert.equal(fired.at(-1), 'late');
  assert.equal(h.size, 0);
});

test('StageEngine walks a job pod through its stages on the fake clock', async () => {
  const clock = new FakeClock();
  const pods = new Map<string, RPod>();
  const applied: string[] = [];
  const put = (p: Pod) => {
    const f = frozenCopy(p);
    pods.set(`${p.metadata.namespace}/${p.metadata.name}`, f);
    engine.observe(f);
  };
  const stages: Stage[] = defaultStages({ readyDelayMs: 1000, jobDurationMs: 2000, jitter: 0 });
  const engine: StageEngine = new StageEngine({
    stages,
    clock,
    log: silentLogger,
    get: (k) => pods.get(k),
    apply: async (pod, stage) => {
      applied.push(`${clock.now() - start}:${stage.name}`);
      const next = structuredClone(pod) as Pod;
      if ('status' in stage.next)
        next.status = { phase: stage.next.status === 'running' ? 'Running' : 'Succeeded' };
      next.metadata.resourceVersion = String(Number(pod.metadata.resourceVersion ?? 0) + 1);
      put(next);
    },
  });
  const start = clock.now();
  put(bound(makePod('job', {}, { restartPolicy: 'OnFailure' })));
  put(bound(makePod('job', {}, { restartPolicy: 'OnFailure' }))); // a repeat does not restart the delay
  clock.advance(999);
  await settle();
  assert.deepEqual(applied, []);
  clock.advance(1);
  await engine.idle();
  clock.advance(2000);
  await engine.idle();
  assert.deepEqual(applied, ['1000:pod-ready', '3000:pod-complete-job']);
  assert.equal(pods.get('default/job')?.status?.phase, 'Succeeded');
  assert.equal(engine.scheduled, 0);
  await engine.stop();
});
