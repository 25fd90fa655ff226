import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatLabelSelector,
  formatLabels,
  isEmptySelector,
  labelSelectorString,
  selectorMatches,
  validateLabelSelector,
} from './label-selector.ts';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front' };
  const matches: [string, unknown, boolean][] = [
    ['absent selector', undefined, false],
    ['empty selector', {}, true],
    ['matchLabels hit', { matchLabels: { app: 'web' } }, true],
    ['matchLabels miss', { matchLabels: { app: 'db' } }, false],
    ['In hit', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    ['In on missing key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    ['NotIn on missing key', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['NotIn hit', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, false],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['unknown operator', { matchExpressions: [{ key: 'app', operator: 'Like' }] }, false],
  ];
  for (const [name, sel, want] of matches)
    it(`matches: ${name}`, () => assert.equal(selectorMatches(sel, labels), want));

  it('formats like kubectl, sorted by key', () => {
    const sel = {
      matchLabels: { tier: 'front', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'NotIn', values: ['prod', 'dev'] },
        { key: 'zone', operator: 'DoesNotExist' },
        { key: 'canary', operator: 'Exists' },
      ],
    };
    assert.equal(labelSelectorString(sel), 'app=web,canary,env notin (dev,prod),tier=front,!zone');
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSelector(undefined), '<none>');
    assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
    assert.equal(formatLabels({}), '<none>');
    assert.equal(isEmptySelector({ matchLabels: {} }), true);
  });

  it('validates operators, keys and values', () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { 'bad key!': 'x' },
        matchExpressions: [
          { key: 'a', operator: 'In', values: [] },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c', operator: 'Near', values: ['x'] },
          { key: 'd', operator: 'In', values: ['not valid!'] },
        ],
      },
      'spec.selector',
    );
    assert.deepEqual(
      errs.map((e) => `${e.field} ${e.type}`),
      [
        'spec.selector.matchLabels FieldValueInvalid',
        'spec.selector.matchExpressions[0].values FieldValueRequired',
        'spec.selector.matchExpressions[1].values FieldValueForbidden',
        'spec.selector.matchExpressions[2].operator FieldValueNotSupported',
        'spec.selector.matchExpressions[3].values[0] FieldValueInvalid',
      ],
    );
  });
});
