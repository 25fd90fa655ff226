import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.ts';
import { builtinRegistry } from '../../api/kinds/index.ts';
import type { KubeObject } from '../../api/object.ts';
import { systemContext } from '../registry/context.ts';
import { isRestrictedNodeLabel, nodeRestriction } from './node-restriction.ts';
import type { AdmissionAttributes } from './types.ts';

const registry = builtinRegistry();
const kinds = {
  nodes: registry.byGVR('', 'v1', 'nodes')!,
  pods: registry.byGVR('', 'v1', 'pods')!,
  leases: registry.byGVR('coordination.k8s.io', 'v1', 'leases')!,
};
const n1 = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const admin = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };

function node(name: string, labels: Record<string, string> = {}, taints?: unknown[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: taints ? { taints } : {} };
}

function pod(
  name: string,
  nodeName: string | undefined,
  extra: { mirror?: boolean; spec?: Record<string, unknown>; owners?: unknown[] } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      ...(extra.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'hash' } } : {}),
      ...(extra.owners ? { ownerReferences: extra.owners as KubeObject['metadata']['ownerReferences'] } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'x' }], ...(nodeName ? { nodeName } : {}), ...extra.spec },
  };
}

type Case = {
  name: string;
  resource: keyof typeof kinds;
  op: AdmissionAttributes['operation'];
  sub?: string;
  ns?: string;
  objName: string;
  obj?: KubeObject;
  old?: KubeObject;
  user?: typeof n1;
  /** undefined: admitted; a string: the Forbidden message. */
  want?: string;
};

const cases: Case[] = [
  {
    name: 'register own node',
    resource: 'nodes',
    op: 'CREATE',
    objName: 'n1',
    obj: node('n1', { 'kubernetes.io/hostname': 'n1', 'node.kubernetes.io/instance-type': 'vm' }, [
      { key: 'a', effect: 'NoSchedule' },
    ]),
  },
  {
    name: 'register another node',
    resource: 'nodes',
    op: 'CREATE',
    objName: 'n2',
    obj: node('n2'),
    want: 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"',
  },
  {
    name: 'register with restricted labels',
    resource: 'nodes',
    op: 'CREATE',
    objName: 'n1',
    obj: node('n1', {
      'node-restriction.kubernetes.io/trusted': 'yes',
      'node-role.kubernetes.io/control-plane': '',
      'example.com/x': 'y',
    }),
    want: 'nodes "n1" is forbidden: node "n1" is not allowed to set the following labels: node-restriction.kubernetes.io/trusted, node-role.kubernetes.io/control-plane',
  },
  {
    name: 'label another node',
    resource: 'nodes',
    op: 'UPDATE',
    objName: 'n2',
    obj: node('n2', { x: 'y' }),
    old: node('n2'),
    want: 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"',
  },
  {
    name: 'update own node with a free label',
    resource: 'nodes',
    op: 'UPDATE',
    objName: 'n1',
    obj: node('n1', { team: 'a' }),
    old: node('n1'),
  },
  {
    name: 'status update of own node',
    resource: 'nodes',
    op: 'UPDATE',
    sub: 'status',
    objName: 'n1',
    obj: node('n1'),
    old: node('n1'),
  },
  {
    name: 'remove a restricted label',
    resource: 'nodes',
    op: 'UPDATE',
    objName: 'n1',
    obj: node('n1'),
    old: node('n1', { 'node-restriction.kubernetes.io/pool': 'a' }),
    want: 'nodes "n1" is forbidden: node "n1" is not allowed to modify labels: node-restriction.kubernetes.io/pool',
  },
  {
    name: 'keep a restricted label unchanged',
    resource: 'nodes',
    op: 'UPDATE',
    objName: 'n1',
    obj: node('n1', { 'node-restriction.kubernetes.io/pool': 'a', b: 'c' }),
    old: node('n1', { 'node-restriction.kubernetes.io/pool': 'a' }),
  },
  {
    name: 'change own taints',
    resource: 'nodes',
    op: 'UPDATE',
    objName: 'n1',
    obj: node('n1', {}, []),
    old: node('n1', {}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]),
    want: 'nodes "n1" is forbidden: node "n1" is not allowed to modify taints',
  },
  {
    name: 'admin may do anything',
    resource: 'nodes',
    op: 'UPDATE',
    objName: 'n2',
    user: admin,
    obj: node('n2', { 'node-restriction.kubernetes.io/x': 'y' }),
    old: node('n2'),
  },
  {
    name: 'create a mirror pod bound to itself',
    resource: 'pods',
    op: 'CREATE',
    ns: 'default',
    objName: 'm',
    obj: pod('m', 'n1', { mirror: true, owners: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u' }] }),
  },
  {
    name: 'create a normal pod',
    resource: 'pods',
    op: 'CREATE',
    ns: 'default',
    objName: 'p',
    obj: pod('p', 'n1'),
    want: 'pods "p" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods',
  },
  {
    name: 'create a mirror pod for another node',
    resource: 'pods',
    op: 'CREATE',
    ns: 'default',
    objName: 'm',
    obj: pod('m', 'n2', { mirror: true }),
    want: 'pods "m" is forbidden: node "n1" can only create pods with spec.nodeName set to itself',
  },
  {
    name: 'mirror pod owned by something else',
    resource: 'pods',
    op: 'CREATE',
    ns: 'default',
    objName: 'm',
    obj: pod('m', 'n1', {
      mirror: true,
      owners: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r', uid: 'u' }],
    }),
    want: 'pods "m" is forbidden: node "n1" can only create pods with an owner reference set to itself',
  },
  {
    name: 'mirror pod using a secret',
    resource: 'pods',
    op: 'CREATE',
    ns: 'default',
    objName: 'm',
    obj: pod('m', 'n1', { mirror: true, spec: { volumes: [{ name: 'v', secret: { secretName: 's' } }] } }),
    want: 'pods "m" is forbidden: node "n1" can not create pods that reference secrets',
  },
  {
    name: 'update status of a bound pod',
    resource: 'pods',
    op: 'UPDATE',
    sub: 'status',
    ns: 'default',
    objName: 'p',
    obj: pod('p', 'n1'),
    old: pod('p', 'n1'),
  },
  {
    name: 'update status of a pod on another node',
    resource: 'pods',
    op: 'UPDATE',
    sub: 'status',
    ns: 'default',
    objName: 'p',
    obj: pod('p', 'n2'),
    old: pod('p', 'n2'),
    want: 'pods "p" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself',
  },
  {
    name: 'update a pod spec',
    resource: 'pods',
    op: 'UPDATE',
    ns: 'default',
    objName: 'p',
    obj: pod('p', 'n1'),
    old: pod('p', 'n1'),
    want: 'pods "p" is forbidden: node "n1" can only update pod status',
  },
  {
    name: 'delete a bound pod',
    resource: 'pods',
    op: 'DELETE',
    ns: 'default',
    objName: 'p',
    old: pod('p', 'n1'),
  },
  {
    name: 'delete a pod on another node',
    resource: 'pods',
    op: 'DELETE',
    ns: 'default',
    objName: 'p',
    old: pod('p', 'n2'),
    want: 'pods "p" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself',
  },
  { name: 'own lease', resource: 'leases', op: 'UPDATE', ns: 'kube-node-lease', objName: 'n1' },
  {
    name: 'another lease',
    resource: 'leases',
    op: 'UPDATE',
    ns: 'kube-node-lease',
    objName: 'n2',
    want: 'leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node',
  },
];

for (const c of cases) {
  test(`NodeRestriction: ${c.name}`, async () => {
    const a: AdmissionAttributes = {
      kind: kinds[c.resource],
      operation: c.op,
      subresource: c.sub ?? '',
      namespace: c.ns ?? '',
      name: c.objName,
      obj: c.obj,
      old: c.old,
      ctx: { ...systemContext(), user: c.user ?? n1 },
    };
    const run = async () => nodeRestriction().admit(a);
    if (c.want === undefined) return assert.equal(await run(), undefined);
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 403);
      assert.equal(e.message, c.want);
      return true;
    });
  });
}

test('isRestrictedNodeLabel', () => {
  const table: [string, boolean][] = [
    ['team', false],
    ['example.com/a', false],
    ['kubernetes.io/hostname', false],
    ['node.kubernetes.io/instance-type', false],
    ['node.kubernetes.io/anything', false],
    ['kubelet.kubernetes.io/x', false],
    ['node-restriction.kubernetes.io/x', true],
    ['node-role.kubernetes.io/worker', true],
    ['kubernetes.io/other', true],
    ['sub.k8s.io/x', true],
  ];
  for (const [k, want] of table) assert.equal(isRestrictedNodeLabel(k), want, k);
});
