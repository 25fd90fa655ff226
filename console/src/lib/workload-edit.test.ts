import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/types.ts';
import { splitWords, workloadManifest, type WorkloadForm } from './workload-form.ts';
import {
  formFromWorkload,
  joinWords,
  sameDesiredState,
  sameFormState,
  updatedWorkload,
} from './workload-edit.ts';

test('joinWords gives splitWords its words back', () => {
  const cases = [
    ['sh', '-c', "echo 'hi' there"],
    ['a b', '', 'x=1', "it's"],
    ['/bin/app', '--port=80'],
  ];
  for (const words of cases) assert.deepEqual(splitWords(joinWords(words)), words);
  assert.equal(joinWords([]), undefined);
  assert.equal(joinWords(undefined), undefined);
});

/** The parts of a workload these tests read and change. */
interface TestContainer {
  [k: string]: unknown;
  env: { [k: string]: unknown; name: string }[];
  readinessProbe?: Record<string, unknown>;
}
interface TestWorkload extends KubeObject {
  spec: {
    [k: string]: unknown;
    template: {
      spec: {
        [k: string]: unknown;
        containers: TestContainer[];
        volumes: { [k: string]: unknown; name: string }[];
      };
    };
  };
}
const shape = (o: KubeObject) => o as unknown as TestWorkload;

const form: WorkloadForm = {
  kind: 'Deployment',
  name: 'shop',
  namespace: 'team',
  labels: [{ key: 'app', value: 'shop' }],
  replicas: 2,
  containers: [
    {
      name: 'web',
      image: 'nginx:1.27',
      command: 'sh -c',
      args: "'echo hi; sleep 9'",
      cpuRequest: '100m',
      memoryLimit: '128Mi',
      env: [
        { name: 'MODE', source: 'value', value: 'prod' },
        { name: 'PW', source: 'secret', refName: 'db', refKey: 'password' },
      ],
      ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
      readiness: { type: 'httpGet', path: '/healthz', port: 80, periodSeconds: 5 },
      liveness: { type: 'none' },
      mounts: [{ volume: 'cache', mountPath: '/cache', readOnly: true }],
    },
  ],
  volumes: [
    { name: 'cache', type: 'emptyDir', sizeLimit: '1Gi' },
    { name: 'cfg', type: 'configMap', source: 'shop-config' },
  ],
  nodeSelector: [{ key: 'disk', value: 'ssd' }],
  strategy: 'RollingUpdate',
  maxSurge: '1',
  maxUnavailable: '25%',
};

test('a workload the form made fills the form it came from', () => {
  const w = workloadManifest(form);
  const back = formFromWorkload(w);
  assert.deepEqual(workloadManifest(back), w);
  assert.equal(back.replicas, 2);
  assert.deepEqual(back.containers?.[0].env, form.containers?.[0].env);
  assert.deepEqual(back.volumes, [
    { name: 'cache', type: 'emptyDir', source: undefined, sizeLimit: '1Gi' },
    { name: 'cfg', type: 'configMap', source: 'shop-config', sizeLimit: undefined },
  ]);
});

test('an update changes what the form shows and keeps everything else', () => {
  const made = shape(workloadManifest(form));
  const pod = made.spec.template.spec;
  pod.tolerations = [{ key: 'gpu', operator: 'Exists' }];
  pod.volumes.push({ name: 'host', hostPath: { path: '/var/log' } });
  pod.containers[0].env.push({ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
  pod.containers[0].readinessProbe = { ...pod.containers[0].readinessProbe, timeoutSeconds: 3 };
  pod.containers[0].imagePullPolicy = 'IfNotPresent';
  const original: KubeObject = {
    ...made,
    metadata: { ...made.metadata, resourceVersion: '42', uid: 'u1', annotations: { note: 'x' } },
    status: { replicas: 2 },
  };
  const edited = formFromWorkload(original);
  edited.replicas = 5;
  edited.containers![0].image = 'nginx:1.28';
  edited.containers![0].readiness = { type: 'none' };
  edited.volumes = edited.volumes!.filter((v) => v.name !== 'cfg');
  edited.nodeSelector = [];
  edited.name = 'renamed'; // read-only in edit mode; the original name is kept anyway

  const out = shape(updatedWorkload(original, edited));
  assert.equal(out.metadata.name, 'shop');
  assert.equal(out.metadata.resourceVersion, '42');
  assert.equal(out.status, undefined);
  assert.deepEqual(out.metadata.annotations, { note: 'x' });
  assert.equal(out.spec.replicas, 5);
  assert.deepEqual(out.spec.selector, { matchLabels: { app: 'shop' } });
  const c = out.spec.template.spec.containers[0];
  assert.equal(c.image, 'nginx:1.28');
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.equal(c.readinessProbe, undefined);
  assert.deepEqual(
    c.env.map((e) => e.name),
    ['MODE', 'PW', 'NODE'],
  );
  assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'gpu', operator: 'Exists' }]);
  assert.deepEqual(
    out.spec.template.spec.volumes.map((v) => v.name),
    ['cache', 'host'],
  );
  assert.equal(out.spec.template.spec.nodeSelector, undefined);

  // A kept probe handler keeps the thresholds the form has no field for.
  const again = formFromWorkload(original);
  again.containers![0].readiness!.path = '/ready';
  const probe = shape(updatedWorkload(original, again)).spec.template.spec.containers[0].readinessProbe;
  assert.deepEqual(probe, { httpGet: { path: '/ready', port: 80 }, periodSeconds: 5, timeoutSeconds: 3 });
});

test('StatefulSet and DaemonSet: updateStrategy, no replicas for a DaemonSet', () => {
  const ds = workloadManifest({ ...form, kind: 'DaemonSet', strategy: 'OnDelete' });
  const back = formFromWorkload(ds);
  assert.equal(back.kind, 'DaemonSet');
  assert.equal(back.strategy, 'OnDelete');
  const out = shape(updatedWorkload(ds, { ...back, strategy: 'RollingUpdate', maxUnavailable: '2' }));
  assert.equal(out.spec.replicas, undefined);
  assert.deepEqual(out.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } });
});

test('a change to status alone is not a conflict; spec, labels and annotations are', () => {
  const base = { ...workloadManifest(form), metadata: { name: 'shop', uid: 'u', resourceVersion: '1' } };
  const moved = {
    ...base,
    metadata: { ...base.metadata, resourceVersion: '7' },
    status: { readyReplicas: 2 },
  };
  assert.equal(sameDesiredState(base, moved), true);
  const cases: KubeObject[] = [
    { ...moved, spec: { ...shape(base).spec, replicas: 9 } },
    { ...moved, metadata: { ...moved.metadata, annotations: { a: 'b' } } },
    { ...moved, metadata: { ...moved.metadata, labels: { x: 'y' } } },
    { ...moved, metadata: { ...moved.metadata, uid: 'other' } },
  ];
  for (const c of cases) assert.equal(sameDesiredState(base, c), false);
});

test('the same form state ignores what the server adds and what the form lacks', () => {
  const made = workloadManifest(form);
  const served = shape(structuredClone(made));
  served.spec.template.spec.containers[0].terminationMessagePath = '/dev/termination-log';
  served.spec.template.spec.restartPolicy = 'Always';
  const withStatus = { ...served, status: { replicas: 2 } } as KubeObject;
  assert.equal(sameFormState(made, withStatus), true);
  assert.equal(sameFormState(made, { ...made, spec: { ...shape(made).spec, replicas: 7 } }), false);
});
