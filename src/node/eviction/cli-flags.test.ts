/** `berth agent --eviction-hard / --eviction-pressure-transition-period` reach the manager's options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evictionFrom } from '../../cli/agent.ts';
import { CliError } from '../../cli/cli-error.ts';

test('evictionFrom: defaults, kubelet syntax, and one-line errors', () => {
  const d = evictionFrom({ runtime: 'none' });
  assert.deepEqual(
    d.thresholds.map((t) => `${t.signal}<${t.text}`),
    ['memory.available<100Mi', 'nodefs.available<10%'],
  );
  assert.equal(d.pressureTransitionPeriodMs, undefined, 'the manager default (5m) applies');
  const f = evictionFrom({
    runtime: 'none',
    evictionHard: 'memory.available<200Mi,nodefs.available<5%',
    evictionPressureTransitionPeriod: '30s',
  });
  assert.deepEqual(
    f.thresholds.map((t) => `${t.signal}<${t.text}`),
    ['memory.available<200Mi', 'nodefs.available<5%'],
  );
  assert.equal(f.pressureTransitionPeriodMs, 30_000);
  assert.throws(() => evictionFrom({ runtime: 'none', evictionHard: 'memory.free<1Mi' }), CliError);
  assert.throws(
    () => evictionFrom({ runtime: 'none', evictionPressureTransitionPeriod: 'soon' }),
    /--eviction-pressure-transition-period/,
  );
});
