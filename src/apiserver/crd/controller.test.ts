import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.ts';
import type { Api } from '../api.ts';
import type { SubresourceHandler } from '../handlers/resource.ts';
import { deleteObject } from '../registry/delete.ts';
import { list } from '../registry/list.ts';
import { ctx, newApi, rejectsStatus } from '../test-fixtures.ts';
import { tableRow } from '../tables.ts';
import { cleanupFinalizer } from './admission.ts';
import { CrdController } from './controller.ts';
import { widget, widgetCRD } from './test-fixtures.ts';

const quiet = {
  debug() {},
  info() {},
  warn: (o: object, m?: string) => {
    if (process.env.CRD_DEBUG) console.error(m, o);
  },
  error() {},
};

async function setup(path?: string) {
  const env = newApi(path);
  const invalidations = { n: 0 };
  const subresources = new Map<string, SubresourceHandler>();
  const controller = new CrdController({
    api: env.api,
    invalidate: () => invalidations.n++,
    subresources,
    log: quiet,
  });
  await controller.start();
  return {
    ...env,
    controller,
    invalidations,
    subresources,
    crds: env.api.resource('apiextensions.k8s.io', 'customresourcedefinitions'),
    async close() {
      controller.stop();
      await env.done();
    },
  };
}

function widgets(api: Api, version = 'v1') {
  const k = api.registry.byGVR('example.com', version, 'widgets');
  assert.ok(k, `example.com/${version} widgets is served`);
  return api.storeFor(k);
}

function condition(crd: KubeObject, type: string): Record<string, unknown> | undefined {
  return ((crd.status as { conditions?: Record<string, unknown>[] }).conditions ?? []).find(
    (c) => c.type === type,
  );
}

test('crd: a new CRD is served, established and finalized-protected', async () => {
  const e = await setup();
  try {
    await e.crds.create('', widgetCRD(), ctx());
    await e.controller.drained();
    const crd = await e.crds.get('', 'widgets.example.com');
    assert.deepEqual(crd.metadata.finalizers, [cleanupFinalizer]);
    assert.equal(condition(crd, 'NamesAccepted')?.status, 'True');
    assert.equal(condition(crd, 'Established')?.status, 'True');
    assert.deepEqual((crd.status as { acceptedNames: unknown }).acceptedNames, {
      plural: 'widgets',
      singular: 'widget',
      shortNames: ['wd'],
      kind: 'Widget',
      listKind: 'WidgetList',
      categories: ['all'],
    });
    assert.deepEqual((crd.status as { storedVersions: unknown }).storedVersions, ['v1']);
    const k = e.api.registry.byGVR('example.com', 'v1', 'widgets')!;
    assert.deepEqual(
      [k.kind, k.namespaced, k.shortNames, k.hasStatus, k.scale],
      [
        'Widget',
        true,
        ['wd'],
        true,
        { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas' },
      ],
    );
    assert.ok(e.api.registry.byGVK('example.com', 'v1beta1', 'Widget'));
    assert.ok(e.api.registry.definitions['com.example.v1.Widget']);
    assert.ok(e.subresources.has('example.com/widgets/scale'));
    assert.ok(e.invalidations.n >= 1);
    // Reconciling again changes nothing: no second status write, no re-registration.
    const before = e.invalidations.n;
    await e.controller.reconcile('widgets.example.com');
    assert.equal(
      (await e.crds.get('', 'widgets.example.com')).metadata.resourceVersion,
      crd.metadata.resourceVersion,
    );
    assert.equal(e.invalidations.n, before);
  } finally {
    await e.close();
  }
});

test('crd: custom objects are defaulted, pruned, validated, and print their columns', async () => {
  const e = await setup();
  try {
    await e.crds.create('', widgetCRD(), ctx());
    await e.controller.drained();
    const rs = widgets(e.api);
    const body = widget('a', { size: 2, bogus: true, extra: { anything: [1] }, port: 'http' });
    const created = (await rs.create('default', body, ctx({ fieldValidation: 'Ignore' }))).obj;
    assert.deepEqual(created.spec, {
      size: 2,
      extra: { anything: [1] },
      port: 'http',
      color: 'red',
      replicas: 1,
    });
    assert.equal(created.status, undefined);

    const strict = await rejectsStatus(rs.create('default', widget('b', { size: 1, bogus: 1 }), ctx()), 400);
    assert.match(strict.message, /unknown field "spec.bogus"/);
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ size: 0 }, 'spec.size', /should be greater than or equal to 1/],
      [{ size: 1, color: 'purple' }, 'spec.color', /Unsupported value: "purple"/],
      [{ color: 'red' }, 'spec.size', /Required value/],
      [{ size: 'big' }, 'spec.size', /must be of type integer/],
    ];
    for (const [spec, field, message] of cases) {
      const err = await rejectsStatus(rs.create('default', widget('c', spec), ctx()), 422, 'Invalid');
      assert.deepEqual(
        err.status.details?.causes?.map((c) => c.field),
        [field],
        JSON.stringify(spec),
      );
      assert.match(err.message, message);
    }

    // Status only through /status.
    const withStatus = {
      ...created,
      status: { replicas: 2, conditions: [{ type: 'Ready', status: 'True' }] },
    };
    const updated = (await rs.update('default', 'a', withStatus, ctx(), 'status')).obj;
    assert.deepEqual(updated.status, withStatus.status);
    const row = tableRow(rs.kind, updated, Date.now(), 'None');
    assert.deepEqual(row.cells.slice(0, 4), ['a', 2, 'red', 'True']);
    assert.match(String(row.cells[4]), /^\d+s$/);
  } finally {
    await e.close();
  }
});

test('crd: all versions share one storage; objects are stored at the storage version', async () => {
  const e = await setup();
  try {
    await e.crds.create('', widgetCRD({ storage: 'v1' }), ctx());
    await e.controller.drained();
    await widgets(e.api, 'v1beta1').create('default', widget('old', { size: 3 }, 'v1beta1'), ctx());
    const kv = await e.store.get('/registry/example.com/widgets/default/old');
    assert.equal((JSON.parse(kv!.value) as KubeObject).apiVersion, 'example.com/v1');
    assert.equal((await widgets(e.api, 'v1').get('default', 'old')).apiVersion, 'example.com/v1');
    assert.equal((await widgets(e.api, 'v1beta1').get('default', 'old')).apiVersion, 'example.com/v1beta1');
    const listed = await list(widgets(e.api, 'v1beta1'), 'default', {});
    assert.deepEqual(
      listed.items.map((o) => o.apiVersion),
      ['example.com/v1beta1'],
    );
  } finally {
    await e.close();
  }
});

test('crd: conflicting names are not accepted and not served', async () => {
  const e = await setup();
  try {
    await e.crds.create('', widgetCRD(), ctx());
    await e.controller.drained();
    const cases: [KubeObject, string][] = [
      [widgetCRD({ plural: 'gadgets', shortNames: [] }), 'SingularConflict'],
      [widgetCRD({ plural: 'gadgets2', singular: 'gadget2', shortNames: [] }), 'KindConflict'],
      [widgetCRD({ plural: 'gizmos', kind: 'Gizmo', shortNames: ['wd'] }), 'ShortNamesConflict'],
      [widgetCRD({ plural: 'things', kind: 'Thing', shortNames: ['po'] }), 'ShortNamesConflict'],
    ];
    for (const [crd, reason] of cases) {
      await e.crds.create('', crd, ctx());
      await e.controller.drained();
      const got = await e.crds.get('', crd.metadata.name!);
      assert.deepEqual(
        [condition(got, 'NamesAccepted')?.status, condition(got, 'NamesAccepted')?.reason],
        ['False', reason],
        crd.metadata.name,
      );
      assert.equal(condition(got, 'Established')?.status, 'False');
      const plural = crd.metadata.name!.split('.')[0];
      assert.equal(e.api.registry.byGVR('example.com', 'v1', plural), undefined);
    }
  } finally {
    await e.close();
  }
});

test('crd: deleting a CRD deletes its objects, unregisters its kinds, then lets it go', async () => {
  const e = await setup();
  try {
    await e.crds.create('', widgetCRD(), ctx());
    await e.controller.drained();
    const rs = widgets(e.api);
    for (const n of ['a', 'b']) await rs.create('default', widget(n, { size: 1 }), ctx());
    const r = await deleteObject(e.crds, '', 'widgets.example.com', {}, ctx());
    assert.equal(r.deleted, false); // held by the cleanup finalizer
    await e.controller.drained();
    await rejectsStatus(e.crds.get('', 'widgets.example.com'), 404);
    assert.equal((await e.store.list('/registry/example.com/widgets/')).kvs.length, 0);
    assert.equal(e.api.registry.byGVR('example.com', 'v1', 'widgets'), undefined);
    assert.equal(e.api.registry.definitions['com.example.v1.Widget'], undefined);
    assert.equal(e.subresources.has('example.com/widgets/scale'), false);
    // The group is gone from discovery with its last kind.
    assert.equal(
      e.api.registry.groups().some((g) => g.group === 'example.com'),
      false,
    );
  } finally {
    await e.close();
  }
});

test('crd: objects of a terminating CRD cannot be created', async () => {
  const e = await setup();
  try {
    await e.crds.create('', widgetCRD(), ctx());
    await e.controller.drained();
    const rs = widgets(e.api);
    const held = {
      ...widget('held', { size: 1 }),
      metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] },
    };
    await rs.create('default', held, ctx());
    await deleteObject(e.crds, '', 'widgets.example.com', {}, ctx());
    await e.controller.drained();
    // The held object keeps the CRD (and its kinds) around, marked Terminating.
    const crd = await e.crds.get('', 'widgets.example.com');
    assert.equal(condition(crd, 'Terminating')?.status, 'True');
    assert.ok((await rs.get('default', 'held')).metadata.deletionTimestamp);
    const err = await rejectsStatus(rs.create('default', widget('new', { size: 1 }), ctx()), 405);
    assert.match(err.message, /terminating/);
    // Releasing the object lets the deletion finish.
    const cur = await rs.get('default', 'held');
    await rs.update('default', 'held', { ...cur, metadata: { ...cur.metadata, finalizers: [] } }, ctx());
    await e.controller.reconcile('widgets.example.com');
    await e.controller.drained();
    await rejectsStatus(e.crds.get('', 'widgets.example.com'), 404);
  } finally {
    await e.close();
  }
});

test('crd: CRDs already stored are served after a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-crd-'));
  const path = join(dir, 'state.db');
  try {
    const first = await setup(path);
    await first.crds.create('', widgetCRD(), ctx());
    await first.controller.drained();
    await widgets(first.api).create('default', widget('kept', { size: 5 }), ctx());
    await first.close();

    const second = await setup(path);
    try {
      assert.equal((await widgets(second.api).get('default', 'kept')).spec?.constructor, Object);
      assert.deepEqual((await widgets(second.api).get('default', 'kept')).spec, {
        size: 5,
        color: 'red',
        replicas: 1,
      });
      assert.ok(second.invalidations.n >= 1);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
