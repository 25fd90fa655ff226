import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../client/client.ts';
import type { Transport, TransportResponse } from '../client/transport.ts';
import { groupResource, servedResources } from './served-resources.ts';

const docs: Record<string, unknown> = {
  '/api': { versions: ['v1'] },
  '/apis': {
    groups: [
      {
        name: 'apps',
        versions: [{ groupVersion: 'apps/v1' }],
        preferredVersion: { groupVersion: 'apps/v1' },
      },
      {
        name: 'autoscaling',
        versions: [{ groupVersion: 'autoscaling/v2' }, { groupVersion: 'autoscaling/v1' }],
        preferredVersion: { groupVersion: 'autoscaling/v2' },
      },
      { name: 'broken.example.com', versions: [{ groupVersion: 'broken.example.com/v1' }] },
    ],
  },
  '/api/v1': {
    resources: [
      { name: 'pods', kind: 'Pod', namespaced: true, verbs: ['list', 'delete'] },
      { name: 'pods/status', kind: 'Pod', namespaced: true, verbs: ['get'] },
    ],
  },
  '/apis/apps/v1': {
    resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['list'] }],
  },
  '/apis/autoscaling/v2': {
    resources: [
      { name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, verbs: [] },
    ],
  },
  '/apis/autoscaling/v1': {
    resources: [
      { name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, verbs: [] },
    ],
  },
};

const transport: Transport = {
  async request(r): Promise<TransportResponse> {
    const doc = docs[r.path];
    if (doc === undefined)
      return {
        status: 503,
        headers: {},
        body: Buffer.from('{"kind":"Status","code":503,"message":"unavailable"}'),
      };
    return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(doc)) };
  },
  stream: () => Promise.reject(new Error('no streams')),
};

test('served resources: preferred versions only, no subresources, failed group versions reported', async () => {
  const r = await servedResources(new Client(transport));
  assert.deepEqual(
    r.resources.map((x) => `${groupResource(x)}@${x.version}`),
    ['deployments.apps@v1', 'horizontalpodautoscalers.autoscaling@v2', 'pods@v1'],
  );
  assert.deepEqual(
    r.failed.map((f) => f.groupVersion),
    ['broken.example.com/v1'],
  );
});
