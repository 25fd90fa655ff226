import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defaultImagePullPolicy,
  defaultPodOnly,
  defaultPodSpec,
  defaultPodTemplateSpec,
} from './pod-defaults.ts';

test('defaultPodSpec: golden', () => {
  const spec: Record<string, unknown> = {
    containers: [
      {
        name: 'web',
        image: 'nginx',
        ports: [{ containerPort: 80 }],
        env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        livenessProbe: { httpGet: { port: 80 } },
      },
    ],
    initContainers: [{ name: 'init', image: 'busybox:1.36' }],
    volumes: [
      { name: 'a' },
      { name: 'b', secret: { secretName: 's' } },
      { name: 'c', hostPath: { path: '/x' } },
    ],
    serviceAccount: 'robot',
  };
  defaultPodSpec(spec);
  assert.deepEqual(spec, {
    containers: [
      {
        name: 'web',
        image: 'nginx',
        imagePullPolicy: 'Always',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: [{ name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
        livenessProbe: {
          httpGet: { port: 80, path: '/', scheme: 'HTTP' },
          timeoutSeconds: 1,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3,
        },
      },
    ],
    initContainers: [
      {
        name: 'init',
        image: 'busybox:1.36',
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    volumes: [
      { name: 'a', emptyDir: {} },
      { name: 'b', secret: { secretName: 's', defaultMode: 420 } },
      { name: 'c', hostPath: { path: '/x', type: '' } },
    ],
    serviceAccount: 'robot',
    serviceAccountName: 'robot',
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
  });
});

test('defaultPodSpec: keeps what the user set', () => {
  const spec: Record<string, unknown> = {
    containers: [{ name: 'a', image: 'x:latest', imagePullPolicy: 'Never' }],
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: 0,
    securityContext: { runAsUser: 1000 },
  };
  defaultPodSpec(spec);
  assert.equal((spec.containers as Record<string, unknown>[])[0]!.imagePullPolicy, 'Never');
  assert.equal(spec.restartPolicy, 'Never');
  assert.equal(spec.terminationGracePeriodSeconds, 0);
  assert.deepEqual(spec.securityContext, { runAsUser: 1000 });
});

const pullPolicies: [string, string][] = [
  ['nginx', 'Always'],
  ['nginx:latest', 'Always'],
  ['nginx:1.27', 'IfNotPresent'],
  ['localhost:5000/app', 'Always'],
  ['localhost:5000/app:v1', 'IfNotPresent'],
  ['nginx@sha256:abc', 'IfNotPresent'],
];
for (const [image, policy] of pullPolicies)
  test(`defaultImagePullPolicy: ${image}`, () => assert.equal(defaultImagePullPolicy(image), policy));

test('defaultPodTemplateSpec: creates and defaults the spec', () => {
  const tpl: Record<string, unknown> = {
    metadata: { labels: { app: 'x' } },
    spec: { containers: [{ name: 'a', image: 'b' }] },
  };
  defaultPodTemplateSpec(tpl);
  const spec = tpl.spec as Record<string, unknown>;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.enableServiceLinks, undefined, 'templates do not get pod-only defaults');
});

test('defaultPodOnly: requests from limits, service links, host ports', () => {
  const spec: Record<string, unknown> = {
    hostNetwork: true,
    containers: [
      {
        name: 'a',
        image: 'b',
        ports: [{ containerPort: 53 }],
        resources: { limits: { cpu: '1' }, requests: { memory: '1Mi' } },
      },
    ],
  };
  defaultPodOnly(spec);
  const c = (spec.containers as Record<string, Record<string, unknown>>[])[0]!;
  assert.deepEqual(c.resources, { limits: { cpu: '1' }, requests: { memory: '1Mi', cpu: '1' } });
  assert.equal(spec.enableServiceLinks, true);
  assert.deepEqual(c.ports, [{ containerPort: 53, hostPort: 53 }]);
});
