import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLabels, parseTaints } from './sim.ts';

test('berth sim --labels and --taints parsing', () => {
  assert.deepEqual(parseLabels('zone=z1,tier=gpu'), { zone: 'z1', tier: 'gpu' });
  assert.deepEqual(parseLabels(undefined), {});
  assert.throws(() => parseLabels('novalue'), /invalid label "novalue"/);
  assert.deepEqual(parseTaints('dedicated=infra:NoSchedule,spot:PreferNoSchedule'), [
    { key: 'dedicated', value: 'infra', effect: 'NoSchedule' },
    { key: 'spot', effect: 'PreferNoSchedule' },
  ]);
  assert.throws(() => parseTaints('k=v:Sometimes'), /invalid taint/);
});
