/** What a node's agent may do for the networking it hosts (proxy, NetworkPolicy, cluster DNS). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRegistry } from '../../api/kinds/index.ts';
import { nodeRestriction } from '../admission/node-restriction.ts';
import type { AdmissionAttributes } from '../admission/types.ts';
import { systemContext } from '../registry/context.ts';
import type { Attributes } from './authorizer.ts';
import { NodeAuthorizer } from './node-authorizer.ts';
import type { CacheSource } from './rbac.ts';

const n1 = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const authz = new NodeAuthorizer(() => ({ cacheFor: () => new Map() }) as unknown as CacheSource);

function allowed(verb: string, group: string, resource: string, extra: Partial<Attributes> = {}): boolean {
  return authz.authorize({
    user: n1,
    verb,
    isResourceRequest: true,
    group,
    resource,
    path: '',
    ...extra,
  } as Attributes).allowed;
}

test('nodes read what the proxy, NetworkPolicy and DNS workers watch', () => {
  for (const [group, resource] of [
    ['', 'services'],
    ['discovery.k8s.io', 'endpointslices'],
    ['networking.k8s.io', 'networkpolicies'],
    ['', 'namespaces'],
    ['', 'pods'],
  ])
    for (const verb of ['list', 'watch']) assert.ok(allowed(verb, group, resource), `${verb} ${resource}`);
  assert.ok(allowed('update', '', 'services', { subresource: 'status', namespace: 'a', name: 'lb' }));
  assert.ok(!allowed('create', 'networking.k8s.io', 'networkpolicies', { namespace: 'a' }));
  assert.ok(!allowed('update', '', 'services', { namespace: 'a', name: 'lb' }));
});

test('a node writes only its own kube-dns EndpointSlice', () => {
  const slice = (verb: string, namespace: string, name?: string) =>
    allowed(verb, 'discovery.k8s.io', 'endpointslices', { namespace, name });
  assert.ok(slice('create', 'kube-system'));
  assert.ok(slice('update', 'kube-system', 'kube-dns-n1'));
  assert.ok(slice('delete', 'kube-system', 'kube-dns-n1'));
  assert.ok(!slice('update', 'kube-system', 'kube-dns-n2'));
  assert.ok(!slice('delete', 'kube-system', 'kube-dns'));
  assert.ok(!slice('create', 'default'));
});

test("NodeRestriction: the slice must be the node's own and belong to kube-dns", async () => {
  const kind = builtinRegistry().byGVR('discovery.k8s.io', 'v1', 'endpointslices')!;
  const plugin = nodeRestriction();
  const admit = (namespace: string, name: string, service: string) =>
    plugin.admit({
      kind,
      operation: 'CREATE',
      subresource: '',
      namespace,
      name,
      obj: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name, namespace, labels: { 'kubernetes.io/service-name': service } },
      },
      ctx: { ...systemContext(), user: n1 },
    } as AdmissionAttributes);
  await admit('kube-system', 'kube-dns-n1', 'kube-dns');
  for (const [ns, name, svc] of [
    ['kube-system', 'kube-dns-n2', 'kube-dns'],
    ['kube-system', 'kube-dns-n1', 'web'],
    ['default', 'kube-dns-n1', 'kube-dns'],
  ])
    await assert.rejects(
      async () => admit(ns!, name!, svc!),
      /forbidden|may only/,
      `${ns}/${name} for ${svc}`,
    );
});
