import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNodeFlags, type NodeFlags } from './node-flags.ts';

test('node flags: parsed values and one-line errors naming the flag', () => {
  assert.deepEqual(parseNodeFlags({}), {
    controllers: { clusterCidr: undefined, nodeCidrMaskSize: undefined, nodeMonitorGracePeriodMs: undefined },
    defaultNotReadyTolerationSeconds: undefined,
    defaultUnreachableTolerationSeconds: undefined,
  });
  assert.deepEqual(
    parseNodeFlags({
      clusterCidr: '10.100.0.0/16',
      nodeCidrMaskSize: '25',
      nodeMonitorGracePeriod: '5s',
      defaultNotReadyTolerationSeconds: '0',
      defaultUnreachableTolerationSeconds: '30',
    }),
    {
      controllers: { clusterCidr: '10.100.0.0/16', nodeCidrMaskSize: 25, nodeMonitorGracePeriodMs: 5000 },
      defaultNotReadyTolerationSeconds: 0,
      defaultUnreachableTolerationSeconds: 30,
    },
  );
  const bad: [NodeFlags, RegExp][] = [
    [{ clusterCidr: '10.100.0.0' }, /--cluster-cidr\/--node-cidr-mask-size: invalid CIDR/],
    [{ nodeCidrMaskSize: '8' }, /must be between \/16 and \/32/],
    [{ nodeCidrMaskSize: 'x' }, /--node-cidr-mask-size must be a whole number/],
    [{ nodeMonitorGracePeriod: '40' }, /--node-monitor-grace-period: invalid duration "40"/],
    [{ nodeMonitorGracePeriod: '500ms' }, /at least 1s/],
    [{ defaultNotReadyTolerationSeconds: '-1' }, /--default-not-ready-toleration-seconds must be/],
    [{ defaultUnreachableTolerationSeconds: '1.5' }, /--default-unreachable-toleration-seconds must be/],
  ];
  for (const [flags, want] of bad) assert.throws(() => parseNodeFlags(flags), want, JSON.stringify(flags));
});
