import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyJsonPatch } from '../../api/patch/jsonpatch.ts';
import { finalizerRemovalPatch, isFailed, onlyReplaceFailedPods } from './pod-state.ts';
import { jobObj, podOf } from './testing.ts';
import { jobTrackingFinalizer, type JobSpec, type Pod } from './types.ts';

const failedCases: [string, Partial<JobSpec>, Parameters<typeof podOf>[2], boolean][] = [
  ['phase Failed', {}, { phase: 'Failed' }, true],
  ['running', {}, { phase: 'Running' }, false],
  ['deleted while running', {}, { phase: 'Running', deleting: true }, true],
  ['deleted after success', {}, { phase: 'Succeeded', deleting: true }, false],
  [
    'deleted while running, podReplacementPolicy Failed',
    { podReplacementPolicy: 'Failed' },
    { phase: 'Running', deleting: true },
    false,
  ],
  [
    'deleted while running, with podFailurePolicy',
    { podFailurePolicy: { rules: [] } },
    { phase: 'Running', deleting: true },
    false,
  ],
];
for (const [label, spec, st, want] of failedCases) {
  test(`isFailed: ${label}`, () => {
    const job = jobObj('j', spec);
    assert.equal(isFailed(podOf(job, 'p', st), job), want);
  });
}

test('onlyReplaceFailedPods follows podReplacementPolicy, else podFailurePolicy', () => {
  assert.equal(onlyReplaceFailedPods(jobObj('j')), false);
  assert.equal(onlyReplaceFailedPods(jobObj('j', { podFailurePolicy: { rules: [] } })), true);
  assert.equal(
    onlyReplaceFailedPods(
      jobObj('j', { podFailurePolicy: { rules: [] }, podReplacementPolicy: 'TerminatingOrFailed' }),
    ),
    false,
  );
});

test('finalizerRemovalPatch removes only the tracking finalizer and checks the uid', () => {
  const pod = podOf(jobObj('j'), 'p');
  pod.metadata.uid = 'u1';
  pod.metadata.finalizers = ['example.com/keep', jobTrackingFinalizer];
  const out = applyJsonPatch(pod, finalizerRemovalPatch(pod)) as Pod;
  assert.deepEqual(out.metadata.finalizers, ['example.com/keep']);
  pod.metadata.finalizers = [jobTrackingFinalizer];
  assert.equal((applyJsonPatch(pod, finalizerRemovalPatch(pod)) as Pod).metadata.finalizers, undefined);
  const other = { ...pod, metadata: { ...pod.metadata, uid: 'u2' } };
  assert.throws(() => applyJsonPatch(other, finalizerRemovalPatch(pod)));
  pod.metadata.finalizers = [];
  assert.equal(finalizerRemovalPatch(pod), undefined);
});
