import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertModuleConsistent } from '../apps/fixtures.ts';
import { module } from './index.ts';

describe('autoscaling module', () => {
  it('has resolvable definitions and a schema for every kind', () => assertModuleConsistent(module));

  it('defines autoscaling/v1 Scale for the /scale subresources', () => {
    const scale = module.definitions['io.k8s.api.autoscaling.v1.Scale'];
    assert.deepEqual(scale['x-kubernetes-group-version-kind'], [
      { group: 'autoscaling', version: 'v1', kind: 'Scale' },
    ]);
    assert.ok(module.definitions['io.k8s.api.autoscaling.v1.ScaleStatus'].properties?.selector);
  });

  it('stores v2 and serves v1 over it', () => {
    const [v2, v1] = module.kinds;
    assert.deepEqual([v2.version, v2.storedAs], ['v2', undefined]);
    assert.deepEqual([v1.version, v1.storedAs?.resource], ['v1', 'horizontalpodautoscalers']);
  });
});
