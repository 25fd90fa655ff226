import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodTemplate } from '../api/workload-types.ts';
import { imagePatch, jsonEqual, restartPatch, sameTemplate, templateWithoutHash } from './rollout.ts';

const template: PodTemplate = {
  metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } },
  spec: {
    initContainers: [{ name: 'init', image: 'busybox:1' }],
    containers: [
      { name: 'web', image: 'nginx:1.27' },
      { name: 'side', image: 'envoy:1' },
    ],
  },
};

test('restartPatch stamps the template', () => {
  assert.deepEqual(restartPatch('2026-01-10T12:00:00Z'), {
    spec: {
      template: {
        metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-10T12:00:00Z' } },
      },
    },
  });
});

test('imagePatch: only changed containers, each guarded by a name test', () => {
  const cases: { images: Record<string, string>; want: unknown[] }[] = [
    { images: {}, want: [] },
    { images: { web: 'nginx:1.27', side: '  ' }, want: [] },
    { images: { ghost: 'x:1' }, want: [] },
    {
      images: { side: 'envoy:2 ', init: 'busybox:2' },
      want: [
        { op: 'test', path: '/spec/template/spec/initContainers/0/name', value: 'init' },
        { op: 'replace', path: '/spec/template/spec/initContainers/0/image', value: 'busybox:2' },
        { op: 'test', path: '/spec/template/spec/containers/1/name', value: 'side' },
        { op: 'replace', path: '/spec/template/spec/containers/1/image', value: 'envoy:2' },
      ],
    },
  ];
  for (const c of cases) assert.deepEqual(imagePatch(template, c.images), c.want, JSON.stringify(c.images));
  assert.deepEqual(imagePatch(undefined, { web: 'x' }), []);
});

test('templateWithoutHash drops only the hash label, without touching the input', () => {
  const out = templateWithoutHash(template);
  assert.deepEqual(out.metadata?.labels, { app: 'web' });
  assert.equal(template.metadata?.labels?.['pod-template-hash'], 'abc');
  assert.deepEqual(templateWithoutHash({ metadata: { labels: { 'pod-template-hash': 'x' } } }), {
    metadata: {},
  });
});

test('jsonEqual and sameTemplate', () => {
  assert.equal(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }), true);
  assert.equal(jsonEqual({ a: 1, x: undefined }, { a: 1 }), true);
  assert.equal(jsonEqual([1, 2], [2, 1]), false);
  assert.equal(jsonEqual({ a: [] }, { a: {} }), false);
  assert.equal(jsonEqual(null, {}), false);
  const deployed = templateWithoutHash(template);
  assert.equal(sameTemplate(deployed, template), true);
  const changed = structuredClone(template);
  changed.spec!.containers![0].image = 'nginx:1.28';
  assert.equal(sameTemplate(deployed, changed), false);
});
