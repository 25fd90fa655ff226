import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerRevision, ReplicaSet } from '../api/workload-types.ts';
import { controllerRevisionRows, deploymentRevisions, rollbackRequest } from './revisions.ts';

const tpl = (image: string, hash?: string) => ({
  metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
  spec: { containers: [{ name: 'web', image }] },
});
const owned = (uid: string) => [
  { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid, controller: true },
];
const rs = (name: string, revision: string, image: string, uid = 'd-uid'): ReplicaSet => ({
  metadata: {
    name,
    namespace: 'shop',
    annotations: { 'deployment.kubernetes.io/revision': revision },
    ownerReferences: owned(uid),
    creationTimestamp: '2026-01-10T12:00:00Z',
  },
  spec: { replicas: 1, template: tpl(image, name.slice(-3)) },
  status: { replicas: revision === '2' ? 2 : 0 },
});
const deployment = {
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', uid: 'd-uid' },
  spec: { template: tpl('nginx:1.28') },
};
const rss = [
  rs('web-aaa', '1', 'nginx:1.27'),
  rs('web-bbb', '2', 'nginx:1.28'),
  rs('other-ccc', '5', 'x', 'other'),
];

test('deploymentRevisions: owned ReplicaSets, newest first, current by template', () => {
  const rows = deploymentRevisions(deployment, rss);
  assert.deepEqual(
    rows.map((r) => [r.revision, r.name, r.images.join(), r.replicas, r.current]),
    [
      [2, 'web-bbb', 'nginx:1.28', 2, true],
      [1, 'web-aaa', 'nginx:1.27', 0, false],
    ],
  );
});

test('rollbackRequest for a Deployment replaces the template without the hash label', () => {
  const r = rollbackRequest(deployment, rss[0]);
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.equal(r.request.contentType, 'application/json-patch+json');
  assert.deepEqual(r.request.body, [
    { op: 'test', path: '/metadata/uid', value: 'd-uid' },
    { op: 'replace', path: '/spec/template', value: tpl('nginx:1.27') },
  ]);
});

test('rollbackRequest refusals', () => {
  const current = rollbackRequest(deployment, rss[1]);
  assert.equal(current.ok, false);
  const paused = rollbackRequest({ ...deployment, spec: { ...deployment.spec, paused: true } }, rss[0]);
  assert.deepEqual(paused, { ok: false, reason: 'the Deployment is paused; resume it first' });
});

const cr = (name: string, revision: number, image: string): ControllerRevision => ({
  metadata: { name, namespace: 'shop', ownerReferences: owned('s-uid') },
  revision,
  data: { spec: { template: { ...tpl(image), $patch: 'replace' } } },
});

test('controllerRevisionRows and their rollback', () => {
  const sts = {
    kind: 'StatefulSet',
    metadata: { name: 'db', uid: 's-uid' },
    spec: { template: tpl('pg:16') },
    status: { updateRevision: 'db-2' },
  };
  const revs = [cr('db-1', 1, 'pg:15'), cr('db-2', 2, 'pg:16'), cr('db-3', 3, 'pg:17')];
  const rows = controllerRevisionRows(sts, revs);
  assert.deepEqual(
    rows.map((r) => [r.revision, r.current]),
    [
      [3, false],
      [2, true],
      [1, false],
    ],
  );
  const noUpdate = controllerRevisionRows({ ...sts, status: {} }, revs);
  assert.equal(noUpdate[0].current, true);

  const back = rollbackRequest(sts, revs[0]);
  assert.deepEqual(back, {
    ok: true,
    request: { contentType: 'application/strategic-merge-patch+json', body: revs[0].data },
  });
  assert.equal(rollbackRequest(sts, revs[1]).ok, false);
});
