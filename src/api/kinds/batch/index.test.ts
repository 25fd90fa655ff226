import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertModuleConsistent } from '../apps/fixtures.ts';
import { module } from './index.ts';

describe('batch module', () => {
  it('has resolvable definitions and a schema for every kind', () => assertModuleConsistent(module));

  it('merges Job conditions by type but keeps the list atomic for apply, as Kubernetes does', () => {
    const conditions = module.definitions['io.k8s.api.batch.v1.JobStatus'].properties?.conditions;
    assert.equal(conditions?.['x-kubernetes-patch-merge-key'], 'type');
    assert.equal(conditions?.['x-kubernetes-list-type'], 'atomic');
  });

  it('lists jobs and cronjobs as kubectl api-resources shows them', () => {
    assert.deepEqual(
      module.kinds.map((k) => [k.resource, k.shortNames ?? [], k.categories ?? []]),
      [
        ['jobs', [], ['all']],
        ['cronjobs', ['cj'], ['all']],
      ],
    );
  });
});
