import { test } from 'node:test';
import assert from 'node:assert/strict';
import { s } from '../schema/types.ts';
import type { Definitions, Schema } from '../schema/types.ts';
import { definitions as metaDefs, metaNames } from '../schema/defs/meta.ts';
import { strategicMergePatch } from './strategic.ts';

// Small stand-ins for the apps/v1 and core/v1 definitions, with the same patch metadata.
const P = 'test.';
const defs: Definitions = {
  ...metaDefs,
  [`${P}Deployment`]: s.obj(
    {
      apiVersion: s.str(''),
      kind: s.str(''),
      metadata: s.ref(metaNames.ObjectMeta),
      spec: s.ref(`${P}DeploymentSpec`),
    },
    '',
  ),
  [`${P}DeploymentSpec`]: s.obj(
    {
      replicas: s.int32(''),
      selector: s.ref(metaNames.LabelSelector),
      template: s.ref(`${P}PodTemplateSpec`),
      strategy: { ...s.ref(`${P}DeploymentStrategy`, 'how'), 'x-kubernetes-patch-strategy': 'retainKeys' },
    },
    '',
  ),
  [`${P}DeploymentStrategy`]: s.obj(
    {
      type: s.str(''),
      rollingUpdate: s.obj({ maxSurge: s.intOrString(''), maxUnavailable: s.intOrString('') }, ''),
    },
    '',
  ),
  [`${P}PodTemplateSpec`]: s.obj({ metadata: s.ref(metaNames.ObjectMeta), spec: s.ref(`${P}PodSpec`) }, ''),
  [`${P}PodSpec`]: s.obj(
    {
      containers: s.mapList(s.ref(`${P}Container`), 'name', ''),
      volumes: {
        ...s.mapList(s.ref(`${P}Volume`), 'name', ''),
        'x-kubernetes-patch-strategy': 'merge,retainKeys',
      },
      nodeSelector: s.strMap(''),
      tolerations: s.list(s.obj({ key: s.str(''), effect: s.str('') }, ''), ''),
      restartPolicy: s.str(''),
    },
    '',
  ),
  [`${P}Container`]: s.obj(
    {
      name: s.str(''),
      image: s.str(''),
      args: s.strList(''),
      env: s.mapList(s.obj({ name: s.str(''), value: s.str('') }, ''), 'name', ''),
      ports: s.mapList(
        s.obj({ containerPort: s.int32(''), name: s.str(''), protocol: s.str('') }, ''),
        'containerPort',
        '',
      ),
      resources: s.obj({ limits: s.mapOf(s.quantity(''), ''), requests: s.mapOf(s.quantity(''), '') }, ''),
    },
    '',
  ),
  [`${P}Volume`]: s.obj(
    { name: s.str(''), emptyDir: s.obj({}, ''), configMap: s.obj({ name: s.str('') }, '') },
    '',
  ),
  [`${P}Node`]: s.obj(
    {
      metadata: s.ref(metaNames.ObjectMeta),
      spec: s.obj(
        { unschedulable: s.bool(''), taints: s.list(s.obj({ key: s.str(''), effect: s.str('') }, ''), '') },
        '',
      ),
    },
    '',
  ),
};
const deploymentSchema: Schema = s.ref(`${P}Deployment`);
const nodeSchema: Schema = s.ref(`${P}Node`);

function liveDeployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      labels: { app: 'web' },
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}\n',
        'deployment.kubernetes.io/revision': '1',
      },
      finalizers: ['a', 'b'],
      ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u1' }],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          restartPolicy: 'Always',
          nodeSelector: { disk: 'hdd', zone: 'a' },
          tolerations: [{ key: 'a', effect: 'NoSchedule' }],
          volumes: [{ name: 'data', emptyDir: {} }],
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'S', value: 'server-side' },
                { name: 'B', value: '2' },
              ],
              resources: { limits: { cpu: '500m' } },
            },
            { name: 'sidecar', image: 'busybox', args: ['sleep', 'inf'] },
          ],
        },
      },
    },
  };
}

type Doc = {
  metadata: {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    finalizers: string[];
    ownerReferences: { uid: string }[];
  };
  spec: {
    strategy: unknown;
    template: {
      spec: {
        containers: Record<string, unknown>[];
        volumes: unknown[];
        nodeSelector: unknown;
        tolerations: unknown;
      };
    };
  };
};

function apply(patch: unknown): Doc {
  const live = liveDeployment();
  const out = strategicMergePatch(live, patch, deploymentSchema, defs) as Doc;
  assert.deepEqual(live, liveDeployment(), 'the live object is not changed');
  return out;
}

const containers = (d: Doc) => d.spec.template.spec.containers;
const names = (list: Record<string, unknown>[]) => list.map((c) => c.name);

test('kubectl apply: change an image', () => {
  const out = apply({
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n' } },
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
          containers: [{ image: 'nginx:1.27', name: 'web' }],
        },
      },
    },
  });
  assert.deepEqual(names(containers(out)), ['web', 'sidecar']);
  assert.equal(containers(out)[0]!.image, 'nginx:1.27');
  assert.deepEqual(
    containers(out)[0]!.ports,
    [{ containerPort: 80, protocol: 'TCP' }],
    'untouched fields stay',
  );
  assert.equal(
    out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'],
    '{"new":true}\n',
  );
  assert.equal(out.metadata.annotations['deployment.kubernetes.io/revision'], '1');
});

test('kubectl apply: delete a container', () => {
  const out = apply({
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }],
          containers: [{ $patch: 'delete', name: 'sidecar' }],
        },
      },
    },
  });
  assert.deepEqual(names(containers(out)), ['web']);
});

test('kubectl apply: add a container in the middle and reorder', () => {
  const out = apply({
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'metrics' }, { name: 'web' }],
          containers: [{ image: 'prom', name: 'metrics', resources: null }],
        },
      },
    },
  });
  assert.deepEqual(names(containers(out)), ['sidecar', 'metrics', 'web']);
  assert.deepEqual(
    containers(out)[1],
    { image: 'prom', name: 'metrics' },
    'nulls in a new element are dropped',
  );
});

test('kubectl apply: env by name, server-added entries kept', () => {
  const out = apply({
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
          containers: [
            {
              '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }],
              env: [
                { name: 'A', value: '10' },
                { name: 'C', value: '3' },
                { $patch: 'delete', name: 'B' },
              ],
              name: 'web',
            },
          ],
        },
      },
    },
  });
  // As in Kubernetes: the patch's elements keep their order, a server-only element follows the
  // patch element it cannot be placed before by live order (C is new, so S goes after it).
  assert.deepEqual(containers(out)[0]!.env, [
    { name: 'A', value: '10' },
    { name: 'C', value: '3' },
    { name: 'S', value: 'server-side' },
  ]);
});

test('kubectl apply: ports by containerPort', () => {
  const out = apply({
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
          containers: [
            {
              '$setElementOrder/ports': [{ containerPort: 8080 }],
              name: 'web',
              ports: [
                { containerPort: 8080, name: 'http' },
                { $patch: 'delete', containerPort: 80 },
              ],
            },
          ],
        },
      },
    },
  });
  assert.deepEqual(containers(out)[0]!.ports, [{ containerPort: 8080, name: 'http' }]);
});

test('kubectl apply: remove a field with null, replace an atomic list', () => {
  const out = apply({
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
          containers: [
            { name: 'web', resources: null },
            { name: 'sidecar', args: ['sleep', '10'] },
          ],
          tolerations: [{ key: 'b', effect: 'NoExecute' }],
        },
      },
    },
  });
  assert.equal('resources' in containers(out)[0]!, false);
  assert.deepEqual(containers(out)[1]!.args, ['sleep', '10']);
  assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'b', effect: 'NoExecute' }]);
});

test('kubectl apply: $retainKeys switches the deployment strategy', () => {
  const out = apply({ spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
});

test('kubectl apply: $retainKeys inside a merged list (volume source change)', () => {
  const out = apply({
    spec: {
      template: {
        spec: {
          '$setElementOrder/volumes': [{ name: 'data' }],
          volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' }, name: 'data' }],
        },
      },
    },
  });
  assert.deepEqual(out.spec.template.spec.volumes, [{ name: 'data', configMap: { name: 'cfg' } }]);
});

test('kubectl set image', () => {
  const out = apply({
    spec: { template: { spec: { containers: [{ image: 'busybox:1.36', name: 'sidecar' }] } } },
  });
  assert.deepEqual(names(containers(out)), ['web', 'sidecar']);
  assert.equal(containers(out)[1]!.image, 'busybox:1.36');
  assert.equal(containers(out)[0]!.image, 'nginx:1.25');
});

test('kubectl label and annotate', () => {
  let out = apply({ metadata: { labels: { env: 'prod' } } });
  assert.deepEqual(out.metadata.labels, { app: 'web', env: 'prod' });
  out = apply({ metadata: { labels: { app: null } } });
  assert.deepEqual(out.metadata.labels, {});
});

test('finalizers merge as a set, with deletions and order', () => {
  let out = apply({ metadata: { finalizers: ['c', 'a'] } });
  assert.deepEqual(out.metadata.finalizers, ['c', 'a', 'b']);
  out = apply({
    metadata: {
      '$setElementOrder/finalizers': ['a', 'c'],
      '$deleteFromPrimitiveList/finalizers': ['b'],
      finalizers: ['c'],
    },
  });
  assert.deepEqual(out.metadata.finalizers, ['a', 'c']);
  out = apply({ metadata: { finalizers: null } });
  assert.equal('finalizers' in out.metadata, false);
});

test('$setElementOrder alone reorders a merged list and leaves others alone', () => {
  const out = apply({
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }],
          '$setElementOrder/tolerations': [{ key: 'x' }],
        },
      },
    },
  });
  assert.deepEqual(names(containers(out)), ['sidecar', 'web']);
  assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'a', effect: 'NoSchedule' }]);
});

test('ownerReferences merge by uid', () => {
  const out = apply({
    metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Y', name: 'y', uid: 'u2' }] },
  });
  // New elements named by the patch go before server-only ones, as Kubernetes orders them.
  assert.deepEqual(
    out.metadata.ownerReferences.map((o) => o.uid),
    ['u2', 'u1'],
  );
  const updated = apply({ metadata: { ownerReferences: [{ uid: 'u1', controller: true }] } });
  assert.deepEqual(updated.metadata.ownerReferences, [
    { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u1', controller: true },
  ]);
});

test('$patch directives', () => {
  let out = apply({ spec: { template: { spec: { nodeSelector: { $patch: 'replace', disk: 'ssd' } } } } });
  assert.deepEqual(out.spec.template.spec.nodeSelector, { disk: 'ssd' });
  out = apply({ spec: { template: { spec: { nodeSelector: { $patch: 'delete' } } } } });
  assert.deepEqual(out.spec.template.spec.nodeSelector, {});
  out = apply({ spec: { template: { spec: { nodeSelector: { $patch: 'merge', disk: 'ssd' } } } } });
  assert.deepEqual(out.spec.template.spec.nodeSelector, { disk: 'ssd', zone: 'a' });
  out = apply({
    spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } },
  });
  assert.deepEqual(containers(out), [{ name: 'only', image: 'x' }]);
});

test('fields without schema behave like a merge patch', () => {
  const out = strategicMergePatch(
    { spec: { extra: { list: [1, 2], keep: true } }, status: { x: 1 } },
    { spec: { extra: { list: [3], drop: null } }, status: { y: 2, x: null } },
    deploymentSchema,
    defs,
  );
  assert.deepEqual(out, { spec: { extra: { list: [3], keep: true } }, status: { y: 2 } });
});

test('cordon and uncordon a node', () => {
  const node = { metadata: { name: 'n1' }, spec: { taints: [{ key: 't', effect: 'NoSchedule' }] } };
  const cordoned = strategicMergePatch(node, { spec: { unschedulable: true } }, nodeSchema, defs);
  assert.deepEqual(cordoned, {
    metadata: { name: 'n1' },
    spec: { taints: [{ key: 't', effect: 'NoSchedule' }], unschedulable: true },
  });
  assert.deepEqual(strategicMergePatch(cordoned, { spec: { unschedulable: null } }, nodeSchema, defs), node);
});

test('malformed patches throw', () => {
  const cases: [unknown, RegExp][] = [
    [[1], /must be a JSON object/],
    [
      { spec: { template: { spec: { containers: [{ image: 'x' }] } } } },
      /does not contain declared merge key: name/,
    ],
    [{ spec: { template: { spec: { containers: ['x'] } } } }, /all objects or all primitives/],
    [
      { spec: { template: { spec: { containers: [{ name: 'web', $patch: 'nope' }] } } } },
      /unknown patch type "nope"/,
    ],
    [{ spec: { template: { spec: { containers: [{ $patch: 'delete' }] } } } }, /merge key: name/],
    [{ spec: { template: { spec: { containers: [{ $patch: 'merge' }] } } } }, /cannot yet be specified/],
    [{ spec: { $patch: 'explode' } }, /unknown patch type "explode" in map/],
    [
      { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 1 }, type: 'Recreate' } } },
      /\$retainKeys must list every field.*rollingUpdate/,
    ],
  ];
  for (const [patch, re] of cases) {
    assert.throws(
      () => strategicMergePatch(liveDeployment(), patch, deploymentSchema, defs),
      re,
      JSON.stringify(patch),
    );
  }
});
