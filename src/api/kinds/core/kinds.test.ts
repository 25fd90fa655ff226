import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { configMapKind } from './configmap.ts';
import { endpointsKind } from './endpoints.ts';
import { eventKind } from './event.ts';
import { clone, podSpec } from './fixtures.ts';
import { module } from './index.ts';
import { limitRangeKind } from './limitrange.ts';
import { namespaceKind } from './namespace.ts';
import { nodeKind } from './node.ts';
import { persistentVolumeKind } from './persistentvolume.ts';
import { persistentVolumeClaimKind } from './persistentvolumeclaim.ts';
import { podTemplateKind } from './podtemplate.ts';
import { replicationControllerKind } from './replicationcontroller.ts';
import { resourceQuotaKind } from './resourcequota.ts';
import { secretKind } from './secret.ts';
import { serviceAccountKind } from './serviceaccount.ts';
import type { KindDef } from '../types.ts';

type Obj = Record<string, unknown>;
const now = Date.parse('2025-01-01T12:00:00Z');
const created = '2025-01-01T11:00:00Z';
const obj = (kind: string, body: Obj, meta: Obj = {}): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: 'x', namespace: 'default', creationTimestamp: created, ...meta },
  ...body,
});
const create = (k: KindDef, o: KubeObject): KubeObject => {
  k.strategy.defaults?.(o);
  k.strategy.prepareForCreate?.(o);
  return o;
};
const fields = (k: KindDef, o: KubeObject): string[] => (k.strategy.validate?.(o) ?? []).map((e) => e.field);
const cells = (k: KindDef, o: KubeObject): unknown[] => k.columns!.map((c) => c.cell(o, now));

test('discovery names match kubectl api-resources', () => {
  const table = Object.fromEntries(
    module.kinds.map((k) => [k.resource, [k.namespaced, k.shortNames ?? [], k.categories ?? []]]),
  );
  assert.deepEqual(table, {
    bindings: [true, [], []],
    configmaps: [true, ['cm'], []],
    endpoints: [true, ['ep'], []],
    events: [true, ['ev'], []],
    limitranges: [true, ['limits'], []],
    namespaces: [false, ['ns'], []],
    nodes: [false, ['no'], []],
    persistentvolumeclaims: [true, ['pvc'], []],
    persistentvolumes: [false, ['pv'], []],
    pods: [true, ['po'], ['all']],
    podtemplates: [true, [], []],
    replicationcontrollers: [true, ['rc'], ['all']],
    resourcequotas: [true, ['quota'], []],
    secrets: [true, [], []],
    serviceaccounts: [true, ['sa'], []],
    services: [true, ['svc'], ['all']],
  });
});

// Namespace
test('namespace: create sets label, phase and finalizer', () => {
  const o = create(namespaceKind, obj('Namespace', {}, { name: 'team-a', namespace: undefined }));
  assert.deepEqual(o.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual([o.spec, o.status], [{ finalizers: ['kubernetes'] }, { phase: 'Active' }]);
  assert.deepEqual(cells(namespaceKind, o), ['Active', '60m']);
});
test('namespace: name must be a DNS-1123 label', () => {
  assert.deepEqual(fields(namespaceKind, obj('Namespace', {}, { name: 'a.b' })), ['metadata.name']);
  assert.deepEqual(fields(namespaceKind, obj('Namespace', {}, { name: 'ab' })), []);
});
test('namespace: spec.finalizers change only through finalize', () => {
  const old = create(namespaceKind, obj('Namespace', {}, { name: 'a' }));
  const next = clone(old);
  (next.spec as Obj).finalizers = [];
  namespaceKind.strategy.prepareForUpdate!(next, old);
  assert.deepEqual((next.spec as Obj).finalizers, ['kubernetes']);
});

// Node
const node = (): KubeObject =>
  obj(
    'Node',
    {
      spec: { unschedulable: true, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
      status: {
        capacity: { cpu: '4', memory: '8Gi' },
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '192.168.1.10' }],
        nodeInfo: {
          kubeletVersion: 'v1.32.0',
          osImage: 'Debian GNU/Linux 12',
          kernelVersion: '6.1.0',
          containerRuntimeVersion: 'containerd://1.7.24',
        },
      },
    },
    { name: 'n1', namespace: undefined, labels: { 'node-role.kubernetes.io/control-plane': '' } },
  );
test('node: allocatable defaults to capacity; columns', () => {
  const o = create(nodeKind, node());
  assert.deepEqual((o.status as Obj).allocatable, { cpu: '4', memory: '8Gi' });
  assert.deepEqual(cells(nodeKind, o), [
    'Ready,SchedulingDisabled',
    'control-plane',
    '60m',
    'v1.32.0',
    '192.168.1.10',
    '<none>',
    'Debian GNU/Linux 12',
    '6.1.0',
    'containerd://1.7.24',
  ]);
  assert.equal(nodeKind.fieldSelectors!['spec.unschedulable']!(o), 'true');
});
test('node: invalid taints', () => {
  const o = node();
  (o.spec as Obj).taints = [
    { key: 'a', effect: 'Sometimes' },
    { effect: 'NoSchedule' },
    { key: 'a', effect: 'Sometimes' },
  ];
  assert.deepEqual(fields(nodeKind, o), [
    'spec.taints[0].effect',
    'spec.taints[1].key',
    'spec.taints[2].effect',
    'spec.taints[2]',
  ]);
});
test('node: podCIDRs are set once', () => {
  const old = node();
  (old.spec as Obj).podCIDRs = ['10.244.0.0/24'];
  const next = clone(old);
  (next.spec as Obj).podCIDRs = ['10.244.1.0/24'];
  assert.deepEqual(
    nodeKind.strategy.validateUpdate!(next, old).map((e) => e.field),
    ['spec.podCIDRs'],
  );
});

// ConfigMap
test('configmap: keys, duplicates, immutability, columns', () => {
  const o = obj('ConfigMap', {
    data: { 'a.conf': '1', 'bad/key': '2', dup: 'x' },
    binaryData: { dup: 'eA==' },
  });
  assert.deepEqual(fields(configMapKind, o), ['data[bad/key]', 'data[dup]', 'binaryData[dup]']);
  assert.deepEqual(cells(configMapKind, o), [4, '60m']);
  const old = obj('ConfigMap', { data: { a: '1' }, immutable: true });
  const next = clone(old);
  (next.data as Obj).a = '2';
  assert.deepEqual(
    configMapKind.strategy.validateUpdate!(next, old).map((e) => e.field),
    ['data'],
  );
  const mutable = obj('ConfigMap', { data: { a: '1' } });
  assert.deepEqual(
    configMapKind.strategy.validateUpdate!(obj('ConfigMap', { data: { a: '2' } }), mutable),
    [],
  );
});

// Secret
test('secret: defaults fold stringData into data', () => {
  const o = create(
    secretKind,
    obj('Secret', { stringData: { password: 'hunter2' }, data: { user: 'YWRtaW4=' } }),
  );
  assert.deepEqual(
    [o.type, o.data, o.stringData],
    ['Opaque', { user: 'YWRtaW4=', password: 'aHVudGVyMg==' }, undefined],
  );
  assert.deepEqual(cells(secretKind, o), ['Opaque', 2, '60m']);
  assert.equal(secretKind.fieldSelectors!.type!(o), 'Opaque');
});
const secretCases: [string, Obj, string[]][] = [
  ['tls without key', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }, ['data[tls.key]']],
  [
    'dockerconfigjson missing',
    { type: 'kubernetes.io/dockerconfigjson', data: {} },
    ['data[.dockerconfigjson]'],
  ],
  [
    'dockerconfigjson not json',
    {
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from('{nope').toString('base64') },
    },
    ['data[.dockerconfigjson]'],
  ],
  [
    'dockerconfigjson ok',
    {
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') },
    },
    [],
  ],
  ['basic auth empty', { type: 'kubernetes.io/basic-auth', data: {} }, ['data[username]', 'data[password]']],
  ['bad key', { type: 'Opaque', data: { 'a b': 'eA==' } }, ['data[a b]']],
  [
    'sa token without annotation',
    { type: 'kubernetes.io/service-account-token' },
    ['metadata.annotations[kubernetes.io/service-account.name]'],
  ],
];
for (const [name, body, expected] of secretCases)
  test(`secret invalid: ${name}`, () => assert.deepEqual(fields(secretKind, obj('Secret', body)), expected));
test('secret: type is immutable', () => {
  const old = create(secretKind, obj('Secret', { data: {} }));
  const next = clone(old);
  next.type = 'kubernetes.io/tls';
  assert.deepEqual(
    secretKind.strategy.validateUpdate!(next, old).map((e) => e.field),
    ['type'],
  );
});

// ServiceAccount
test('serviceaccount: token subresource and columns', () => {
  assert.deepEqual(serviceAccountKind.subresources![0]!.responseKind, {
    group: 'authentication.k8s.io',
    version: 'v1',
    kind: 'TokenRequest',
  });
  assert.deepEqual(cells(serviceAccountKind, obj('ServiceAccount', { secrets: [{ name: 'a' }] })), [
    1,
    '60m',
  ]);
});

// Endpoints
test('endpoints: defaults, validation and ENDPOINTS cell', () => {
  const o = create(
    endpointsKind,
    obj('Endpoints', {
      subsets: [
        {
          addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }],
          ports: [{ port: 80 }],
        },
      ],
    }),
  );
  assert.equal(((o.subsets as Obj[])[0]!.ports as Obj[])[0]!.protocol, 'TCP');
  assert.deepEqual(fields(endpointsKind, o), []);
  assert.deepEqual(cells(endpointsKind, o), ['10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...', '60m']);
  assert.deepEqual(cells(endpointsKind, obj('Endpoints', {})), ['<none>', '60m']);
  const bad = obj('Endpoints', {
    subsets: [
      {
        addresses: [{ ip: 'x' }],
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 81, protocol: 'TCP' },
        ],
      },
    ],
  });
  assert.deepEqual(fields(endpointsKind, bad), [
    'subsets[0].addresses[0].ip',
    'subsets[0].ports[0].name',
    'subsets[0].ports[1].name',
  ]);
});

// Event
test('event: columns, selectors and namespace rule', () => {
  const o = obj(
    'Event',
    {
      involvedObject: {
        kind: 'Pod',
        name: 'web-1',
        namespace: 'default',
        uid: 'u1',
        fieldPath: 'spec.containers{web}',
      },
      reason: 'Pulled',
      message: ' Successfully pulled image ',
      type: 'Normal',
      source: { component: 'kubelet', host: 'n1' },
      firstTimestamp: '2025-01-01T11:50:00Z',
      lastTimestamp: '2025-01-01T11:58:00Z',
      count: 3,
    },
    { name: 'web-1.abc' },
  );
  assert.deepEqual(cells(eventKind, o), [
    '2m',
    'Normal',
    'Pulled',
    'pod/web-1',
    'spec.containers{web}',
    'kubelet, n1',
    'Successfully pulled image',
    '10m',
    3,
    'web-1.abc',
  ]);
  assert.deepEqual(
    eventKind.columns!.filter((c) => c.priority === 0).map((c) => c.name),
    ['Last Seen', 'Type', 'Reason', 'Object', 'Message'],
  );
  const sel = eventKind.fieldSelectors!;
  assert.deepEqual(
    ['involvedObject.kind', 'involvedObject.name', 'involvedObject.uid', 'reason', 'source', 'type'].map(
      (f) => sel[f]!(o),
    ),
    ['Pod', 'web-1', 'u1', 'Pulled', 'kubelet', 'Normal'],
  );
  assert.deepEqual(fields(eventKind, o), []);
  (o.involvedObject as Obj).namespace = 'other';
  assert.deepEqual(fields(eventKind, o), ['involvedObject.namespace']);
});

// PersistentVolume
const pv = (): KubeObject =>
  obj(
    'PersistentVolume',
    {
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteMany', 'ReadWriteOnce'],
        hostPath: { path: '/data' },
      },
    },
    { name: 'pv1', namespace: undefined },
  );
test('persistentvolume: defaults, columns', () => {
  const o = create(persistentVolumeKind, pv());
  assert.deepEqual(
    [(o.spec as Obj).persistentVolumeReclaimPolicy, (o.spec as Obj).volumeMode, (o.status as Obj).phase],
    ['Retain', 'Filesystem', 'Pending'],
  );
  assert.deepEqual(fields(persistentVolumeKind, o), []);
  (o.spec as Obj).claimRef = { namespace: 'default', name: 'data' };
  assert.deepEqual(cells(persistentVolumeKind, o), [
    '10Gi',
    'RWO,RWX',
    'Retain',
    'Pending',
    'default/data',
    '',
    '<unset>',
    '',
    '60m',
    'Filesystem',
  ]);
});
test('persistentvolume: invalid and immutable source', () => {
  const o = create(persistentVolumeKind, pv());
  Object.assign(o.spec as Obj, {
    capacity: {},
    accessModes: ['Sometimes'],
    nfs: { server: 's', path: '/p' },
  });
  assert.deepEqual(fields(persistentVolumeKind, o), ['spec.capacity', 'spec.accessModes', 'spec.nfs']);
  const old = create(persistentVolumeKind, pv());
  const next = clone(old);
  (next.spec as Obj).hostPath = { path: '/other' };
  assert.deepEqual(
    persistentVolumeKind.strategy.validateUpdate!(next, old).map((e) => e.field),
    ['spec.persistentvolumesource'],
  );
});

// PersistentVolumeClaim
const pvc = (): KubeObject =>
  obj('PersistentVolumeClaim', {
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  });
test('persistentvolumeclaim: defaults, validation, columns', () => {
  const o = create(persistentVolumeClaimKind, pvc());
  assert.deepEqual([(o.spec as Obj).volumeMode, (o.status as Obj).phase], ['Filesystem', 'Pending']);
  assert.deepEqual(fields(persistentVolumeClaimKind, o), []);
  assert.deepEqual(cells(persistentVolumeClaimKind, o), [
    'Pending',
    '',
    '',
    '',
    '',
    '<unset>',
    '60m',
    'Filesystem',
  ]);
  (o.spec as Obj).volumeName = 'pv1';
  o.status = { phase: 'Bound', capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOnce'] };
  assert.deepEqual(cells(persistentVolumeClaimKind, o).slice(0, 5), ['Bound', 'pv1', '1Gi', 'RWO', '']);
  const bad = pvc();
  (bad.spec as Obj).accessModes = [];
  (bad.spec as Obj).resources = { requests: {} };
  assert.deepEqual(fields(persistentVolumeClaimKind, bad), ['spec.accessModes', 'spec.resources[storage]']);
});
test('persistentvolumeclaim: only storage growth and binding are allowed', () => {
  const old = create(persistentVolumeClaimKind, pvc());
  const grow = clone(old);
  ((grow.spec as Obj).resources as Obj).requests = { storage: '2Gi' };
  (grow.spec as Obj).volumeName = 'pv1';
  assert.deepEqual(persistentVolumeClaimKind.strategy.validateUpdate!(grow, old), []);
  const shrink = clone(old);
  ((shrink.spec as Obj).resources as Obj).requests = { storage: '500Mi' };
  (shrink.spec as Obj).accessModes = ['ReadWriteMany'];
  assert.deepEqual(
    persistentVolumeClaimKind.strategy.validateUpdate!(shrink, old).map((e) => e.field),
    ['spec', 'spec.resources.requests.storage'],
  );
});

// ResourceQuota
test('resourcequota: validation and columns', () => {
  const o = obj('ResourceQuota', {
    spec: { hard: { 'requests.cpu': '2', pods: '10' }, scopes: ['BestEffort'] },
  });
  assert.deepEqual(fields(resourceQuotaKind, o), []);
  o.status = {
    hard: { 'limits.memory': '2Gi', pods: '10', 'requests.cpu': '2' },
    used: { pods: '3', 'requests.cpu': '500m' },
  };
  assert.deepEqual(cells(resourceQuotaKind, o), [
    '60m',
    'pods: 3/10, requests.cpu: 500m/2',
    'limits.memory: 0/2Gi',
  ]);
  const bad = obj('ResourceQuota', { spec: { hard: { cpu: 'x' }, scopes: ['Sometimes'] } });
  assert.deepEqual(fields(resourceQuotaKind, bad), ['spec.hard[cpu]', 'spec.scopes']);
});

// LimitRange
test('limitrange: ordering and duplicates', () => {
  const o = obj('LimitRange', {
    spec: {
      limits: [
        {
          type: 'Container',
          min: { cpu: '2' },
          max: { cpu: '1' },
          default: { memory: '1Gi' },
          defaultRequest: { memory: '2Gi' },
        },
        { type: 'Container' },
        { type: 'Pod', default: { cpu: '1' } },
      ],
    },
  });
  assert.deepEqual(fields(limitRangeKind, o), [
    'spec.limits[0].min[cpu]',
    'spec.limits[0].defaultRequest[memory]',
    'spec.limits[1].type',
    'spec.limits[2].default',
  ]);
  assert.deepEqual(cells(limitRangeKind, o), ['2025-01-01T11:00:00Z']);
});

// PodTemplate
test('podtemplate: defaults, validation, columns', () => {
  const o = create(
    podTemplateKind,
    obj('PodTemplate', {
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx' }] },
      },
    }),
  );
  assert.equal(((o.template as Obj).spec as Obj).restartPolicy, 'Always');
  assert.deepEqual(fields(podTemplateKind, o), []);
  assert.deepEqual(cells(podTemplateKind, o), ['web', 'nginx', 'app=web']);
  assert.deepEqual(
    fields(
      podTemplateKind,
      create(podTemplateKind, obj('PodTemplate', { template: { spec: { containers: [] } } })),
    ),
    ['template.spec.containers'],
  );
});

// ReplicationController
test('replicationcontroller: defaults from template, validation, columns', () => {
  const o = create(
    replicationControllerKind,
    obj('ReplicationController', {
      spec: { template: { metadata: { labels: { app: 'web' } }, spec: podSpec() } },
    }),
  );
  const spec = o.spec as Obj;
  assert.deepEqual([spec.selector, spec.replicas, o.metadata.labels], [{ app: 'web' }, 1, { app: 'web' }]);
  assert.deepEqual(fields(replicationControllerKind, o), []);
  o.status = { replicas: 1, readyReplicas: 1 };
  assert.deepEqual(cells(replicationControllerKind, o), [1, 1, 1, '60m', 'web', 'nginx:1.27', 'app=web']);
  const bad = clone(o);
  (bad.spec as Obj).selector = { app: 'other' };
  ((bad.spec as Obj).template as Obj).spec = { ...podSpec(), restartPolicy: 'Never' };
  assert.deepEqual(fields(replicationControllerKind, bad), [
    'spec.template.metadata.labels',
    'spec.template.spec.restartPolicy',
  ]);
});
