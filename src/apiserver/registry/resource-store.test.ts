import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { configMap, ctx, deployment, json, newApi, rejectsStatus } from '../test-fixtures.ts';
import { patchObject } from './patch.ts';

const spec = (o: KubeObject) => o.spec as Record<string, unknown>;

test('create fills uid, creationTimestamp and generation=1 and clears status of hasStatus kinds', async () => {
  const { api, done } = newApi();
  const rs = api.resource('apps', 'deployments');
  const body = { ...deployment('web'), status: { replicas: 7 } };
  body.metadata.uid = 'client-chosen';
  body.metadata.resourceVersion = '999';
  const { obj, created } = await rs.create('default', body, ctx());
  assert.equal(created, true);
  assert.match(obj.metadata.uid!, /^[0-9a-f-]{36}$/);
  assert.notEqual(obj.metadata.uid, 'client-chosen');
  assert.match(obj.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(obj.metadata.creationTimestamp!) - Date.now()) < 5000);
  assert.equal(obj.metadata.generation, 1);
  assert.equal(obj.status, undefined);
  assert.match(obj.metadata.resourceVersion!, /^\d+$/);
  assert.notEqual(obj.metadata.resourceVersion, '999');
  const got = await rs.get('default', 'web');
  assert.equal(got.metadata.uid, obj.metadata.uid);
  assert.equal(got.metadata.resourceVersion, obj.metadata.resourceVersion);
  assert.equal(got.apiVersion, 'apps/v1');
  assert.equal(got.kind, 'Deployment');
  await done();
});

test('create keeps the status of nodes (keepStatusOnCreate)', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'nodes');
  const status = {
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True' }],
  };
  const { obj } = await rs.create(
    '',
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status },
    ctx(),
  );
  assert.deepEqual((obj.status as { capacity: unknown }).capacity, status.capacity);
  assert.equal(obj.metadata.namespace, undefined);
  await done();
});

test('generateName makes a unique name; creating an existing name is 409 AlreadyExists', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  const names = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const body = configMap('');
    body.metadata = { generateName: 'cfg-', namespace: 'default' };
    const { obj } = await rs.create('default', body, ctx());
    assert.match(obj.metadata.name!, /^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    names.add(obj.metadata.name!);
  }
  assert.equal(names.size, 5);
  await rs.create('default', configMap('dup'), ctx());
  const err = await rejectsStatus(rs.create('default', configMap('dup'), ctx()), 409, 'AlreadyExists');
  assert.equal(err.status.details?.name, 'dup');
  await done();
});

test('update: stale resourceVersion is 409; without resourceVersion the latest is replaced', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  const { obj: v1 } = await rs.create('default', configMap('c'), ctx());
  const v2 = (
    await rs.update(
      'default',
      'c',
      { ...configMap('c', {}, { k: 'two' }), metadata: { ...v1.metadata } },
      ctx(),
    )
  ).obj;
  assert.ok(Number(v2.metadata.resourceVersion) > Number(v1.metadata.resourceVersion));
  // v1's resourceVersion is stale now.
  await rejectsStatus(
    rs.update('default', 'c', { ...configMap('c', {}, { k: 'three' }), metadata: { ...v1.metadata } }, ctx()),
    409,
    'Conflict',
  );
  const v3 = (await rs.update('default', 'c', configMap('c', {}, { k: 'three' }), ctx())).obj;
  assert.deepEqual(v3.data, { k: 'three' });
  assert.equal(v3.metadata.uid, v1.metadata.uid, 'uid survives an unconditional update');
  assert.equal(v3.metadata.creationTimestamp, v1.metadata.creationTimestamp);
  // A name that differs from the URL, and a missing object.
  await rejectsStatus(rs.update('default', 'other', configMap('c'), ctx()), 400, 'BadRequest');
  await rejectsStatus(rs.update('default', 'missing', configMap('missing'), ctx()), 404, 'NotFound');
  await done();
});

test('generation bumps on spec changes only, never on labels or through /status', async () => {
  const { api, done } = newApi();
  const rs = api.resource('apps', 'deployments');
  await rs.create('default', deployment('web'), ctx());
  const labelled = deployment('web');
  labelled.metadata.labels = { app: 'web', tier: 'front' };
  let cur = (await rs.update('default', 'web', labelled, ctx())).obj;
  assert.equal(cur.metadata.generation, 1, 'labels are not spec');
  const scaled = structuredClone(labelled);
  spec(scaled).replicas = 3;
  cur = (await rs.update('default', 'web', scaled, ctx())).obj;
  assert.equal(cur.metadata.generation, 2);
  cur = (
    await rs.update(
      'default',
      'web',
      { ...structuredClone(cur), status: { replicas: 3, observedGeneration: 2 } },
      ctx(),
      'status',
    )
  ).obj;
  assert.equal(cur.metadata.generation, 2, '/status does not bump generation');
  assert.deepEqual(cur.status, { replicas: 3, observedGeneration: 2 });
  // A client-sent generation is not trusted.
  const forged = structuredClone(cur);
  forged.metadata.generation = 40;
  cur = (await rs.update('default', 'web', forged, ctx())).obj;
  assert.equal(cur.metadata.generation, 2);
  await done();
});

test('/status cannot change spec or labels; the main endpoint cannot change status', async () => {
  const { api, done } = newApi();
  const rs = api.resource('apps', 'deployments');
  const { obj } = await rs.create('default', deployment('web'), ctx());
  const viaStatus = structuredClone(obj);
  spec(viaStatus).replicas = 9;
  viaStatus.metadata.labels = { changed: 'yes' };
  viaStatus.status = { replicas: 1 };
  const afterStatus = (await rs.update('default', 'web', viaStatus, ctx(), 'status')).obj;
  assert.equal(spec(afterStatus).replicas, 1);
  assert.deepEqual(afterStatus.metadata.labels, { app: 'web' });
  assert.deepEqual(afterStatus.status, { replicas: 1 });
  const viaMain = structuredClone(afterStatus);
  viaMain.status = { replicas: 42 };
  spec(viaMain).replicas = 2;
  const afterMain = (await rs.update('default', 'web', viaMain, ctx())).obj;
  assert.equal(spec(afterMain).replicas, 2);
  assert.deepEqual(afterMain.status, { replicas: 1 });
  assert.deepEqual((await rs.get('default', 'web')).status, { replicas: 1 });
  await done();
});

test('a no-op update keeps the resourceVersion and writes nothing', async () => {
  const { api, store, done } = newApi();
  const rs = api.resource('apps', 'deployments');
  const { obj } = await rs.create('default', deployment('web'), ctx());
  const before = await store.currentRevision();
  const same = (await rs.update('default', 'web', structuredClone(obj), ctx())).obj;
  assert.equal(same.metadata.resourceVersion, obj.metadata.resourceVersion);
  const again = (await rs.update('default', 'web', deployment('web'), ctx())).obj;
  assert.equal(again.metadata.resourceVersion, obj.metadata.resourceVersion, 'unconditional identical PUT');
  assert.equal(await store.currentRevision(), before);
  await done();
});

test('fieldValidation: Strict rejects unknown fields by path, Warn prunes with a warning, Ignore prunes silently', async () => {
  const { api, done } = newApi();
  const rs = api.resource('apps', 'deployments');
  const withUnknown = (name: string) => {
    const d = deployment(name);
    spec(d).replicaz = 2;
    (d.metadata as Record<string, unknown>).colour = 'red';
    return d;
  };
  const err = await rejectsStatus(rs.create('default', withUnknown('s'), ctx()), 400, 'BadRequest');
  assert.match(err.message, /unknown field "spec\.replicaz"/);
  assert.match(err.message, /unknown field "metadata\.colour"/);
  assert.deepEqual(err.status.details?.causes?.map((c) => c.field).sort(), [
    'metadata.colour',
    'spec.replicaz',
  ]);
  await rejectsStatus(rs.get('default', 's'), 404);

  const warn = ctx({ fieldValidation: 'Warn' });
  const w = (await rs.create('default', withUnknown('w'), warn)).obj;
  assert.equal(spec(w).replicaz, undefined);
  assert.equal((w.metadata as Record<string, unknown>).colour, undefined);
  assert.deepEqual([...warn.warnings].sort(), [
    'unknown field "metadata.colour"',
    'unknown field "spec.replicaz"',
  ]);

  const ignore = ctx({ fieldValidation: 'Ignore' });
  const i = (await rs.create('default', withUnknown('i'), ignore)).obj;
  assert.equal(spec(i).replicaz, undefined);
  assert.deepEqual(ignore.warnings, []);
  const stored = await rs.get('default', 'i');
  assert.equal((stored.spec as Record<string, unknown>).replicaz, undefined);
  await done();
});

test('type header and namespace mismatches are 400; invalid objects are 422 with causes', async () => {
  const { api, done } = newApi();
  const rs = api.resource('apps', 'deployments');
  await rejectsStatus(
    rs.create('default', { ...deployment('a'), apiVersion: 'apps/v1beta1' }, ctx()),
    400,
    'BadRequest',
  );
  await rejectsStatus(
    rs.create('default', { ...deployment('a'), kind: 'StatefulSet' }, ctx()),
    400,
    'BadRequest',
  );
  const other = deployment('a');
  other.metadata.namespace = 'prod';
  await rejectsStatus(rs.create('default', other, ctx()), 400, 'BadRequest');
  await rejectsStatus(rs.create('default', 'not an object', ctx()), 400);
  await rejectsStatus(rs.create('default', [deployment('a')], ctx()), 400);
  // The type header may be left out: the URL decides.
  const bare = deployment('bare') as Partial<KubeObject>;
  delete bare.apiVersion;
  delete bare.kind;
  assert.equal((await rs.create('default', bare, ctx())).obj.kind, 'Deployment');

  const bad = deployment('Bad_Name');
  spec(bad).replicas = -1;
  const err = await rejectsStatus(rs.create('default', bad, ctx()), 422, 'Invalid');
  const fields = err.status.details?.causes?.map((c) => c.field) ?? [];
  assert.ok(fields.includes('metadata.name'), fields.join());
  assert.ok(fields.includes('spec.replicas'), fields.join());
  assert.equal(err.status.details?.kind, 'Deployment');
  assert.equal(err.status.details?.group, 'apps');
  // Wrong JSON types are 422 too, naming the field.
  const typed = deployment('typed');
  spec(typed).replicas = 'three';
  const terr = await rejectsStatus(rs.create('default', typed, ctx()), 422, 'Invalid');
  assert.ok(
    terr.status.details?.causes?.some((c) => c.field === 'spec.replicas'),
    JSON.stringify(terr.status),
  );
  await done();
});

test('an update may not change immutable metadata and must stay valid', async () => {
  const { api, done } = newApi();
  const rs = api.resource('apps', 'deployments');
  const { obj } = await rs.create('default', deployment('web'), ctx());
  const broken = structuredClone(obj);
  spec(broken).replicas = -5;
  await rejectsStatus(rs.update('default', 'web', broken, ctx()), 422, 'Invalid');
  const renamedNs = structuredClone(obj);
  renamedNs.metadata.namespace = 'other';
  await rejectsStatus(rs.update('default', 'web', renamedNs, ctx()), 400);
  await done();
});

test('patchObject applies merge, strategic and JSON patches through the update rules', async () => {
  const { api, done } = newApi();
  const rs = api.resource('apps', 'deployments');
  const { obj } = await rs.create('default', deployment('web'), ctx());
  let cur = (await patchObject(rs, 'default', 'web', 'merge', json({ spec: { replicas: 4 } }), ctx(), ''))
    .obj;
  assert.equal(spec(cur).replicas, 4);
  assert.equal(cur.metadata.generation, 2);
  cur = (
    await patchObject(
      rs,
      'default',
      'web',
      'strategic',
      json({ metadata: { labels: { extra: 'x' } } }),
      ctx(),
      '',
    )
  ).obj;
  assert.deepEqual(cur.metadata.labels, { app: 'web', extra: 'x' });
  assert.equal(cur.metadata.generation, 2);
  cur = (
    await patchObject(
      rs,
      'default',
      'web',
      'json',
      json([{ op: 'replace', path: '/spec/replicas', value: 5 }]),
      ctx(),
      '',
    )
  ).obj;
  assert.equal(spec(cur).replicas, 5);
  // A merge patch naming a stale resourceVersion is a conflict.
  await rejectsStatus(
    patchObject(
      rs,
      'default',
      'web',
      'merge',
      json({ metadata: { resourceVersion: obj.metadata.resourceVersion }, spec: { replicas: 1 } }),
      ctx(),
      '',
    ),
    409,
    'Conflict',
  );
  // Status patches touch status only.
  cur = (
    await patchObject(
      rs,
      'default',
      'web',
      'merge',
      json({ spec: { replicas: 9 }, status: { replicas: 5 } }),
      ctx(),
      'status',
    )
  ).obj;
  assert.equal(spec(cur).replicas, 5);
  assert.deepEqual(cur.status, { replicas: 5 });
  // Unknown fields in a patch follow fieldValidation too.
  await rejectsStatus(
    patchObject(rs, 'default', 'web', 'merge', json({ spec: { nope: 1 } }), ctx(), ''),
    400,
  );
  await rejectsStatus(
    patchObject(rs, 'default', 'web', 'merge', json({ metadata: { name: 'other' } }), ctx(), ''),
    400,
  );
  await rejectsStatus(patchObject(rs, 'default', 'missing', 'merge', json({ spec: {} }), ctx(), ''), 404);
  await rejectsStatus(patchObject(rs, 'default', 'web', 'json', json({ op: 'add' }), ctx(), ''), 400);
  await done();
});

test('dryRun runs every step but writes nothing', async () => {
  const { api, store, done } = newApi();
  const rs = api.resource('', 'configmaps');
  const dry = () => ctx({ dryRun: true });
  const before = await store.currentRevision();
  const { obj } = await rs.create('default', configMap('dry'), dry());
  assert.equal(obj.metadata.name, 'dry');
  assert.ok(obj.metadata.uid);
  await rejectsStatus(rs.get('default', 'dry'), 404);
  await rejectsStatus(rs.create('default', { ...configMap('Bad_Name') }, dry()), 422);
  assert.equal(await store.currentRevision(), before);
  await rs.create('default', configMap('real'), ctx());
  const rev = await store.currentRevision();
  const upd = (await rs.update('default', 'real', configMap('real', {}, { k: 'dry' }), dry())).obj;
  assert.deepEqual(upd.data, { k: 'dry' });
  await patchObject(rs, 'default', 'real', 'merge', json({ data: { k: 'dry2' } }), dry(), '');
  assert.deepEqual((await rs.get('default', 'real')).data, { k: 'v' });
  assert.equal(await store.currentRevision(), rev);
  await done();
});

test('a StorageClass with allowedTopologies can be created', async () => {
  const { api, done } = newApi();
  try {
    const rs = api.resource('storage.k8s.io', 'storageclasses');
    const allowedTopologies = [
      { matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['a'] }] },
    ];
    const body = {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'zonal' },
      provisioner: 'example.com/p',
      allowedTopologies,
    };
    const { obj } = await rs.create('', body, ctx());
    assert.deepEqual(obj.allowedTopologies, allowedTopologies);
  } finally {
    await done();
  }
});
