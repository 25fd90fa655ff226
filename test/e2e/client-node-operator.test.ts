/**
 * An operator written against @kubernetes/client-node, run against a real `berth server`: it
 * installs its CustomResourceDefinition, watches its kind through the library's informer and, for
 * each `Backup`, keeps a ConfigMap owned by it in step and reports progress on the status
 * subresource — the shape of most operators users bring. The server's side is what is under
 * test: the kind served as soon as the CRD is Established, list + watch for the informer, schema
 * validation answered as an ApiException with the field named, status writes that leave the spec
 * alone, and the garbage collector taking the ConfigMap with its owner.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  makeInformer,
  setHeaderOptions,
  type Informer,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { e2eSkip, useServer } from '../helpers/e2e.ts';

const group = 'ops.example.com';
const version = 'v1';
const plural = 'backups';
const ns = 'operator';
const crdName = `${plural}.${group}`;

interface Backup extends KubernetesObject {
  spec?: { schedule?: string; retain?: number };
  status?: { phase?: string; configMap?: string; observedRetain?: number };
}

/**
 * Typed as the library's model: its serializer maps the model's attribute names to the wire
 * (`_default` is sent as `default`) and drops anything else.
 */
const crd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: 'backup', kind: 'Backup', shortNames: ['bk'] },
    versions: [
      {
        name: version,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['schedule'],
                properties: {
                  schedule: { type: 'string' },
                  retain: { type: 'integer', minimum: 1, _default: 3 },
                },
              },
              status: {
                type: 'object',
                properties: {
                  phase: { type: 'string' },
                  configMap: { type: 'string' },
                  observedRetain: { type: 'integer' },
                },
              },
            },
          },
        },
      },
    ],
  },
};

/** Polls `check` until it returns a value (not undefined), or fails naming `what`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(100);
  }
}

/** Polls `read` until it fails with 404, or fails naming `what`. */
function gone(what: string, read: () => Promise<unknown>): Promise<true> {
  return eventually(what, async () => {
    try {
      await read();
      return undefined;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return true;
      throw err;
    }
  });
}

/** A Backup named `name` with `spec`, as the operator's users write it. */
function backup(name: string, spec: Backup['spec']): Backup {
  return { apiVersion: `${group}/${version}`, kind: 'Backup', metadata: { name }, spec };
}

/**
 * The operator under test, as a user would write it with the library: an informer on Backups;
 * each add or update reconciles the Backup's ConfigMap (owned by it) and then its status.
 */
class BackupOperator {
  readonly reconciled: string[] = [];
  private readonly informer: Informer<Backup>;
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;

  constructor(core: CoreV1Api, custom: CustomObjectsApi, kc: KubeConfig) {
    this.core = core;
    this.custom = custom;
    this.informer = makeInformer<Backup>(
      kc,
      `/apis/${group}/${version}/namespaces/${ns}/${plural}`,
      () =>
        this.custom.listNamespacedCustomObject({ group, version, namespace: ns, plural }) as Promise<{
          metadata?: { resourceVersion?: string };
          items: Backup[];
        }>,
    );
    const reconcile = (b: Backup): void => {
      this.reconcile(b).catch((err: unknown) => this.reconciled.push(`error ${String(err)}`));
    };
    this.informer.on('add', reconcile);
    this.informer.on('update', reconcile);
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  private async reconcile(b: Backup): Promise<void> {
    const name = b.metadata?.name ?? '';
    const retain = b.spec?.retain ?? 0;
    if (b.status?.phase === 'Ready' && b.status.observedRetain === retain) return;
    const cmName = `${name}-schedule`;
    const body = {
      metadata: {
        name: cmName,
        ownerReferences: [
          {
            apiVersion: `${group}/${version}`,
            kind: 'Backup',
            name,
            uid: b.metadata?.uid ?? '',
            controller: true,
          },
        ],
      },
      data: { schedule: b.spec?.schedule ?? '', retain: String(retain) },
    };
    try {
      await this.core.createNamespacedConfigMap({ namespace: ns, body });
    } catch (err) {
      if (!(err instanceof ApiException) || err.code !== 409) throw err;
      await this.core.replaceNamespacedConfigMap({ name: cmName, namespace: ns, body });
    }
    await this.custom.patchNamespacedCustomObjectStatus(
      {
        group,
        version,
        namespace: ns,
        plural,
        name,
        body: { status: { phase: 'Ready', configMap: cmName, observedRetain: retain } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    this.reconciled.push(`${name} retain=${retain}`);
  }
}

describe('an operator written with @kubernetes/client-node', { skip: e2eSkip({ kubectl: false }) }, () => {
  const s = useServer();
  let kc: KubeConfig;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let ext: ApiextensionsV1Api;
  let operator: BackupOperator | undefined;

  before(async () => {
    kc = new KubeConfig();
    kc.loadFromFile(s.server.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
    ext = kc.makeApiClient(ApiextensionsV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });

  after(async () => {
    await operator?.stop();
  });

  const getBackup = (name: string): Promise<Backup> =>
    custom.getNamespacedCustomObject({ group, version, namespace: ns, plural, name }) as Promise<Backup>;

  test('installs its CRD and waits for it to be Established', async () => {
    await ext.createCustomResourceDefinition({ body: crd });
    await eventually('Established', async () => {
      const got = await ext.readCustomResourceDefinition({ name: crdName });
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
        ? true
        : undefined;
    });
    operator = new BackupOperator(core, custom, kc);
    await operator.start();
  });

  test('a new Backup gets its ConfigMap, owned by it, and a Ready status', async () => {
    const created = (await custom.createNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      body: backup('nightly', { schedule: '@daily' }),
    })) as Backup;
    assert.equal(created.spec?.retain, 3, 'the schema default filled in spec.retain');
    const cm = await eventually('the ConfigMap', async () =>
      core.readNamespacedConfigMap({ name: 'nightly-schedule', namespace: ns }),
    );
    assert.deepEqual(cm.data, { schedule: '@daily', retain: '3' });
    assert.equal(cm.metadata?.ownerReferences?.[0]?.uid, created.metadata?.uid);
    const ready = await eventually('status Ready', async () => {
      const b = await getBackup('nightly');
      return b.status?.phase === 'Ready' ? b : undefined;
    });
    assert.equal(ready.status?.configMap, 'nightly-schedule');
    assert.deepEqual(ready.spec, { schedule: '@daily', retain: 3 }, 'the status write left the spec alone');
    assert.equal(
      ready.metadata?.generation,
      created.metadata?.generation,
      'status writes do not bump generation',
    );
  });

  test('a spec change reaches the operator through its watch and the ConfigMap follows', async () => {
    await custom.patchNamespacedCustomObject(
      { group, version, namespace: ns, plural, name: 'nightly', body: { spec: { retain: 7 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually('the ConfigMap with retain 7', async () => {
      const cm = await core.readNamespacedConfigMap({ name: 'nightly-schedule', namespace: ns });
      return cm.data?.retain === '7' ? cm : undefined;
    });
    const b = await eventually('observedRetain 7', async () => {
      const got = await getBackup('nightly');
      return got.status?.observedRetain === 7 ? got : undefined;
    });
    assert.equal(b.status?.phase, 'Ready');
    assert.ok(
      operator?.reconciled.includes('nightly retain=7'),
      `reconciled: ${operator?.reconciled.join('; ')}`,
    );
    assert.ok(!operator?.reconciled.some((r) => r.startsWith('error')), operator?.reconciled.join('; '));
  });

  test('an invalid Backup is refused with the field named, and nothing is stored', async () => {
    await assert.rejects(
      custom.createNamespacedCustomObject({
        group,
        version,
        namespace: ns,
        plural,
        body: backup('bad', { schedule: 'x', retain: 0 }),
      }),
      (err: unknown) => {
        assert.ok(err instanceof ApiException, String(err));
        assert.equal(err.code, 422);
        const status = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as {
          reason?: string;
          details?: { causes?: { field?: string }[] };
        };
        assert.equal(status.reason, 'Invalid');
        assert.ok(
          status.details?.causes?.some((c) => c.field === 'spec.retain'),
          JSON.stringify(status),
        );
        return true;
      },
    );
    await assert.rejects(getBackup('bad'), (err: unknown) => err instanceof ApiException && err.code === 404);
  });

  test('deleting the Backup takes its ConfigMap with it (garbage collector)', async () => {
    await custom.deleteNamespacedCustomObject({ group, version, namespace: ns, plural, name: 'nightly' });
    await gone('the ConfigMap gone', () =>
      core.readNamespacedConfigMap({ name: 'nightly-schedule', namespace: ns }),
    );
  });

  test('deleting the CRD removes the remaining instances and the kind', async () => {
    await custom.createNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      body: backup('weekly', { schedule: '@weekly' }),
    });
    await operator?.stop();
    operator = undefined;
    await ext.deleteCustomResourceDefinition({ name: crdName });
    await gone('the kind no longer served', () => getBackup('weekly'));
    await gone('the CRD gone', () => ext.readCustomResourceDefinition({ name: crdName }));
  });
});
