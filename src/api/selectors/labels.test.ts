import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatLabelSelector,
  formatRequirements,
  matchesLabels,
  parseLabelSelector,
  selectorFromLabelSelector,
} from './labels.ts';

const web = { app: 'web', tier: 'front', version: '3' };

test('parse and match', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['', web, true],
    ['app=web', web, true],
    ['app==web', web, true],
    ['app=db', web, false],
    ['app!=db', web, true],
    ['app!=web', web, false],
    ['missing!=x', web, true],
    ['app in (web,db)', web, true],
    ['app in (db)', web, false],
    ['missing in (x)', web, false],
    ['app notin (db)', web, true],
    ['app notin (web, db)', web, false],
    ['missing notin (x)', web, true],
    ['app', web, true],
    ['missing', web, false],
    ['!missing', web, true],
    ['!app', web, false],
    ['app=web,tier=front', web, true],
    ['app=web,tier=back', web, false],
    [' app = web , tier in ( front ) ', web, true],
    ['version>2', web, true],
    ['version<2', web, false],
    ['app>2', web, false],
    ['app=', { app: '' }, true],
    ['app=', web, false],
    ['example.com/role=api', { 'example.com/role': 'api' }, true],
    ['app in (web,)', { app: '' }, true],
  ];
  for (const [sel, labels, want] of cases) {
    assert.equal(matchesLabels(parseLabelSelector(sel), labels), want, `${sel} on ${JSON.stringify(labels)}`);
  }
  assert.equal(matchesLabels(parseLabelSelector('a'), undefined), false);
  assert.equal(matchesLabels(parseLabelSelector(''), undefined), true);
});

test('parse errors name the problem', () => {
  const cases: [string, RegExp][] = [
    ['app in ()', /values set can't be empty/],
    ['app in (a', /found end of string/],
    ['app in a', /expected '\('/],
    ['app=web=x', /expected ',' or end of string/],
    ['=web', /expected a label key/],
    ['app=web,', /found end of string, expected a label key/],
    ['!', /expected a label key/],
    ['app foo', /found 'foo'/],
    ['-bad=x', /invalid label key "-bad"/],
    ['app=bad value', /found 'value'/],
    ['app=-x', /invalid label value "-x"/],
    ['a'.repeat(64), /no more than 63/],
    ['Example.com/x=y', /prefix part/],
    ['version>x', /single integer/],
  ];
  for (const [sel, re] of cases) {
    assert.throws(() => parseLabelSelector(sel), re, sel);
  }
});

test('format round-trips in key order', () => {
  const cases: [string, string][] = [
    ['tier=front,app=web', 'app=web,tier=front'],
    ['app in (z,a)', 'app in (a,z)'],
    ['!a,b notin (y,x),c==d,e!=f', '!a,b notin (x,y),c==d,e!=f'],
    ['x>5,y<3', 'x>5,y<3'],
  ];
  for (const [input, want] of cases) {
    assert.equal(formatRequirements(parseLabelSelector(input)), want, input);
  }
});

test('metav1.LabelSelector', () => {
  const ls = {
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['front', 'back'] },
      { key: 'canary', operator: 'DoesNotExist' },
      { key: 'env', operator: 'Exists' },
      { key: 'zone', operator: 'NotIn', values: ['a'] },
    ],
  };
  const sel = selectorFromLabelSelector(ls);
  assert.equal(formatLabelSelector(ls), 'app=web,!canary,env,tier in (back,front),zone notin (a)');
  assert.equal(matchesLabels(sel, { app: 'web', tier: 'back', env: 'x' }), true);
  assert.equal(matchesLabels(sel, { app: 'web', tier: 'back', env: 'x', zone: 'a' }), false);
  assert.equal(matchesLabels(sel, { app: 'web', tier: 'back', env: 'x', canary: 'y' }), false);
  // A missing selector matches nothing; an empty one matches everything.
  assert.equal(selectorFromLabelSelector(undefined), null);
  assert.equal(matchesLabels(selectorFromLabelSelector(undefined), web), false);
  assert.equal(matchesLabels(selectorFromLabelSelector({}), web), true);
  assert.equal(formatLabelSelector({}), '');
  assert.equal(formatLabelSelector({ matchLabels: { b: '2', a: '1' } }), 'a=1,b=2');
  assert.throws(
    () => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }),
    /not a valid label selector operator/,
  );
  assert.throws(
    () => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
    /can't be empty/,
  );
  assert.throws(
    () => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
    /must be empty/,
  );
  assert.throws(
    () => selectorFromLabelSelector({ matchLabels: { app: 'not valid' } }),
    /invalid label value/,
  );
});
