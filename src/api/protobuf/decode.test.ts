import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMessage } from './decode.ts';
import { encodeMessage, encodeProtobufObject, Writer } from './encode.ts';
import { decodeProtobufObject, messageNameFor, protobufMagic } from './object.ts';
import type { MessageTable } from './table.ts';
import { formatDuration, formatTime } from './well-known.ts';

const table: MessageTable = {
  'test.Outer': {
    1: ['name', 'string'],
    2: ['count', 'int32'],
    3: ['limit', 'int32', 'z'],
    4: ['tags', 'string', 'r'],
    5: ['ids', 'int64', 'r'],
    6: ['labels', 'string', 'm'],
    7: ['blobs', 'bytes', 'm'],
    8: ['inner', 'test.Inner'],
    9: ['embedded', 'test.Inner', 'i'],
    10: ['flag', 'bool'],
    11: ['port', 'IntOrString'],
    12: ['at', 'Time'],
    13: ['raw', 'RawExtension'],
    14: ['quantities', 'Quantity', 'm'],
  },
  'test.Inner': { 1: ['x', 'string'], 2: ['y', 'int64', 'z'] },
};

test('hand-built message: zero dropping, z flag, repeated, packed, maps, bytes, inline, unknown fields', () => {
  const inner = new Writer().bytes(1, 'in').uint(2, 0).finish();
  const packed = new Writer()
    .varint(1)
    .varint(-2)
    .varint(2n ** 40n)
    .finish();
  const buf = new Writer()
    .bytes(1, '') // omitempty string written by gogo: dropped
    .uint(2, 0) // omitempty int: dropped
    .uint(3, 0) // pointer int: kept
    .bytes(4, 'a')
    .bytes(4, '')
    .bytes(5, packed)
    .uint(5, 7) // unpacked element of the same list
    .bytes(6, new Writer().bytes(1, 'k').bytes(2, 'v').finish())
    .bytes(6, new Writer().bytes(1, 'empty').finish())
    .bytes(
      7,
      new Writer()
        .bytes(1, 'b')
        .bytes(2, Buffer.from([0, 255]))
        .finish(),
    )
    .bytes(8, inner)
    .bytes(9, new Writer().bytes(1, 'flat').finish())
    .uint(10, 1)
    .bytes(11, new Writer().uint(1, 1).uint(2, 0).bytes(3, 'http').finish())
    .bytes(12, new Writer().uint(1, 1700000000).uint(2, 5).finish())
    .bytes(13, new Writer().bytes(1, '{"a":[1]}').finish())
    .bytes(14, new Writer().bytes(1, 'cpu').bytes(2, new Writer().bytes(1, '100m').finish()).finish())
    .uint(99, 5) // unknown field: skipped
    .bytes(98, 'junk')
    .finish();
  assert.deepEqual(decodeMessage(buf, 'test.Outer', table), {
    limit: 0,
    tags: ['a', ''],
    ids: [1, -2, 2 ** 40, 7],
    labels: { k: 'v', empty: '' },
    blobs: { b: 'AP8=' },
    inner: { x: 'in', y: 0 },
    x: 'flat',
    flag: true,
    port: 'http',
    at: '2023-11-14T22:13:20Z',
    raw: { a: [1] },
    quantities: { cpu: '100m' },
  });
});

test('an empty nested message is kept as {} (Go prints non-pointer structs), a zero Time is omitted', () => {
  const buf = new Writer()
    .bytes(8, Buffer.alloc(0))
    .bytes(12, Buffer.alloc(0))
    .bytes(11, new Writer().uint(1, 0).uint(2, 8080).finish())
    .finish();
  assert.deepEqual(decodeMessage(buf, 'test.Outer', table), { inner: {}, port: 8080 });
});

test('a later occurrence of a singular field wins', () => {
  const buf = new Writer().bytes(1, 'a').bytes(1, 'b').uint(2, 5).uint(2, 0).finish();
  assert.deepEqual(decodeMessage(buf, 'test.Outer', table), { name: 'b' });
});

const wrongWire: [string, Buffer, RegExp][] = [
  [
    'varint for a string',
    new Writer().uint(1, 3).finish(),
    /test\.Outer\.name: wire type 0, expected a length-delimited field/,
  ],
  [
    'bytes for an int',
    new Writer().bytes(2, 'x').finish(),
    /test\.Outer\.count: wire type 2, expected a varint/,
  ],
  ['broken nested message', new Writer().bytes(8, Buffer.from([0x0a, 0x09])).finish(), /claims 9 bytes/],
  [
    'RawExtension that is not JSON',
    new Writer().bytes(13, new Writer().bytes(1, '{').finish()).finish(),
    /test\.Outer\.raw: RawExtension holds bytes that are not JSON/,
  ],
];
for (const [name, buf, re] of wrongWire) {
  test(`errors name the field path: ${name}`, () =>
    assert.throws(() => decodeMessage(buf, 'test.Outer', table), re));
}

test('well-known formats match Go', () => {
  const durations: [bigint, string][] = [
    [0n, '0s'],
    [1500n, '1.5µs'],
    [150_000_000n, '150ms'],
    [1_000_000_000n, '1s'],
    [90_500_000_000n, '1m30.5s'],
    [3_600_000_000_000n, '1h0m0s'],
    [-2_000_000_000n, '-2s'],
  ];
  for (const [ns, s] of durations) assert.equal(formatDuration(ns), s, String(ns));
  assert.equal(formatTime(0), '1970-01-01T00:00:00Z');
  assert.equal(formatTime(1700000000, 123456789), '2023-11-14T22:13:20.123456Z');
  assert.throws(() => formatTime(1e15), /out of range/);
});

test('envelope errors are clear', () => {
  const good = encodeProtobufObject(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
    'core.v1.Namespace',
  );
  assert.throws(
    () => decodeProtobufObject(Buffer.from('{"kind":"Namespace"}')),
    /does not start with the Kubernetes prefix/,
  );
  assert.throws(
    () => decodeProtobufObject(good.subarray(0, good.length - 3)),
    /the protobuf envelope is malformed: /,
  );
  const noKind = Buffer.concat([protobufMagic, new Writer().bytes(2, Buffer.alloc(0)).finish()]);
  assert.throws(() => decodeProtobufObject(noKind), /names no apiVersion and kind/);
  const unknownKind = encodeProtobufObject(
    { apiVersion: 'example.com/v1', kind: 'Widget' },
    'meta.v1.Preconditions',
  );
  assert.throws(() => decodeProtobufObject(unknownKind), /kind Widget in example.com\/v1 are not supported/);
  const gz = Buffer.concat([
    protobufMagic,
    new Writer()
      .bytes(1, new Writer().bytes(1, 'v1').bytes(2, 'Namespace').finish())
      .bytes(3, 'gzip')
      .finish(),
  ]);
  assert.throws(() => decodeProtobufObject(gz), /content encoding "gzip"/);
  const badRaw = Buffer.concat([
    protobufMagic,
    new Writer()
      .bytes(1, new Writer().bytes(1, 'v1').bytes(2, 'Namespace').finish())
      .bytes(2, Buffer.from([0x0a, 0x05]))
      .finish(),
  ]);
  assert.throws(() => decodeProtobufObject(badRaw), /not a valid v1 Namespace: .*claims 5 bytes/);
});

test('message names follow the group and version', () => {
  assert.equal(messageNameFor('v1', 'ConfigMap'), 'core.v1.ConfigMap');
  assert.equal(
    messageNameFor('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'),
    'rbac.v1.ClusterRoleBinding',
  );
  assert.equal(
    messageNameFor('autoscaling/v2', 'HorizontalPodAutoscaler'),
    'autoscaling.v2.HorizontalPodAutoscaler',
  );
  assert.equal(messageNameFor('apps/v1', 'DeleteOptions'), 'meta.v1.DeleteOptions');
  assert.equal(messageNameFor('apps/v1', 'StatefulSet'), undefined);
});

// Objects in the JSON form kubectl sends (zero omitempty fields already absent): encoding them the way
// gogo-protobuf does and decoding must give them back unchanged.
const roundTrips: [string, Record<string, unknown>][] = [
  [
    'core.v1.Secret',
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'ns', labels: { a: 'b' } },
      data: { k: 'dg==', empty: '' },
      stringData: { x: 'y' },
      type: 'kubernetes.io/tls',
      immutable: false,
    },
  ],
  [
    'core.v1.Service',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'n' },
      spec: {
        ports: [
          { name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
          { port: 53, targetPort: 'dns' },
        ],
        selector: { app: 'n' },
        type: 'NodePort',
        clusterIP: 'None',
        allocateLoadBalancerNodePorts: false,
      },
      status: { loadBalancer: {} },
    },
  ],
  [
    'apps.v1.Deployment',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'd',
        annotations: { 'a/b': 'c' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u', controller: true }],
      },
      spec: {
        replicas: 0,
        selector: {
          matchLabels: { app: 'd' },
          matchExpressions: [{ key: 'k', operator: 'In', values: ['a', 'b'] }],
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'busybox',
                command: ['sh', '-c'],
                args: ['echo hi'],
                env: [
                  { name: 'A', value: '1' },
                  { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: true } } },
                  { name: 'C', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
                ],
                envFrom: [{ prefix: 'P_', configMapRef: { name: 'cm' } }],
                ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
                resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
                volumeMounts: [{ name: 'v', mountPath: '/data', readOnly: true }],
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
                  initialDelaySeconds: 3,
                  periodSeconds: 10,
                },
                readinessProbe: { exec: { command: ['true'] } },
                startupProbe: { tcpSocket: { port: 80 }, terminationGracePeriodSeconds: 0 },
                lifecycle: { preStop: { sleep: { seconds: 5 } } },
                securityContext: {
                  runAsUser: 0,
                  runAsNonRoot: false,
                  capabilities: { drop: ['ALL'] },
                  readOnlyRootFilesystem: true,
                },
                imagePullPolicy: 'IfNotPresent',
              },
            ],
            initContainers: [{ name: 'init', image: 'busybox', restartPolicy: 'Always', resources: {} }],
            volumes: [
              { name: 'v', emptyDir: { sizeLimit: '1Gi' } },
              {
                name: 'cm',
                configMap: { name: 'cm', items: [{ key: 'a', path: 'a.txt', mode: 420 }], defaultMode: 420 },
              },
              {
                name: 'p',
                projected: {
                  sources: [
                    { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
                    {
                      downwardAPI: {
                        items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }],
                      },
                    },
                  ],
                },
              },
              { name: 'pvc', persistentVolumeClaim: { claimName: 'data' } },
              { name: 'h', hostPath: { path: '/tmp', type: '' } },
            ],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 30,
            dnsPolicy: 'ClusterFirst',
            nodeSelector: { disk: 'ssd' },
            serviceAccountName: 'sa',
            automountServiceAccountToken: false,
            hostNetwork: true,
            securityContext: { fsGroup: 2000, supplementalGroups: [1, 2] },
            imagePullSecrets: [{ name: 'reg' }],
            tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 0 }],
            priority: 0,
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
                },
              },
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      labelSelector: { matchLabels: { app: 'd' } },
                      topologyKey: 'kubernetes.io/hostname',
                    },
                  },
                ],
              },
            },
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'zone',
                whenUnsatisfiable: 'DoNotSchedule',
                labelSelector: { matchLabels: { app: 'd' } },
              },
            ],
          },
        },
        revisionHistoryLimit: 0,
        progressDeadlineSeconds: 600,
      },
      status: {},
    },
  ],
  [
    'batch.v1.CronJob',
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'cj' },
      spec: {
        schedule: '*/5 * * * *',
        suspend: false,
        concurrencyPolicy: 'Forbid',
        timeZone: 'Etc/UTC',
        jobTemplate: {
          metadata: { name: 'cj' },
          spec: {
            backoffLimit: 0,
            completions: 1,
            ttlSecondsAfterFinished: 100,
            podFailurePolicy: {
              rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1, 2] } }],
            },
            template: {
              metadata: {},
              spec: {
                containers: [{ name: 'cj', image: 'busybox', resources: {} }],
                restartPolicy: 'OnFailure',
              },
            },
          },
        },
      },
      status: {},
    },
  ],
  [
    'rbac.v1.ClusterRole',
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cr' },
      rules: [
        { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] },
        { verbs: ['get'], nonResourceURLs: ['/healthz'] },
      ],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'true' } }] },
    },
  ],
  [
    'rbac.v1.RoleBinding',
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rb' },
      subjects: [
        { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' },
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u' },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    },
  ],
  [
    'scheduling.v1.PriorityClass',
    {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'pc' },
      value: 0,
      globalDefault: true,
      description: 'd',
      preemptionPolicy: 'Never',
    },
  ],
  [
    'core.v1.ResourceQuota',
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q' },
      spec: {
        hard: { pods: '3', 'requests.cpu': '2' },
        scopes: ['BestEffort'],
        scopeSelector: {
          matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }],
        },
      },
      status: {},
    },
  ],
  [
    'networking.v1.Ingress',
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i' },
      spec: {
        ingressClassName: 'nginx',
        defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'Bucket', name: 'b' } },
        tls: [{ hosts: ['a.com'], secretName: 'tls' }],
        rules: [
          {
            host: 'a.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'svc', port: { name: 'http' } } },
                },
              ],
            },
          },
        ],
      },
      status: { loadBalancer: {} },
    },
  ],
  [
    'policy.v1.PodDisruptionBudget',
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'p' },
      spec: {
        minAvailable: '50%',
        selector: { matchLabels: { app: 'x' } },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    },
  ],
  [
    'policy.v1.Eviction',
    {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'pod', namespace: 'ns' },
      deleteOptions: {
        gracePeriodSeconds: 0,
        propagationPolicy: 'Background',
        preconditions: { uid: 'u' },
        dryRun: ['All'],
      },
    },
  ],
  [
    'meta.v1.DeleteOptions',
    { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: -1, orphanDependents: false },
  ],
  [
    'autoscaling.v1.HorizontalPodAutoscaler',
    {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'd', apiVersion: 'apps/v1' },
        minReplicas: 1,
        maxReplicas: 5,
        targetCPUUtilizationPercentage: 80,
      },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    },
  ],
  [
    'autoscaling.v2.HorizontalPodAutoscaler',
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'd', apiVersion: 'apps/v1' },
        maxReplicas: 5,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
          },
          {
            type: 'Pods',
            pods: {
              metric: { name: 'qps', selector: { matchLabels: { a: 'b' } } },
              target: { type: 'AverageValue', averageValue: '1k' },
            },
          },
        ],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 300,
            selectPolicy: 'Max',
            policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
          },
        },
      },
      status: { desiredReplicas: 0 },
    },
  ],
  [
    'authorization.v1.SelfSubjectAccessReview',
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { nonResourceAttributes: { path: '/logs', verb: 'get' } },
      status: { allowed: false },
    },
  ],
  [
    'authentication.v1.TokenRequest',
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: 'sa' },
      spec: {
        audiences: ['https://kubernetes.default.svc'],
        expirationSeconds: 600,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'abc' },
      },
      status: { token: '', expirationTimestamp: '2030-01-01T00:00:00Z' },
    },
  ],
  [
    'core.v1.ServiceAccount',
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'sa',
        creationTimestamp: '2024-05-06T07:08:09Z',
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Update',
            apiVersion: 'v1',
            time: '2024-05-06T07:08:09Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:metadata': {} },
          },
        ],
      },
      automountServiceAccountToken: false,
      imagePullSecrets: [{ name: 'r' }],
      secrets: [{ name: 's' }],
    },
  ],
];

for (const [name, obj] of roundTrips) {
  test(`round trip through gogo-style encoding: ${name}`, () => {
    const body = encodeProtobufObject(obj, name);
    assert.deepEqual(decodeProtobufObject(body), obj);
  });
}

test('encodeMessage writes plain scalars even when missing, as gogo does, and the decoder drops them again', () => {
  const buf = encodeMessage({}, 'core.v1.ServicePort');
  // name, protocol, appProtocol? no: appProtocol is a pointer (z); port has no omitempty (z) — so only
  // name (1), protocol (2), nodePort (5) are written as zeros.
  assert.deepEqual([...buf], [0x0a, 0x00, 0x12, 0x00, 0x28, 0x00]);
  assert.deepEqual(decodeMessage(buf, 'core.v1.ServicePort'), {});
});
