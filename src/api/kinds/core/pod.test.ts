import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { clone, pod, podSpec } from './fixtures.ts';
import { podKind } from './pod.ts';
import { summarizePod, formatRestarts } from './pod-columns.ts';
import { podQOSClass } from './pod-qos.ts';

type Obj = Record<string, unknown>;
const s = podKind.strategy;
const now = Date.parse('2025-01-01T12:00:00Z');

test('pod: defaults and prepareForCreate', () => {
  const o: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'd' },
    spec: { containers: [{ name: 'a', image: 'nginx' }] },
  };
  s.defaults!(o);
  s.prepareForCreate!(o);
  assert.deepEqual(o.spec, {
    containers: [
      {
        name: 'a',
        image: 'nginx',
        imagePullPolicy: 'Always',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
  });
  assert.deepEqual(o.status, { phase: 'Pending', qosClass: 'BestEffort' });
  assert.deepEqual(s.validate!(o), []);
});

test('pod: scheduling gates give a SchedulingGated condition', () => {
  const o = pod({ ...podSpec(), schedulingGates: [{ name: 'example.com/wait' }] });
  s.prepareForCreate!(o);
  const cond = ((o.status as Obj).conditions as Obj[])[0]!;
  assert.equal(cond.reason, 'SchedulingGated');
});

test('pod: invalid objects', () => {
  const o = pod();
  (o.spec as Obj).containers = [{ name: 'a' }];
  assert.deepEqual(
    s.validate!(o).map((e) => e.field),
    [
      'spec.containers[0].image',
      'spec.containers[0].imagePullPolicy',
      'spec.containers[0].terminationMessagePolicy',
    ],
  );
});

const updates: [string, (spec: Obj) => void, string[]][] = [
  ['image may change', (sp) => ((sp.containers as Obj[])[0]!.image = 'nginx:1.28'), []],
  ['activeDeadlineSeconds may be set', (sp) => (sp.activeDeadlineSeconds = 30), []],
  ['tolerations may be added', (sp) => (sp.tolerations = [{ key: 'k', operator: 'Exists' }]), []],
  ['env may not change', (sp) => ((sp.containers as Obj[])[0]!.env = []), ['spec']],
  ['restartPolicy may not change', (sp) => (sp.restartPolicy = 'Never'), ['spec']],
  [
    'containers may not be added',
    (sp) => (sp.containers as Obj[]).push({ name: 'b', image: 'b' }),
    ['spec.containers'],
  ],
];
for (const [name, mutate, expected] of updates) {
  test(`pod update: ${name}`, () => {
    const old = pod();
    const next = clone(old);
    mutate(next.spec as Obj);
    assert.deepEqual(
      s.validateUpdate!(next, old).map((e) => e.field),
      expected,
    );
  });
}

test('pod update: the forbidden message lists what may change', () => {
  const old = pod();
  const next = clone(old);
  (next.spec as Obj).hostNetwork = true;
  assert.match(
    s.validateUpdate!(next, old)[0]!.message,
    /^Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`/,
  );
});

test('pod update: activeDeadlineSeconds may only shrink; tolerations not removed', () => {
  const old = pod({
    ...podSpec(),
    activeDeadlineSeconds: 10,
    tolerations: [{ key: 'k', operator: 'Exists' }],
  });
  const next = clone(old);
  (next.spec as Obj).activeDeadlineSeconds = 20;
  (next.spec as Obj).tolerations = [];
  assert.deepEqual(
    s.validateUpdate!(next, old).map((e) => e.field),
    ['spec.activeDeadlineSeconds', 'spec.tolerations'],
  );
});

test('pod update: ephemeral containers are kept from the stored pod', () => {
  const old = pod({ ...podSpec(), ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] });
  const next = clone(old);
  delete (next.spec as Obj).ephemeralContainers;
  s.prepareForUpdate!(next, old);
  assert.deepEqual((next.spec as Obj).ephemeralContainers, [{ name: 'dbg', image: 'busybox' }]);
});

function withStatus(status: Obj, spec: Obj = podSpec(), meta: Obj = {}): KubeObject {
  const o = pod(spec);
  o.metadata = { ...o.metadata, creationTimestamp: '2025-01-01T11:00:00Z', ...meta };
  o.status = status;
  return o;
}
const running = { running: { startedAt: '2025-01-01T11:00:00Z' } };

const statusCases: [string, KubeObject, string, string, string][] = [
  ['pending without status', withStatus({ phase: 'Pending' }), '0/1', 'Pending', '0'],
  [
    'running and ready',
    withStatus({
      phase: 'Running',
      containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: running }],
    }),
    '1/1',
    'Running',
    '0',
  ],
  [
    'container creating',
    withStatus({
      phase: 'Pending',
      containerStatuses: [
        { name: 'web', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
      ],
    }),
    '0/1',
    'ContainerCreating',
    '0',
  ],
  [
    'crash loop with restart time',
    withStatus({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'web',
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, finishedAt: '2025-01-01T11:55:00Z' } },
        },
      ],
    }),
    '0/1',
    'CrashLoopBackOff',
    '5 (5m ago)',
  ],
  [
    'completed',
    withStatus({
      phase: 'Succeeded',
      containerStatuses: [
        {
          name: 'web',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed' } },
        },
      ],
    }),
    '0/1',
    'Completed',
    '0',
  ],
  [
    'exit code without reason',
    withStatus({
      phase: 'Failed',
      containerStatuses: [
        { name: 'web', ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } },
      ],
    }),
    '0/1',
    'ExitCode:2',
    '0',
  ],
  [
    'init container running',
    withStatus(
      {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: running }],
      },
      { ...podSpec(), initContainers: [{ name: 'init', image: 'b' }] },
    ),
    '0/1',
    'Init:0/1',
    '0',
  ],
  [
    'init container failed',
    withStatus(
      {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'init',
            ready: false,
            restartCount: 1,
            state: { terminated: { exitCode: 1, reason: 'Error' } },
          },
        ],
      },
      { ...podSpec(), initContainers: [{ name: 'init', image: 'b' }] },
    ),
    '0/1',
    'Init:Error',
    '1',
  ],
  [
    'sidecar counts as a container',
    withStatus(
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [
          { name: 'side', ready: true, started: true, restartCount: 0, state: running },
        ],
        containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: running }],
      },
      { ...podSpec(), initContainers: [{ name: 'side', image: 'b', restartPolicy: 'Always' }] },
    ),
    '2/2',
    'Running',
    '0',
  ],
  [
    'terminating',
    withStatus(
      {
        phase: 'Running',
        containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: running }],
      },
      podSpec(),
      { deletionTimestamp: '2025-01-01T11:59:00Z' },
    ),
    '1/1',
    'Terminating',
    '0',
  ],
  ['evicted reason', withStatus({ phase: 'Failed', reason: 'Evicted' }), '0/1', 'Evicted', '0'],
];

for (const [name, o, ready, status, restarts] of statusCases) {
  test(`pod columns: ${name}`, () => {
    const sum = summarizePod(o);
    assert.deepEqual([sum.ready, sum.status, formatRestarts(sum, now)], [ready, status, restarts]);
  });
}

test('pod columns: full row including wide cells', () => {
  const o = withStatus({
    phase: 'Running',
    podIPs: [{ ip: '10.1.0.5' }],
    containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: running }],
  });
  (o.spec as Obj).nodeName = 'node-1';
  const cells = podKind.columns!.map((c) => c.cell(o, now));
  assert.deepEqual(cells, ['1/1', 'Running', '0', '60m', '10.1.0.5', 'node-1', '<none>', '<none>']);
  assert.deepEqual(
    podKind.columns!.map((c) => [c.name, c.priority]),
    [
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ],
  );
});

test('pod field selectors', () => {
  const o = withStatus({ phase: 'Running', podIPs: [{ ip: '10.1.0.5' }] });
  (o.spec as Obj).nodeName = 'n1';
  const get = (f: string) => podKind.fieldSelectors![f]!(o);
  assert.deepEqual(
    ['spec.nodeName', 'status.phase', 'status.podIP', 'spec.hostNetwork', 'spec.restartPolicy'].map(get),
    ['n1', 'Running', '10.1.0.5', 'false', 'Always'],
  );
});

test('pod discovery: names and subresources', () => {
  assert.deepEqual([podKind.shortNames, podKind.categories], [['po'], ['all']]);
  const eviction = podKind.subresources!.find((x) => x.name === 'eviction')!;
  assert.deepEqual(eviction.responseKind, { group: 'policy', version: 'v1', kind: 'Eviction' });
  assert.deepEqual(podKind.subresources!.find((x) => x.name === 'log')!.verbs, ['get']);
});

const qos: [string, Obj, string][] = [
  ['best effort', { containers: [{ name: 'a' }] }, 'BestEffort'],
  [
    'guaranteed',
    {
      containers: [
        {
          name: 'a',
          resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } },
        },
      ],
    },
    'Guaranteed',
  ],
  ['burstable', { containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }] }, 'Burstable'],
];
for (const [name, spec, cls] of qos) test(`pod qos: ${name}`, () => assert.equal(podQOSClass(spec), cls));

test('pod create: ephemeral containers are refused; an empty list is not', () => {
  const withDebugger = pod({ ...podSpec(), ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] });
  const errs = s.validateCreate?.(withDebugger) ?? [];
  assert.deepEqual(
    errs.map((e) => [e.type, e.field]),
    [['FieldValueForbidden', 'spec.ephemeralContainers']],
  );
  assert.deepEqual(s.validateCreate?.(pod({ ...podSpec(), ephemeralContainers: [] })), []);
  assert.deepEqual(s.validateCreate?.(pod(podSpec())), []);
});
