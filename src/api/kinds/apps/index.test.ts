import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refName, resolve } from '../../schema/types.ts';
import { definitions as metaDefinitions } from '../../schema/defs/meta.ts';
import { assertModuleConsistent, unresolvedRefs } from './fixtures.ts';
import { module } from './index.ts';

describe('apps module', () => {
  it('has resolvable definitions and a schema for every kind', () => assertModuleConsistent(module));

  it('notices a dangling reference', () => {
    assert.deepEqual(unresolvedRefs({ X: { $ref: '#/components/schemas/Nope' } }), ['Nope']);
  });

  it('marks patch strategies where Kubernetes has them', () => {
    const d = module.definitions;
    const strategy = d['io.k8s.api.apps.v1.DeploymentSpec'].properties?.strategy;
    assert.equal(strategy?.['x-kubernetes-patch-strategy'], 'retainKeys');
    const conditions = d['io.k8s.api.apps.v1.DeploymentStatus'].properties?.conditions;
    assert.equal(conditions?.['x-kubernetes-patch-merge-key'], 'type');
    const ru = resolve(d['io.k8s.api.apps.v1.DeploymentStrategy'].properties!.rollingUpdate, d);
    // maxSurge refers to IntOrString (so `kubectl explain` shows <IntOrString>), which is int-or-string.
    assert.equal(refName(ru.properties!.maxSurge), 'io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    assert.equal(
      resolve(ru.properties!.maxSurge, { ...metaDefinitions, ...d })['x-kubernetes-int-or-string'],
      true,
    );
  });

  it('lists the apps/v1 resources kubectl api-resources shows', () => {
    assert.deepEqual(
      module.kinds.map((k) => [k.resource, k.shortNames ?? [], k.categories ?? [], k.namespaced]),
      [
        ['deployments', ['deploy'], ['all'], true],
        ['replicasets', ['rs'], ['all'], true],
        ['statefulsets', ['sts'], ['all'], true],
        ['daemonsets', ['ds'], ['all'], true],
        ['controllerrevisions', [], [], true],
      ],
    );
  });
});
