import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchPodFailurePolicy, type PolicyVerdict } from './pod-failure-policy.ts';
import { jobObj, podOf } from './testing.ts';
import type { PodFailurePolicyRule, Pod } from './types.ts';

function failedPod(exitCode: number, extra: Partial<Pod['status']> = {}): Pod {
  const job = jobObj('j');
  const p = podOf(job, 'p', { phase: 'Failed', exitCode });
  p.status = { ...p.status, ...extra };
  return p;
}

const disrupted = { conditions: [{ type: 'DisruptionTarget', status: 'True' as const }] };

const cases: [string, PodFailurePolicyRule[], Pod, PolicyVerdict][] = [
  ['no rules: counted', [], failedPod(1), { countFailed: true }],
  [
    'In matches → FailJob with message',
    [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1, 2] } }],
    failedPod(2),
    {
      action: 'FailJob',
      countFailed: true,
      failJobMessage:
        'Container main for pod default/p failed with exit code 2 matching FailJob rule at index 0',
    },
  ],
  [
    'In does not match → counted',
    [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }],
    failedPod(1),
    { countFailed: true },
  ],
  [
    'NotIn matches other codes',
    [{ action: 'Ignore', onExitCodes: { operator: 'NotIn', values: [1] } }],
    failedPod(3),
    { action: 'Ignore', countFailed: false },
  ],
  [
    'exit code 0 never matches NotIn',
    [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [1] } }],
    failedPod(0),
    { countFailed: true },
  ],
  [
    'containerName restricts the match',
    [{ action: 'FailJob', onExitCodes: { containerName: 'sidecar', operator: 'In', values: [1] } }],
    failedPod(1),
    { countFailed: true },
  ],
  [
    'first matching rule wins',
    [
      { action: 'Count', onExitCodes: { operator: 'In', values: [5] } },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { operator: 'In', values: [5] } },
    ],
    failedPod(5, disrupted),
    { action: 'Count', countFailed: true },
  ],
  [
    'onPodConditions DisruptionTarget → Ignore',
    [
      { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
    ],
    failedPod(137, disrupted),
    { action: 'Ignore', countFailed: false },
  ],
  [
    'onPodConditions with another status does not match',
    [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'False' }] }],
    failedPod(137, disrupted),
    { countFailed: true },
  ],
  [
    'FailJob on a pod condition names it',
    [{ action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
    failedPod(1, disrupted),
    {
      action: 'FailJob',
      countFailed: true,
      failJobMessage: 'Pod default/p has condition DisruptionTarget matching FailJob rule at index 0',
    },
  ],
  [
    'FailIndex counts',
    [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [7] } }],
    failedPod(7),
    { action: 'FailIndex', countFailed: true },
  ],
];

for (const [label, rules, pod, want] of cases) {
  test(`podFailurePolicy: ${label}`, () => {
    const job = jobObj('j', { podFailurePolicy: { rules } });
    assert.deepEqual(matchPodFailurePolicy(job, pod), want);
  });
}

test('podFailurePolicy: init container exit codes match too', () => {
  const job = jobObj('j', {
    podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [9] } }] },
  });
  const pod = failedPod(0, {
    initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 9 } } }],
  });
  assert.match(matchPodFailurePolicy(job, pod).failJobMessage ?? '', /^Container init for pod/);
});
