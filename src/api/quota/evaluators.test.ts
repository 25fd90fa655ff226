import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.ts';
import {
  evaluatorFor,
  objectCountName,
  podEvaluator,
  pvcEvaluator,
  serviceEvaluator,
  sourceOf,
} from './evaluators.ts';
import {
  addUsage,
  exceededNames,
  isZeroUsage,
  maskUsage,
  maxUsage,
  parseUsage,
  prettyUsage,
  sameUsage,
  subtractUsage,
  usageToJson,
} from './resource-list.ts';
import { podMatchesScopes, quotaScopes } from './scopes.ts';

type Obj = Record<string, unknown>;

function pod(containers: Obj[], extra: Obj = {}, status: Obj = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: { containers, ...extra },
    status,
  };
}
const c = (name: string, requests?: Obj, limits?: Obj): Obj => ({
  name,
  image: 'busybox',
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
});

test('resource list arithmetic', () => {
  const a = parseUsage({ cpu: '500m', memory: '1Gi', pods: '1', bad: 'x' });
  const b = parseUsage({ cpu: '1', pods: '2' });
  assert.deepEqual(usageToJson(addUsage(a, b)), { cpu: '1500m', memory: '1Gi', pods: '3' });
  assert.deepEqual(usageToJson(subtractUsage(a, b)), { cpu: '0', memory: '1Gi', pods: '0' });
  assert.deepEqual(usageToJson(maxUsage(a, b)), { cpu: '1', memory: '1Gi', pods: '2' });
  assert.deepEqual(usageToJson(maskUsage(a, ['cpu', 'nope'])), { cpu: '500m' });
  assert.deepEqual(exceededNames(addUsage(a, b), parseUsage({ cpu: '1', pods: '3' })), ['cpu']);
  assert.equal(prettyUsage(parseUsage({ pods: '1', 'requests.cpu': '0.5' })), 'pods=1,requests.cpu=500m');
  assert.ok(isZeroUsage(parseUsage({ cpu: '0' })));
  assert.ok(!isZeroUsage(a));
  assert.ok(sameUsage(parseUsage({ cpu: '1000m' }), parseUsage({ cpu: '1' })));
  assert.ok(!sameUsage(parseUsage({ cpu: '1' }), parseUsage({ cpu: '1', pods: '0' })));
});

test('pod usage', () => {
  const cases: { name: string; pod: KubeObject; want: Record<string, string> }[] = [
    {
      name: 'best effort pod counts only as a pod',
      pod: pod([c('a')]),
      want: { 'count/pods': '1', pods: '1' },
    },
    {
      name: 'requests and limits summed over containers; cpu/memory also under their bare names',
      pod: pod([
        c('a', { cpu: '100m', memory: '64Mi' }, { cpu: '200m', memory: '128Mi' }),
        c('b', { cpu: '300m', 'nvidia.com/gpu': '1', 'ephemeral-storage': '1Gi' }, { cpu: '1' }),
      ]),
      want: {
        'count/pods': '1',
        pods: '1',
        cpu: '400m',
        'requests.cpu': '400m',
        memory: '64Mi',
        'requests.memory': '64Mi',
        'limits.cpu': '1200m',
        'limits.memory': '128Mi',
        'requests.nvidia.com/gpu': '1',
        'requests.ephemeral-storage': '1Gi',
      },
    },
    {
      name: 'a larger init container raises the total; overhead is added',
      pod: pod([c('a', { cpu: '100m' })], {
        initContainers: [c('init', { cpu: '1' })],
        overhead: { cpu: '50m' },
      }),
      want: { 'count/pods': '1', pods: '1', cpu: '1050m', 'requests.cpu': '1050m' },
    },
    {
      name: 'a finished pod holds nothing but its count',
      pod: pod([c('a', { cpu: '1' })], {}, { phase: 'Succeeded' }),
      want: { 'count/pods': '1' },
    },
    {
      name: 'a terminating pod holds nothing but its count',
      pod: {
        ...pod([c('a', { cpu: '1' })]),
        metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' },
      },
      want: { 'count/pods': '1' },
    },
  ];
  for (const tc of cases) assert.deepEqual(usageToJson(podEvaluator.usage(tc.pod)), tc.want, tc.name);
});

test('pod constraints: containers must name the cpu/memory a quota limits', () => {
  const p = pod([c('web', { memory: '1Gi' }, { memory: '1Gi' }), c('side')], {
    initContainers: [c('init', { cpu: '1' }, { cpu: '1' })],
  });
  assert.equal(
    podEvaluator.constraints!(['limits.cpu', 'requests.cpu', 'pods', 'requests.nvidia.com/gpu'], p),
    'must specify limits.cpu for: side,web; requests.cpu for: side,web',
  );
  assert.equal(podEvaluator.constraints!(['pods'], p), undefined);
  assert.equal(podEvaluator.constraints!(['memory'], pod([c('a', { memory: '1' })])), undefined);
});

test('service and claim usage', () => {
  const svc = (spec: Obj): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's' },
    spec,
  });
  const ports = [{ port: 80 }, { port: 443, nodePort: 30443 }];
  const cases: [string, KubeObject, Record<string, string>][] = [
    ['ClusterIP', svc({ ports }), { services: '1', 'count/services': '1' }],
    [
      'NodePort',
      svc({ type: 'NodePort', ports }),
      { services: '1', 'count/services': '1', 'services.nodeports': '2' },
    ],
    [
      'LoadBalancer',
      svc({ type: 'LoadBalancer', ports }),
      { services: '1', 'count/services': '1', 'services.nodeports': '2', 'services.loadbalancers': '1' },
    ],
    [
      'LoadBalancer without node port allocation',
      svc({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports }),
      { services: '1', 'count/services': '1', 'services.nodeports': '1', 'services.loadbalancers': '1' },
    ],
  ];
  for (const [name, obj, want] of cases)
    assert.deepEqual(usageToJson(serviceEvaluator.usage(obj)), want, name);

  const pvc: KubeObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'c' },
    spec: { storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } },
  };
  assert.deepEqual(usageToJson(pvcEvaluator.usage(pvc)), {
    'count/persistentvolumeclaims': '1',
    'fast.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
    'fast.storageclass.storage.k8s.io/requests.storage': '5Gi',
    persistentvolumeclaims: '1',
    'requests.storage': '5Gi',
  });
  assert.deepEqual(
    pvcEvaluator.matchingResources([
      'requests.storage',
      'gold.storageclass.storage.k8s.io/requests.storage',
      'pods',
    ]),
    ['requests.storage', 'gold.storageclass.storage.k8s.io/requests.storage'],
  );
});

test('object counts and where each quota name comes from', () => {
  assert.equal(objectCountName('apps', 'deployments'), 'count/deployments.apps');
  assert.equal(objectCountName('', 'configmaps'), 'count/configmaps');
  assert.deepEqual(usageToJson(evaluatorFor('', 'configmaps').usage(pod([]))), {
    configmaps: '1',
    'count/configmaps': '1',
  });
  assert.deepEqual(usageToJson(evaluatorFor('apps', 'deployments').usage(pod([]))), {
    'count/deployments.apps': '1',
  });
  const cases: [string, { group: string; resource: string } | undefined][] = [
    ['pods', { group: '', resource: 'pods' }],
    ['requests.cpu', { group: '', resource: 'pods' }],
    ['memory', { group: '', resource: 'pods' }],
    ['requests.nvidia.com/gpu', { group: '', resource: 'pods' }],
    ['services.nodeports', { group: '', resource: 'services' }],
    ['local.storageclass.storage.k8s.io/requests.storage', { group: '', resource: 'persistentvolumeclaims' }],
    ['secrets', { group: '', resource: 'secrets' }],
    ['count/deployments.apps', { group: 'apps', resource: 'deployments' }],
    ['count/widgets.example.com', { group: 'example.com', resource: 'widgets' }],
    ['count/configmaps', { group: '', resource: 'configmaps' }],
    ['nonsense', undefined],
  ];
  for (const [name, want] of cases) assert.deepEqual(sourceOf(name), want, name);
});

test('scopes select pods', () => {
  const quota = (scopes: string[], matchExpressions: Obj[] = []): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'q' },
    spec: { hard: { pods: '1' }, scopes, scopeSelector: { matchExpressions } },
  });
  const bestEffort = pod([c('a')]);
  const burstable = pod([c('a', { cpu: '1' })], { priorityClassName: 'high', activeDeadlineSeconds: 10 });
  const cases: [string, KubeObject, KubeObject, boolean][] = [
    ['no scopes', quota([]), bestEffort, true],
    ['BestEffort', quota(['BestEffort']), bestEffort, true],
    ['BestEffort vs burstable', quota(['BestEffort']), burstable, false],
    ['NotBestEffort', quota(['NotBestEffort']), burstable, true],
    ['Terminating', quota(['Terminating']), burstable, true],
    ['NotTerminating', quota(['NotTerminating']), burstable, false],
    ['all must match', quota(['NotBestEffort', 'NotTerminating']), burstable, false],
    [
      'PriorityClass In',
      quota([], [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }]),
      burstable,
      true,
    ],
    [
      'PriorityClass NotIn',
      quota([], [{ scopeName: 'PriorityClass', operator: 'NotIn', values: ['high'] }]),
      burstable,
      false,
    ],
    [
      'PriorityClass In, no class',
      quota([], [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }]),
      bestEffort,
      false,
    ],
    [
      'CrossNamespacePodAffinity',
      quota(['CrossNamespacePodAffinity']),
      pod([], {
        affinity: {
          podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ namespaces: ['x'] }] },
        },
      }),
      true,
    ],
  ];
  for (const [name, q, p, want] of cases) assert.equal(podMatchesScopes(p, quotaScopes(q)), want, name);
  assert.equal(serviceEvaluator.matchesScopes(bestEffort, quotaScopes(quota(['BestEffort']))), false);
  assert.equal(serviceEvaluator.matchesScopes(bestEffort, quotaScopes(quota([]))), true);
});
