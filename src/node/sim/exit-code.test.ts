import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frozenCopy } from '../../client/store.ts';
import { makePod } from '../../scheduler/fixtures.ts';
import type { Pod } from '../../scheduler/types.ts';
import { finishedStatus, restartedStatus, simExitCode, statusFor } from './pod-status.ts';
import { defaultStages, simExitCodeAnnotation, stageMatches } from './stages.ts';

function running(restartPolicy: string | undefined, exitCode?: string): Pod {
  const p = makePod('p', {}, restartPolicy ? { restartPolicy } : {});
  return {
    ...p,
    metadata: {
      ...p.metadata,
      ...(exitCode !== undefined ? { annotations: { [simExitCodeAnnotation]: exitCode } } : {}),
    },
    spec: { ...p.spec, nodeName: 'sim-0' },
    status: { phase: 'Running', startTime: '2026-01-01T00:00:00Z' },
  };
}

test('sim exit code: which stage a running pod takes', () => {
  const stages = defaultStages();
  const first = (p: Pod) => stages.find((s) => stageMatches(s, frozenCopy(p)))?.name;
  const cases: [string, Pod, string | undefined][] = [
    ['Never, exit 1: finishes (Failed)', running('Never', '1'), 'pod-complete-job'],
    ['Never, exit 0: finishes', running('Never', '0'), 'pod-complete-job'],
    ['OnFailure, exit 3: restarts in place', running('OnFailure', '3'), 'pod-restart-failed-container'],
    ['Always, exit 3: restarts in place', running('Always', '3'), 'pod-restart-failed-container'],
    ['default policy, exit 3: restarts', running(undefined, '3'), 'pod-restart-failed-container'],
    ['Always, no exit code: keeps running', running('Always'), undefined],
  ];
  for (const [name, pod, want] of cases) assert.equal(first(pod), want, name);
});

test('simExitCode reads whole numbers 0-255 and falls back to 0', () => {
  const cases: [string | undefined, number][] = [
    [undefined, 0],
    ['0', 0],
    ['42', 42],
    ['255', 255],
    ['256', 0],
    ['-1', 0],
    ['x', 0],
  ];
  for (const [text, want] of cases)
    assert.equal(simExitCode(frozenCopy(running('Never', text))), want, String(text));
});

test('finishedStatus: Failed with the exit code for non-zero, Succeeded for 0', () => {
  const pod = frozenCopy(running('Never', '7'));
  const failed = finishedStatus(pod, Date.UTC(2026, 0, 1, 0, 1), 7) as {
    phase: string;
    conditions: { type: string; reason?: string }[];
    containerStatuses: { state: { terminated: { exitCode: number; reason: string } } }[];
  };
  assert.equal(failed.phase, 'Failed');
  assert.deepEqual(failed.containerStatuses[0]?.state.terminated.exitCode, 7);
  assert.equal(failed.containerStatuses[0]?.state.terminated.reason, 'Error');
  assert.equal(failed.conditions.find((c) => c.type === 'Ready')?.reason, 'PodFailed');
  const viaStage = statusFor('finished', pod, () => ({ hostIP: '', podIP: '' }), 0) as { phase: string };
  assert.equal(viaStage.phase, 'Failed');
  const ok = statusFor('finished', frozenCopy(running('Never')), () => ({ hostIP: '', podIP: '' }), 0);
  assert.equal((ok as { phase: string }).phase, 'Succeeded');
});

test('restartedStatus: still Running, restartCount up by one, the exit in lastState', () => {
  const pod = running('OnFailure', '3');
  const where = { hostIP: '10.0.0.1', podIP: '10.244.0.2' };
  const once = restartedStatus(frozenCopy(pod), where, 0, 3) as unknown as Pod['status'] & {
    containerStatuses: { restartCount: number; lastState: { terminated: { exitCode: number } } }[];
  };
  assert.equal(once.phase, 'Running');
  assert.equal(once.containerStatuses[0]?.restartCount, 1);
  assert.equal(once.containerStatuses[0]?.lastState.terminated.exitCode, 3);
  const twice = restartedStatus(frozenCopy({ ...pod, status: once }), where, 0, 3) as unknown as typeof once;
  assert.equal(twice.containerStatuses[0]?.restartCount, 2);
});
