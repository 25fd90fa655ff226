import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ctx, newApi } from '../test-fixtures.ts';
import { aggregatedRules, ClusterRoleAggregator } from './aggregation.ts';
import { clusterRole, createAll } from './test-fixtures.ts';

const get = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
const list = { verbs: ['list'], apiGroups: [''], resources: ['pods'] };

describe('aggregatedRules', () => {
  test('union of matching roles by name, duplicates once, itself excluded', () => {
    const agg = clusterRole('agg', [], { x: 'true' }, [{ x: 'true' }]);
    const rules = aggregatedRules(agg, [
      agg,
      clusterRole('b', [list, get], { x: 'true' }),
      clusterRole('a', [get], { x: 'true' }),
      clusterRole('c', [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }], { y: 'true' }),
    ]);
    assert.deepEqual(
      rules?.map((r) => r.verbs),
      [['get'], ['list']],
    );
  });

  test('no aggregationRule: undefined', () => {
    assert.equal(aggregatedRules(clusterRole('plain', [get]), []), undefined);
  });

  test('selectors in order; malformed selectors match nothing', () => {
    const agg = clusterRole('agg', []);
    agg.aggregationRule = {
      clusterRoleSelectors: [
        { matchLabels: { y: 'true' } },
        { matchExpressions: [{ key: 'x', operator: 'Bogus' }] },
        { matchLabels: { x: 'true' } },
      ],
    };
    const rules = aggregatedRules(agg, [
      clusterRole('a', [get], { x: 'true' }),
      clusterRole('b', [list], { y: 'true' }),
    ]);
    assert.deepEqual(
      rules?.map((r) => r.verbs),
      [['list'], ['get']],
    );
  });
});

describe('ClusterRoleAggregator', () => {
  const { api, done } = newApi();
  const agg = new ClusterRoleAggregator(api);
  const rules = async (name: string) =>
    (await api.resource('rbac.authorization.k8s.io', 'clusterroles').get('', name)).rules;
  before(async () => {
    await api.warm();
    await createAll(api, [
      clusterRole('top', [], {}, [{ 'to-top': 'true' }]),
      clusterRole('middle', [], { 'to-top': 'true' }, [{ 'to-middle': 'true' }]),
      clusterRole('leaf', [get], { 'to-middle': 'true' }),
    ]);
    await agg.start();
  });
  after(async () => {
    agg.stop();
    await done();
  });

  test('start settles chains of aggregated roles', async () => {
    assert.deepEqual(await rules('middle'), [get]);
    assert.deepEqual(await rules('top'), [get]);
  });

  test('a new labelled role is picked up by the loop', async () => {
    await createAll(api, [clusterRole('leaf2', [list], { 'to-middle': 'true' })]);
    await agg.idle();
    assert.deepEqual(await rules('middle'), [get, list]);
    assert.deepEqual(await rules('top'), [get, list]);
  });

  test('hand edits of an aggregated role are put back', async () => {
    const rs = api.resource('rbac.authorization.k8s.io', 'clusterroles');
    const cur = await rs.get('', 'top');
    await rs.update(
      '',
      'top',
      { ...cur, rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] },
      ctx(),
    );
    await agg.idle();
    assert.deepEqual(await rules('top'), [get, list]);
  });

  test('reconcile with nothing to do writes nothing', async () => {
    assert.equal(await agg.reconcile(), 0);
  });
});
