/**
 * Test rig for the volume controllers and the scheduler's volume plugin: a FakeApi that also serves
 * persistentvolumes, persistentvolumeclaims and storageclasses, an informer factory that is never
 * started (tests fill the caches), a FakeClock, object builders, and short write summaries.
 * Only for *.test.ts files.
 */
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { FakeApi, defaultFakeResources, type FakeResource } from '../../client/fake-api.ts';
import { informerFactory, type InformerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type { ControllerContext } from '../types.ts';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './types.ts';

/** The FakeApi's default resources plus the storage kinds. */
export const storageFakeResources: FakeResource[] = [
  ...defaultFakeResources,
  { group: '', version: 'v1', resource: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
  },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    resource: 'storageclasses',
    kind: 'StorageClass',
    namespaced: false,
  },
];

const groupOf = (resource: string): string => (resource === 'storageclasses' ? 'storage.k8s.io' : '');

export class VolumeRig {
  readonly api = new FakeApi(storageFakeResources);
  readonly client = new Client(this.api);
  readonly clock = new FakeClock(Date.UTC(2026, 0, 1));
  readonly informers: InformerFactory = informerFactory(this.client, {
    clock: this.clock,
    logger: silentLogger,
  });
  readonly recorders: EventRecorder[] = [];
  readonly ctx: ControllerContext;

  constructor() {
    this.ctx = {
      client: this.client,
      informers: this.informers,
      recorder: (component) => {
        const r = new EventRecorder({
          client: this.client,
          component,
          clock: this.clock,
          logger: silentLogger,
        });
        this.recorders.push(r);
        return r;
      },
      log: silentLogger,
      clock: this.clock,
      signal: new AbortController().signal,
    };
  }

  informer(resource: string) {
    return this.informers.forResource(groupOf(resource), 'v1', resource);
  }

  /** Creates `obj` in the fake API (which keeps status and metadata as given) and caches it. */
  async seed<T extends KubeObject>(resource: string, obj: T): Promise<T> {
    const created = await this.client
      .resource<T>(groupOf(resource), 'v1', resource)
      .create(obj.metadata.namespace, obj);
    this.informer(resource).store.upsert(created);
    return created;
  }

  /** Makes the cache of `resource` equal to what the fake API holds now. */
  syncCache(resource: string): void {
    const store = this.informer(resource).store;
    for (const k of store.listKeys()) store.deleteKey(k);
    for (const o of this.api.list(resource)) store.upsert(o);
  }

  /** Recorded writes without Events, like `update persistentvolumes/pv1/status`. */
  writes(): string[] {
    return this.api
      .writes()
      .filter((a) => a.resource !== 'events')
      .map(
        (a) =>
          `${a.verb} ${a.resource}${a.name ? '/' + a.name : ''}${a.subresource ? '/' + a.subresource : ''}`,
      );
  }

  /** `reason: message` of the Events written so far (after flushing the recorders). */
  async events(): Promise<string[]> {
    for (const r of this.recorders) await r.flush();
    return this.api.list('events').map((e) => `${String(e.reason)}: ${String(e.message)}`);
  }

  get<T extends KubeObject>(resource: string, namespace: string, name: string): T | undefined {
    return this.api.list(resource, namespace).find((o) => o.metadata.name === name) as T | undefined;
  }

  reset(): void {
    this.api.actions.length = 0;
  }
}

/** A claim in `default` asking for `storage` (ReadWriteOnce unless told). */
export function makeClaim(
  name: string,
  storage: string,
  spec: Partial<PersistentVolumeClaim['spec']> = {},
  annotations?: Record<string, string>,
): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...spec },
    status: { phase: 'Pending' },
  };
}

/** A volume of `storage` (ReadWriteOnce, Retain, a hostPath source unless told). */
export function makeVolume(
  name: string,
  storage: string,
  spec: Partial<PersistentVolume['spec']> = {},
  labels?: Record<string, string>,
): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: {
      capacity: { storage },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: `/data/${name}` },
      ...spec,
    },
    status: { phase: 'Available' },
  };
}

/** A StorageClass. */
export function makeClass(
  name: string,
  provisioner: string,
  mode: 'Immediate' | 'WaitForFirstConsumer' = 'Immediate',
  extra: Partial<StorageClass> = {},
): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner,
    reclaimPolicy: 'Delete',
    volumeBindingMode: mode,
    ...extra,
  };
}

/** Node affinity requiring kubernetes.io/hostname In [node]. */
export function hostnameAffinity(node: string): PersistentVolume['spec']['nodeAffinity'] {
  return {
    required: {
      nodeSelectorTerms: [
        { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
      ],
    },
  };
}
