/** `berth agent --eviction-hard / --eviction-soft… / --eviction-pressure-transition-period` reach the manager's options. */
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

test('evictionFrom: soft thresholds, their grace periods and the max pod grace period', () => {
  const d = evictionFrom({ runtime: 'none' });
  assert.equal(d.softThresholds, undefined);
  assert.equal(d.maxPodGracePeriodSeconds, undefined);
  const f = evictionFrom({
    runtime: 'none',
    evictionSoft: 'memory.available<1Gi',
    evictionSoftGracePeriod: 'memory.available=1m30s',
    evictionMaxPodGracePeriod: '20',
  });
  assert.deepEqual(
    f.softThresholds?.map((t) => [t.signal, t.text, t.gracePeriodMs]),
    [['memory.available', '1Gi', 90_000]],
  );
  assert.equal(f.maxPodGracePeriodSeconds, 20);
  assert.throws(
    () => evictionFrom({ runtime: 'none', evictionSoft: 'memory.available<1Gi' }),
    /--eviction-soft: soft threshold memory.available<1Gi has no grace period/,
  );
  assert.throws(
    () => evictionFrom({ runtime: 'none', evictionMaxPodGracePeriod: '1m' }),
    /--eviction-max-pod-grace-period/,
  );
});
