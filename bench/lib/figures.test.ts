import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figuresTable, formatFigure, judge } from './figures.ts';

test('judge fills the ratio and checks the target on the value or the ratio', () => {
  const cases = [
    {
      f: {
        name: 'a',
        value: 3500,
        unit: '/s' as const,
        baseline: 7000,
        target: { op: '>=' as const, value: 3000 },
      },
      ratio: 0.5,
      met: true,
    },
    {
      f: { name: 'b', value: 2500, unit: '/s' as const, target: { op: '>=' as const, value: 3000 } },
      ratio: undefined,
      met: false,
    },
    {
      f: {
        name: 'c',
        value: 120,
        unit: 'ms' as const,
        baseline: 100,
        target: { op: '<=' as const, value: 1.1, on: 'ratio' as const },
      },
      ratio: 1.2,
      met: false,
    },
    { f: { name: 'd', value: 5, unit: 'ms' as const, baseline: 0 }, ratio: undefined, met: undefined },
  ];
  for (const c of cases) {
    const j = judge(c.f);
    assert.equal(j.ratio, c.ratio, c.f.name);
    assert.equal(j.met, c.met, c.f.name);
  }
});

test('formats by unit and renders a row per figure', () => {
  assert.equal(formatFigure(3456.7, '/s'), '3,457/s');
  assert.equal(formatFigure(12.34, 'ms'), '12.3 ms');
  assert.equal(formatFigure(127.38, 'MB'), '127.4 MB');
  assert.equal(formatFigure(Number.NaN, 'x'), '-');
  const out = figuresTable([
    {
      name: 'rss',
      value: 127.4,
      unit: 'MB',
      baselineName: 'bare',
      baseline: 73.4,
      target: { op: '<=', value: 100 },
    },
  ]);
  const lines = out.split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[2]!, /^rss\s+127\.4 MB\s+bare\s+73\.4 MB\s+1\.74x\s+<= 100\.0 MB\s+NO$/);
});
