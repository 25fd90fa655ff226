import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCheckPerf } from './etcd-baseline.ts';

test('parseCheckPerf reads the summary of etcdctl 3.4 check perf', () => {
  const cases = [
    {
      name: 'pass, after progress-bar noise',
      out: ' 59 / 60   98.33%\r 60 / 60  100.00% 1m0s\nPASS: Throughput is 150 writes/s\nPASS: Slowest request took 0.010420s\nPASS: Stddev is 0.000463s\nPASS\n',
      want: { pass: true, writesPerSec: 150, slowestMs: 10.42, stddevMs: 0.463, lines: 4 },
    },
    {
      name: 'fail',
      out: 'FAIL: Throughput too low: 90 writes/s\nPASS: Slowest request took 0.2s\nPASS: Stddev is 0.01s\nFAIL\n',
      want: { pass: false, writesPerSec: undefined, slowestMs: 200, stddevMs: 10, lines: 4 },
    },
    { name: 'no summary', out: 'Error: context deadline exceeded\n', want: { pass: false, lines: 0 } },
  ];
  for (const c of cases) {
    const r = parseCheckPerf(c.out);
    assert.equal(r.pass, c.want.pass, c.name);
    assert.equal(r.lines.length, c.want.lines, c.name);
    assert.equal(r.writesPerSec, c.want.writesPerSec, c.name);
    if (r.slowestMs !== undefined) assert.ok(Math.abs(r.slowestMs - c.want.slowestMs!) < 1e-9, c.name);
    if (r.stddevMs !== undefined) assert.ok(Math.abs(r.stddevMs - c.want.stddevMs!) < 1e-9, c.name);
  }
});
