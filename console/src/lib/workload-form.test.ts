import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  causeFormPath,
  emptyWorkloadForm,
  formManifests,
  serviceManifest,
  splitWords,
  workloadManifest,
  type WorkloadForm,
} from './workload-form.ts';

const full: WorkloadForm = {
  kind: 'Deployment',
  name: ' web ',
  namespace: 'shop',
  labels: [
    { key: 'app', value: 'web' },
    { key: 'tier', value: 'front' },
    { key: '', value: 'x' },
  ],
  replicas: 3,
  containers: [
    {
      name: 'web',
      image: 'nginx:1.27',
      command: `sh -c 'echo "hi there" && sleep 1'`,
      args: '',
      cpuRequest: '100m',
      memoryRequest: '64Mi',
      cpuLimit: '',
      memoryLimit: '128Mi',
      env: [
        { name: 'MODE', source: 'value', value: 'prod' },
        { name: 'CONF', source: 'configMap', refName: 'cfg', refKey: 'mode' },
        { name: 'PASS', source: 'secret', refName: 'db', refKey: 'password' },
        { name: '' },
      ],
      ports: [
        { containerPort: 80, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9100 },
      ],
      readiness: { type: 'httpGet', path: '/healthz', port: 80, periodSeconds: 5 },
      liveness: { type: 'none' },
      mounts: [
        { volume: 'cache', mountPath: '/cache' },
        { volume: 'conf', mountPath: '/etc/x', readOnly: true },
      ],
    },
  ],
  volumes: [
    { name: 'cache', type: 'emptyDir', sizeLimit: '1Gi' },
    { name: 'conf', type: 'configMap', source: 'cfg' },
    { name: 'tls', type: 'secret', source: 'certs' },
    { name: 'data', type: 'persistentVolumeClaim', source: 'data-claim' },
    { name: '' },
  ],
  nodeSelector: [{ key: 'disk', value: 'ssd' }],
  strategy: 'RollingUpdate',
  maxSurge: '25%',
  maxUnavailable: '0',
  service: { enabled: true, type: 'NodePort' },
};

describe('workload form → manifests', () => {
  test('a full Deployment', () => {
    const d = workloadManifest(full);
    const labels = { app: 'web', tier: 'front' };
    assert.deepEqual(d, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', labels },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx:1.27',
                command: ['sh', '-c', 'echo "hi there" && sleep 1'],
                ports: [
                  { containerPort: 80, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9100, protocol: 'TCP' },
                ],
                env: [
                  { name: 'MODE', value: 'prod' },
                  { name: 'CONF', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
                  { name: 'PASS', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
                ],
                resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
                volumeMounts: [
                  { name: 'cache', mountPath: '/cache' },
                  { name: 'conf', mountPath: '/etc/x', readOnly: true },
                ],
                readinessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 5 },
              },
            ],
            volumes: [
              { name: 'cache', emptyDir: { sizeLimit: '1Gi' } },
              { name: 'conf', configMap: { name: 'cfg' } },
              { name: 'tls', secret: { secretName: 'certs' } },
              { name: 'data', persistentVolumeClaim: { claimName: 'data-claim' } },
            ],
            nodeSelector: { disk: 'ssd' },
          },
        },
      },
    });
  });

  test('the Service selects the pods and exposes every container port once', () => {
    const svc = serviceManifest(full);
    assert.deepEqual(svc, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        type: 'NodePort',
        selector: { app: 'web', tier: 'front' },
        ports: [
          { name: 'tcp-80', port: 80, targetPort: 80, protocol: 'TCP' },
          { name: 'metrics', port: 9100, targetPort: 9100, protocol: 'TCP' },
        ],
      },
    });
    assert.equal(formManifests(full).length, 2);
    assert.equal(formManifests({ ...full, service: { enabled: false } }).length, 1);
  });

  test('kinds: StatefulSet gets serviceName and updateStrategy; DaemonSet has no replicas', () => {
    const base = { ...emptyWorkloadForm('StatefulSet', 'ns1'), name: 'db' };
    const s = workloadManifest({ ...base, strategy: 'OnDelete' }).spec as Record<string, unknown>;
    assert.equal(s.serviceName, 'db');
    assert.deepEqual(s.updateStrategy, { type: 'OnDelete' });
    assert.deepEqual((workloadManifest(base).metadata as { labels: unknown }).labels, { app: 'db' });
    const withSvc = workloadManifest({ ...base, service: { enabled: true, name: 'db-headless' } });
    assert.equal((withSvc.spec as Record<string, unknown>).serviceName, 'db-headless');

    const ds = workloadManifest({ ...emptyWorkloadForm('DaemonSet'), name: 'agent', strategy: 'Recreate' });
    const dsSpec = ds.spec as Record<string, unknown>;
    assert.equal(dsSpec.replicas, undefined);
    assert.deepEqual(
      dsSpec.updateStrategy,
      { type: 'RollingUpdate' },
      'Recreate is not a DaemonSet strategy',
    );
    const dep = workloadManifest({ ...emptyWorkloadForm(), name: 'x', strategy: 'Recreate' });
    assert.deepEqual((dep.spec as Record<string, unknown>).strategy, { type: 'Recreate' });
  });

  test('probes: exec and tcpSocket', () => {
    const c = (
      workloadManifest({
        ...emptyWorkloadForm(),
        name: 'p',
        containers: [
          {
            name: 'a',
            image: 'busybox',
            readiness: { type: 'exec', command: 'cat /tmp/ready', initialDelaySeconds: 2 },
            liveness: { type: 'tcpSocket', port: 8080 },
          },
        ],
      }).spec as { template: { spec: { containers: Record<string, unknown>[] } } }
    ).template.spec.containers[0];
    assert.deepEqual(c.readinessProbe, { exec: { command: ['cat', '/tmp/ready'] }, initialDelaySeconds: 2 });
    assert.deepEqual(c.livenessProbe, { tcpSocket: { port: 8080 } });
  });
});

test('splitWords', () => {
  const cases: [string | undefined, string[]][] = [
    [undefined, []],
    ['   ', []],
    ['echo hello', ['echo', 'hello']],
    [`sh -c 'a b'`, ['sh', '-c', 'a b']],
    [`say "x \\"y\\"" ''`, ['say', 'x "y"', '']],
    ['a\\ b c', ['a b', 'c']],
  ];
  for (const [line, want] of cases) assert.deepEqual(splitWords(line), want, String(line));
});

test('causeFormPath maps server field paths to form fields', () => {
  const cases: [string | undefined, 'workload' | 'service', (string | number)[] | undefined][] = [
    ['metadata.name', 'workload', ['name']],
    ['spec.replicas', 'workload', ['replicas']],
    ['spec.template.spec.containers[0].image', 'workload', ['containers', 0, 'image']],
    [
      'spec.template.spec.containers[1].ports[2].containerPort',
      'workload',
      ['containers', 1, 'ports', 2, 'containerPort'],
    ],
    [
      'spec.template.spec.containers[0].resources.limits[memory]',
      'workload',
      ['containers', 0, 'memoryLimit'],
    ],
    ['spec.template.spec.containers[0].resources.requests.cpu', 'workload', ['containers', 0, 'cpuRequest']],
    [
      'spec.template.spec.containers[0].env[3].valueFrom.secretKeyRef.key',
      'workload',
      ['containers', 0, 'env', 3, 'refKey'],
    ],
    [
      'spec.template.spec.containers[0].volumeMounts[1].name',
      'workload',
      ['containers', 0, 'mounts', 1, 'volume'],
    ],
    [
      'spec.template.spec.containers[0].readinessProbe.httpGet.port',
      'workload',
      ['containers', 0, 'readiness', 'type'],
    ],
    ['spec.template.spec.volumes[2].configMap.name', 'workload', ['volumes', 2, 'source']],
    ['spec.template.spec.volumes[0].name', 'workload', ['volumes', 0, 'name']],
    ['spec.template.spec.nodeSelector', 'workload', ['nodeSelector']],
    ['spec.strategy.rollingUpdate.maxSurge', 'workload', ['maxSurge']],
    ['spec.selector', 'workload', ['labels']],
    ['spec.template.spec.dnsPolicy', 'workload', undefined],
    ['metadata.name', 'service', ['service', 'name']],
    ['spec.ports[0].nodePort', 'service', ['service', 'type']],
    ['spec.clusterIP', 'service', undefined],
    [undefined, 'workload', undefined],
  ];
  for (const [field, target, want] of cases) assert.deepEqual(causeFormPath(field, target), want, `${field}`);
});
