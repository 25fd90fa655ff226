import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusError } from '../../api/errors.ts';
import type { ResourceClient } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { silentLogger } from '../../client/logger.ts';
import {
  configMirrorAnnotation,
  isMirrorPod,
  isStaticPod,
  mirrorPod,
  readManifests,
  StaticPods,
} from './static-pods.ts';
import { harness } from './testing.ts';
import type { Pod, RPod } from './types.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function manifestDir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-static-'));
  dirs.push(d);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}

const web = `apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: main, image: busybox:1.35, command: [sleep, '3600']}]
`;

test('manifests: YAML with several documents, JSON, and what is not a pod', () => {
  const d = manifestDir({
    'a.yaml': `${web}---\napiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: kube-system}\nspec: {containers: [{name: c, image: x}]}\n`,
    'b.json': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'json' },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    }),
    'c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n',
    'd.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {}\nspec: {containers: [{name: c}]}\n',
    'e.yml': 'not: [valid',
    'notes.txt': web,
    '.hidden.yaml': web,
  });
  const r = readManifests(d, 'n1');
  assert.deepEqual(
    r.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    ['default/web-n1', 'kube-system/db-n1', 'default/json-n1'],
  );
  assert.equal(r.errors.length, 3, r.errors.join('\n'));
  const p = r.pods[0]!;
  assert.equal(p.spec?.nodeName, 'n1');
  assert.equal(p.metadata.labels?.app, 'web');
  assert.equal(p.metadata.annotations?.['kubernetes.io/config.source'], 'file');
  assert.equal(p.metadata.annotations?.['kubernetes.io/config.hash'], p.metadata.uid);
  assert.ok(isStaticPod(p) && !isMirrorPod(p));
  // The same manifest gives the same uid; a changed one a new uid.
  assert.equal(readManifests(d, 'n1').pods[0]!.metadata.uid, p.metadata.uid);
  writeFileSync(join(d, 'a.yaml'), web.replace("'3600'", "'7200'"));
  assert.notEqual(readManifests(d, 'n1').pods[0]!.metadata.uid, p.metadata.uid);
  assert.notEqual(readManifests(d, 'n2').pods[0]!.metadata.uid, p.metadata.uid);
});

test('mirror pod: marked, owned by the Node, no uid of its own', () => {
  const p = readManifests(manifestDir({ 'a.yaml': web }), 'n1').pods[0]!;
  const m = mirrorPod(p, { name: 'n1', uid: 'node-uid' });
  assert.equal(m.metadata.name, 'web-n1');
  assert.equal(m.metadata.uid, undefined);
  assert.equal(m.metadata.annotations?.[configMirrorAnnotation], p.metadata.uid);
  assert.equal(m.metadata.annotations?.['kubernetes.io/config.source'], 'file');
  assert.deepEqual(m.metadata.ownerReferences, [
    { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid', controller: true },
  ]);
  assert.ok(isMirrorPod(m) && !isStaticPod(m));
});

/** An in-memory pods API: enough of ResourceClient for the mirror pods. */
function fakePods() {
  const objs = new Map<string, Pod>();
  let seq = 0;
  const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
  const notFound = (k: string) => new StatusError(404, 'NotFound', `pods "${k}" not found`);
  const api = {
    objs,
    async get(ns: string | undefined, name: string) {
      const o = objs.get(key(ns, name));
      if (!o) throw notFound(name);
      return structuredClone(o);
    },
    async list() {
      return {
        apiVersion: 'v1',
        kind: 'PodList',
        metadata: {},
        items: [...objs.values()].map((o) => structuredClone(o)),
      };
    },
    async create(ns: string | undefined, obj: Pod) {
      const k = key(ns, obj.metadata.name ?? '');
      if (objs.has(k)) throw new StatusError(409, 'AlreadyExists', 'exists');
      const o = {
        ...structuredClone(obj),
        metadata: { ...obj.metadata, namespace: ns, uid: `api-${++seq}` },
      };
      objs.set(k, o);
      return structuredClone(o);
    },
    async updateStatus(ns: string | undefined, obj: Pod) {
      const k = key(ns, obj.metadata.name ?? '');
      const cur = objs.get(k);
      if (!cur) throw notFound(k);
      if (cur.metadata.uid !== obj.metadata.uid) throw new StatusError(409, 'Conflict', 'uid');
      cur.status = structuredClone(obj.status);
      return structuredClone(cur);
    },
    async delete(ns: string | undefined, name: string, opts?: { preconditions?: { uid?: string } }) {
      const k = key(ns, name);
      const cur = objs.get(k);
      if (!cur) throw notFound(k);
      if (opts?.preconditions?.uid && opts.preconditions.uid !== cur.metadata.uid)
        throw new StatusError(409, 'Conflict', 'precondition');
      objs.delete(k);
      return {};
    },
  };
  return api;
}

test('StaticPods: runs what the directory holds, keeps mirrors, follows file changes', async () => {
  const d = manifestDir({ 'web.yaml': web });
  const api = fakePods();
  const clock = new FakeClock();
  const seen: string[][] = [];
  const sp = new StaticPods({
    dir: d,
    nodeName: 'n1',
    pods: api as unknown as ResourceClient<Pod>,
    clock,
    log: silentLogger,
    nodeUid: () => 'node-uid',
    onChange: (list) => seen.push(list.map((p) => p.metadata.name ?? '')),
    periodMs: 1_000,
    watch: false,
  });
  sp.start();
  await sp.syncMirrors();
  assert.deepEqual(seen, [['web-n1']]);
  const staticUid = sp.list()[0]!.metadata.uid!;
  const mirror = api.objs.get('default/web-n1')!;
  assert.equal(mirror.metadata.annotations?.[configMirrorAnnotation], staticUid);
  assert.notEqual(mirror.metadata.uid, staticUid);

  // The pod runs on the (fake) runtime through the syncer; its status reaches the mirror.
  const h = harness();
  try {
    const pod = sp.list()[0]! as RPod;
    await h.syncer.sync(pod);
    await h.syncer.sync(h.current(pod as Pod));
    assert.ok(h.cri.calls.includes('RunPodSandbox web-n1'), h.cri.calls.join('\n'));
    assert.ok(
      [...h.cri.containers.values()].some((c) => c.state === 'CONTAINER_RUNNING'),
      h.cri.calls.join('\n'),
    );
    const writer = sp.statusWriter(api as unknown as ResourceClient<Pod>);
    await writer.updateStatus('default', { ...(pod as Pod), status: h.statuses.at(-1) });
    assert.equal(api.objs.get('default/web-n1')!.status?.phase, h.statuses.at(-1)?.phase);
  } finally {
    h.close();
  }

  // Deleting the mirror pod: it comes back on the next sync (the informer's delete triggers it).
  api.objs.delete('default/web-n1');
  await sp.syncMirrors();
  assert.ok(api.objs.has('default/web-n1'));
  assert.equal(api.objs.get('default/web-n1')!.metadata.annotations?.[configMirrorAnnotation], staticUid);

  // A mirror being deleted gracefully (deletionTimestamp) is removed and created again.
  const before = api.objs.get('default/web-n1')!.metadata.uid;
  api.objs.get('default/web-n1')!.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
  await sp.syncMirrors();
  assert.notEqual(api.objs.get('default/web-n1')!.metadata.uid, before);
  assert.equal(api.objs.get('default/web-n1')!.metadata.deletionTimestamp, undefined);

  // An edited manifest is a new static pod; its mirror is replaced.
  writeFileSync(join(d, 'web.yaml'), web.replace("'3600'", "'60'"));
  clock.advance(1_000);
  await sp.syncMirrors();
  const newUid = sp.list()[0]!.metadata.uid!;
  assert.notEqual(newUid, staticUid);
  assert.equal(seen.length, 2);
  assert.equal(api.objs.get('default/web-n1')!.metadata.annotations?.[configMirrorAnnotation], newUid);

  // Removing the file: no static pods, the mirror is deleted.
  unlinkSync(join(d, 'web.yaml'));
  clock.advance(1_000);
  await sp.syncMirrors();
  assert.deepEqual(seen.at(-1), []);
  assert.equal(api.objs.size, 0);
  await sp.stop();
});
