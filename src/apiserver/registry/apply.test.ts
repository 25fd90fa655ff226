import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { ctx, deployment, json, newApi, rejectsStatus } from '../test-fixtures.ts';
import { applyObject } from './apply.ts';
import { patchObject } from './patch.ts';

const spec = (o: KubeObject) =>
  o.spec as { replicas: number; template: { spec: { containers: { name: string }[] } } };
const managers = (o: KubeObject) =>
  (o.metadata.managedFields ?? []).map((m) => `${m.manager}/${m.operation}`);

test('apply creates; re-applying unchanged is a no-op; a removed field goes away', async () => {
  const { api, done } = newApi();
  const rs = api.resource('apps', 'deployments');
  const as = ctx({ fieldManager: 'kubectl' });
  const d = deployment('web', 2);
  d.metadata.labels = { app: 'web', tier: 'front' };
  const first = await applyObject(rs, 'default', 'web', json(d), as, '', false);
  assert.equal(first.created, true);
  assert.deepEqual(managers(first.obj), ['kubectl/Apply']);
  const again = await applyObject(rs, 'default', 'web', json(d), ctx({ fieldManager: 'kubectl' }), '', false);
  assert.equal(
    again.obj.metadata.resourceVersion,
    first.obj.metadata.resourceVersion,
    'no new resourceVersion',
  );
  const less = deployment('web', 2);
  const third = await applyObject(
    rs,
    'default',
    'web',
    json(less),
    ctx({ fieldManager: 'kubectl' }),
    '',
    false,
  );
  assert.deepEqual(third.obj.metadata.labels, { app: 'web' });
  // Defaults the server filled stay (nobody applied them, nobody dropped them).
  assert.equal((third.obj.spec as { revisionHistoryLimit?: number }).revisionHistoryLimit, 10);
  await done();
});

test('apply body: YAML accepted; fieldManager required; name must match', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  const yaml = Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n');
  const r = await applyObject(rs, 'default', 'c', yaml, ctx({ fieldManager: 'm' }), '', false);
  assert.deepEqual(r.obj.data, { a: '1' });
  await rejectsStatus(applyObject(rs, 'default', 'c', yaml, ctx(), '', false), 400, 'BadRequest');
  await rejectsStatus(
    applyObject(rs, 'default', 'other', yaml, ctx({ fieldManager: 'm' }), '', false),
    400,
    'BadRequest',
  );
  await rejectsStatus(
    applyObject(rs, 'default', 'c', Buffer.from('data: {}'), ctx({ fieldManager: 'm' }), '', false),
    400,
    'BadRequest',
  );
  await done();
});

test('an Update by another manager, then an Apply changing that field: 409 naming it; force takes ownership', async () => {
  const { api, done } = newApi();
  const rs = api.resource('apps', 'deployments');
  await applyObject(
    rs,
    'default',
    'web',
    json(deployment('web', 2)),
    ctx({ fieldManager: 'kubectl' }),
    '',
    false,
  );
  const scaled = await patchObject(
    rs,
    'default',
    'web',
    'merge',
    json({ spec: { replicas: 5 } }),
    ctx({ fieldManager: 'kubectl-scale' }),
    '',
  );
  assert.deepEqual(managers(scaled.obj), ['kubectl/Apply', 'kubectl-scale/Update']);
  const err = await rejectsStatus(
    applyObject(
      rs,
      'default',
      'web',
      json(deployment('web', 3)),
      ctx({ fieldManager: 'kubectl' }),
      '',
      false,
    ),
    409,
    'Conflict',
  );
  assert.equal(
    err.message,
    'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
  );
  assert.equal(err.status.details?.causes?.[0].field, '.spec.replicas');
  // The same value as the live one is not a conflict.
  const same = await applyObject(
    rs,
    'default',
    'web',
    json(deployment('web', 5)),
    ctx({ fieldManager: 'kubectl' }),
    '',
    false,
  );
  assert.equal(spec(same.obj).replicas, 5);
  const forced = await applyObject(
    rs,
    'default',
    'web',
    json(deployment('web', 3)),
    ctx({ fieldManager: 'kubectl' }),
    '',
    true,
  );
  assert.equal(spec(forced.obj).replicas, 3);
  assert.deepEqual(managers(forced.obj), ['kubectl/Apply']);
  await done();
});

test('every write records its manager: create, update, patch, status; no-op writes change nothing', async () => {
  const { api, done } = newApi();
  const rs = api.resource('apps', 'deployments');
  const { obj } = await rs.create(
    'default',
    deployment('web'),
    ctx({ userAgent: 'kubectl/v1.32.4 (linux/amd64) kubernetes/abc' }),
  );
  assert.deepEqual(managers(obj), ['kubectl/Update']);
  const fields = obj.metadata.managedFields![0].fieldsV1 as Record<string, Record<string, unknown>>;
  assert.ok(fields['f:spec']['f:replicas'], 'the creator owns replicas');
  assert.equal(fields['f:status'], undefined);
  const u = await rs.update(
    'default',
    'web',
    { ...obj, metadata: { ...obj.metadata, labels: { app: 'web', x: 'y' } } },
    ctx({ fieldManager: 'kubectl-edit' }),
  );
  assert.deepEqual(managers(u.obj), ['kubectl/Update', 'kubectl-edit/Update']);
  const s = await rs.update(
    'default',
    'web',
    { ...u.obj, status: { replicas: 1 } },
    ctx({ fieldManager: 'ctrl' }),
    'status',
  );
  const st = s.obj.metadata.managedFields!.find((m) => m.manager === 'ctrl')!;
  assert.equal(st.subresource, 'status');
  assert.deepEqual(st.fieldsV1, { 'f:status': { 'f:replicas': {} } });
  const noop = await rs.update('default', 'web', s.obj, ctx({ fieldManager: 'someone' }));
  assert.equal(noop.obj.metadata.resourceVersion, s.obj.metadata.resourceVersion);
  // Writes that name no manager leave managedFields as they were.
  const internal = await patchObject(
    rs,
    'default',
    'web',
    'merge',
    json({ metadata: { labels: { z: '1' } } }),
    ctx(),
    '',
  );
  assert.deepEqual(managers(internal.obj), managers(s.obj));
  // A client may rewrite managedFields (kubectl's client-side → server-side migration), or reset them with [{}].
  const rewritten = await patchObject(
    rs,
    'default',
    'web',
    'json',
    json([
      {
        op: 'replace',
        path: '/metadata/managedFields',
        value: [
          {
            manager: 'kubectl',
            operation: 'Apply',
            apiVersion: 'apps/v1',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': { 'f:replicas': {} } },
          },
        ],
      },
    ]),
    ctx({ fieldManager: 'kubectl' }),
    '',
  );
  assert.deepEqual(managers(rewritten.obj), ['kubectl/Apply']);
  const reset = await patchObject(
    rs,
    'default',
    'web',
    'json',
    json([{ op: 'replace', path: '/metadata/managedFields', value: [{}] }]),
    ctx({ fieldManager: 'x' }),
    '',
  );
  assert.equal(reset.obj.metadata.managedFields, undefined);
  await done();
});
