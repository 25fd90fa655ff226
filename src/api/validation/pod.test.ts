import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podSpec } from '../kinds/core/fixtures.ts';
import { validatePodSpec, validatePodTemplateSpec } from './pod.ts';

type Obj = Record<string, unknown>;
const c0 = (s: Obj): Obj => (s.containers as Obj[])[0]!;

test('validatePodSpec: the fixture is valid', () => {
  assert.deepEqual(validatePodSpec(podSpec(), 'spec'), []);
});

const cases: [string, (s: Obj) => void, string[]][] = [
  ['no containers', (s) => (s.containers = []), ['spec.containers']],
  ['missing image', (s) => delete c0(s).image, ['spec.containers[0].image']],
  ['bad container name', (s) => (c0(s).name = 'Web'), ['spec.containers[0].name']],
  [
    'duplicate name across init and app',
    (s) =>
      (s.initContainers = [
        { name: 'web', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' },
      ]),
    ['spec.containers[0].name'],
  ],
  [
    'port out of range',
    (s) => ((c0(s).ports as Obj[])[0]!.containerPort = 70000),
    ['spec.containers[0].ports[0].containerPort'],
  ],
  [
    'bad protocol',
    (s) => ((c0(s).ports as Obj[])[0]!.protocol = 'ICMP'),
    ['spec.containers[0].ports[0].protocol'],
  ],
  [
    'env with value and valueFrom',
    (s) => ((c0(s).env as Obj[])[0]!.valueFrom = { fieldRef: { fieldPath: 'metadata.name' } }),
    ['spec.containers[0].env[0].valueFrom'],
  ],
  [
    'env bad fieldPath',
    (s) => (c0(s).env = [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } } }]),
    ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath'],
  ],
  ['env empty name', (s) => (c0(s).env = [{ name: '' }]), ['spec.containers[0].env[0].name']],
  [
    'requests above limits',
    (s) => ((c0(s).resources as Obj).requests = { cpu: '2' }),
    ['spec.containers[0].resources.requests[cpu]'],
  ],
  [
    'bad quantity',
    (s) => ((c0(s).resources as Obj).limits = { cpu: 'lots' }),
    ['spec.containers[0].resources.limits[cpu]'],
  ],
  [
    'unknown mount',
    (s) => ((c0(s).volumeMounts as Obj[])[0]!.name = 'nope'),
    ['spec.containers[0].volumeMounts[0].name'],
  ],
  [
    'duplicate volume',
    (s) =>
      (s.volumes = [
        { name: 'data', emptyDir: {} },
        { name: 'data', emptyDir: {} },
      ]),
    ['spec.volumes[1].name'],
  ],
  ['volume without source', (s) => (s.volumes = [{ name: 'data' }]), ['spec.volumes[0]']],
  [
    'volume with two sources',
    (s) => (s.volumes = [{ name: 'data', emptyDir: {}, hostPath: { path: '/x' } }]),
    ['spec.volumes[0].emptyDir'],
  ],
  [
    'configMap volume without name',
    (s) => (s.volumes = [{ name: 'data', configMap: {} }]),
    ['spec.volumes[0].configMap.name'],
  ],
  ['bad restartPolicy', (s) => (s.restartPolicy = 'Sometimes'), ['spec.restartPolicy']],
  ['bad dnsPolicy', (s) => (s.dnsPolicy = 'Google'), ['spec.dnsPolicy']],
  ['dnsPolicy None without config', (s) => (s.dnsPolicy = 'None'), ['spec.dnsConfig']],
  [
    'probe without handler',
    (s) => (c0(s).readinessProbe = { periodSeconds: 5 }),
    ['spec.containers[0].readinessProbe'],
  ],
  [
    'probe two handlers',
    (s) => (c0(s).livenessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 } }),
    ['spec.containers[0].livenessProbe.tcpSocket'],
  ],
  [
    'probe negative period',
    (s) => (c0(s).readinessProbe = { tcpSocket: { port: 80 }, periodSeconds: -1 }),
    ['spec.containers[0].readinessProbe.periodSeconds'],
  ],
  [
    'liveness success threshold',
    (s) => (c0(s).livenessProbe = { tcpSocket: { port: 80 }, successThreshold: 2 }),
    ['spec.containers[0].livenessProbe.successThreshold'],
  ],
  ['bad nodeSelector', (s) => (s.nodeSelector = { 'a b': 'c' }), ['spec.nodeSelector']],
  [
    'toleration Exists with value',
    (s) => (s.tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }]),
    ['spec.tolerations[0].operator'],
  ],
  [
    'toleration bad effect',
    (s) => (s.tolerations = [{ key: 'k', operator: 'Equal', value: 'v', effect: 'Never' }]),
    ['spec.tolerations[0].effect'],
  ],
  [
    'toleration seconds without NoExecute',
    (s) => (s.tolerations = [{ key: 'k', value: 'v', effect: 'NoSchedule', tolerationSeconds: 5 }]),
    ['spec.tolerations[0].effect'],
  ],
  [
    'toleration empty key Equal',
    (s) => (s.tolerations = [{ operator: 'Equal' }]),
    ['spec.tolerations[0].operator'],
  ],
  [
    'restartPolicy on app container',
    (s) => (c0(s).restartPolicy = 'Always'),
    ['spec.containers[0].restartPolicy'],
  ],
  [
    'probe on plain init container',
    (s) =>
      (s.initContainers = [
        {
          name: 'init',
          image: 'b',
          imagePullPolicy: 'Always',
          terminationMessagePolicy: 'File',
          readinessProbe: { exec: { command: ['x'] } },
        },
      ]),
    ['spec.initContainers[0].readinessProbe'],
  ],
  ['activeDeadlineSeconds zero', (s) => (s.activeDeadlineSeconds = 0), ['spec.activeDeadlineSeconds']],
  [
    'node affinity without terms',
    (s) =>
      (s.affinity = {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
      }),
    ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms'],
  ],
  [
    'pod affinity without topologyKey',
    (s) =>
      (s.affinity = {
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {} }] },
      }),
    ['spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey'],
  ],
  [
    'spread maxSkew zero',
    (s) =>
      (s.topologySpreadConstraints = [
        { maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
      ]),
    ['spec.topologySpreadConstraints[0].maxSkew'],
  ],
  [
    'hostNetwork port mismatch',
    (s) => {
      s.hostNetwork = true;
      (c0(s).ports as Obj[])[0]!.hostPort = 81;
    },
    ['spec.containers[0].ports[0].containerPort'],
  ],
  ['bad serviceAccountName', (s) => (s.serviceAccountName = 'Bad_Name'), ['spec.serviceAccountName']],
  ['negative runAsUser', (s) => (s.securityContext = { runAsUser: -1 }), ['spec.securityContext.runAsUser']],
  [
    'privileged without escalation',
    (s) => (c0(s).securityContext = { privileged: true, allowPrivilegeEscalation: false }),
    ['spec.containers[0].securityContext'],
  ],
  [
    'bad defaultMode',
    (s) => (s.volumes = [{ name: 'data', secret: { secretName: 's', defaultMode: 0o1777 } }]),
    ['spec.volumes[0].secret.defaultMode'],
  ],
  [
    'item path with ..',
    (s) => (s.volumes = [{ name: 'data', configMap: { name: 'c', items: [{ key: 'a', path: '../x' }] } }]),
    ['spec.volumes[0].configMap.items[0].path'],
  ],
];

for (const [name, mutate, expected] of cases) {
  test(`validatePodSpec: ${name}`, () => {
    const spec = podSpec();
    mutate(spec);
    assert.deepEqual(
      validatePodSpec(spec, 'spec').map((e) => e.field),
      expected,
    );
  });
}

test('validatePodSpec: messages read like Kubernetes', () => {
  const spec = podSpec();
  delete c0(spec).image;
  assert.equal(validatePodSpec(spec, 'spec')[0]!.message, 'Required value');
  const s2 = podSpec();
  (c0(s2).volumeMounts as Obj[])[0]!.name = 'nope';
  assert.equal(validatePodSpec(s2, 'spec')[0]!.message, 'Not found: "nope"');
  const s3 = podSpec();
  s3.restartPolicy = 'Sometimes';
  assert.equal(
    validatePodSpec(s3, 'spec')[0]!.message,
    'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  );
});

test('validatePodTemplateSpec: checks template labels and nests spec paths', () => {
  const spec = podSpec();
  spec.containers = [];
  const errs = validatePodTemplateSpec({ metadata: { labels: { 'bad key': 'x' } }, spec }, 'spec.template');
  assert.deepEqual(
    errs.map((e) => e.field),
    ['spec.template.metadata.labels', 'spec.template.spec.containers'],
  );
});

test('validatePodSpec: never throws on junk', () => {
  for (const junk of [null, 1, 'x', [], { containers: 'x' }, { containers: [null, 3] }, { volumes: [1] }])
    assert.ok(Array.isArray(validatePodSpec(junk, 'spec')));
});
