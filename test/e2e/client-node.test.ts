/**
 * The same server through a second real client, @kubernetes/client-node (the official JavaScript
 * client): typed create, list, get, merge and strategic patches, a raw watch receiving ADDED and
 * MODIFIED events, an informer (list + watch) and a NotFound error carrying a Status.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
  makeInformer,
  setHeaderOptions,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { e2eSkip, useServer } from '../helpers/e2e.ts';

const ns = 'client-node';

describe('@kubernetes/client-node against berth', { skip: e2eSkip({ kubectl: false }) }, () => {
  const s = useServer();
  let kc: KubeConfig;
  let core: CoreV1Api;

  before(async () => {
    kc = new KubeConfig();
    kc.loadFromFile(s.server.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });

  test('create, get and list config maps', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'one', labels: { via: 'client-node' } }, data: { k: 'v' } },
    });
    assert.equal(created.metadata?.name, 'one');
    assert.ok(created.metadata?.uid, 'uid set by the server');
    assert.ok(created.metadata?.resourceVersion, 'resourceVersion set by the server');
    assert.ok(created.metadata?.creationTimestamp instanceof Date, 'creationTimestamp parsed as a date');

    const got = await core.readNamespacedConfigMap({ name: 'one', namespace: ns });
    assert.deepEqual(got.data, { k: 'v' });
    assert.equal(got.metadata?.uid, created.metadata?.uid);

    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'two', labels: { via: 'client-node' } } },
    });
    const list = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'via=client-node' });
    assert.deepEqual(
      list.items.map((i) => i.metadata?.name),
      ['one', 'two'],
    );
    assert.ok(list.metadata?.resourceVersion);
  });

  test('errors arrive as a Status: NotFound and AlreadyExists', async () => {
    await assert.rejects(core.readNamespacedConfigMap({ name: 'missing', namespace: ns }), (err: unknown) => {
      assert.ok(err instanceof ApiException, String(err));
      assert.equal(err.code, 404);
      const body = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as {
        kind: string;
        reason: string;
      };
      assert.equal(body.kind, 'Status');
      assert.equal(body.reason, 'NotFound');
      return true;
    });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dup' } } });
    await assert.rejects(
      core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dup' } } }),
      (err: unknown) => {
        assert.ok(err instanceof ApiException);
        assert.equal(err.code, 409);
        return true;
      },
    );
  });

  test('merge patch on a config map, strategic patch on a deployment', async () => {
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'patched' }, data: { a: '1', b: '2' } },
    });
    const merged = await core.patchNamespacedConfigMap(
      { name: 'patched', namespace: ns, body: { data: { a: null, c: '3' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.deepEqual(merged.data, { b: '2', c: '3' });

    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [
                { name: 'app', image: 'nginx:1.25' },
                { name: 'side', image: 'busybox:1.36' },
              ],
            },
          },
        },
      },
    });
    const patched = await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: ns,
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    assert.deepEqual(
      patched.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image}`),
      ['app=nginx:1.27', 'side=busybox:1.36'],
    );
  });

  test('watch from a list resourceVersion receives ADDED and MODIFIED', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const events: { type: string; name: string; data: Record<string, string> }[] = [];
    let notify: () => void = () => {};
    const seen = (pred: (e: (typeof events)[number]) => boolean): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no such event; got ${JSON.stringify(events)}`)),
          15_000,
        );
        notify = () => {
          if (events.some(pred)) {
            clearTimeout(timer);
            resolve();
          }
        };
        notify();
      });
    const watch = new Watch(kc);
    const ctrl = await watch.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (type: string, obj: V1ConfigMap) => {
        if (type === 'BOOKMARK') return;
        events.push({ type, name: obj.metadata?.name ?? '', data: obj.data ?? {} });
        notify();
      },
      () => {},
    );
    try {
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'watched' }, data: { v: '1' } },
      });
      await seen((e) => e.type === 'ADDED' && e.name === 'watched');
      await core.patchNamespacedConfigMap(
        { name: 'watched', namespace: ns, body: { data: { v: '2' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await seen((e) => e.type === 'MODIFIED' && e.name === 'watched' && e.data.v === '2');
      await core.deleteNamespacedConfigMap({ name: 'watched', namespace: ns });
      await seen((e) => e.type === 'DELETED' && e.name === 'watched');
      // Nothing from before the list's resourceVersion is replayed.
      assert.ok(!events.some((e) => e.name === 'one' || e.name === 'two'), JSON.stringify(events));
    } finally {
      ctrl.abort();
    }
  });

  test('an informer lists, then follows changes', async () => {
    const informer = makeInformer(kc, `/api/v1/namespaces/${ns}/configmaps`, () =>
      core.listNamespacedConfigMap({ namespace: ns }),
    );
    const added = new Set<string>();
    let waiting: { name: string; resolve: () => void } | undefined;
    informer.on('add', (obj: V1ConfigMap) => {
      const name = obj.metadata?.name ?? '';
      added.add(name);
      if (waiting?.name === name) waiting.resolve();
    });
    const until = (name: string): Promise<void> =>
      added.has(name)
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`informer never added ${name}; saw ${[...added].join(',')}`)),
              15_000,
            );
            waiting = { name, resolve: () => (clearTimeout(timer), resolve()) };
          });
    await informer.start();
    try {
      await until('one');
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'late' } } });
      await until('late');
      assert.ok(informer.get('late', ns), 'the informer cache holds the new object');
    } finally {
      await informer.stop();
    }
  });
});
