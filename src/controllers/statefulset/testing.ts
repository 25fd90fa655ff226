/**
 * Test rig for the StatefulSet controller: a FakeApi serving pods, statefulsets,
 * controllerrevisions and persistentvolumeclaims behind a real Client, never-started informers
 * the tests fill themselves, a FakeClock, and builders for a set, its revisions and its pods in
 * the state the controller would have left them. Only for *.test.ts files.
 */
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { defaultFakeResources, FakeApi } from '../../client/fake-api.ts';
import { informerFactory, type InformerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import { newControllerRef } from '../replicaset/controller-ref.ts';
import { readyConditions } from '../replicaset/testing.ts';
import type { ControllerContext } from '../types.ts';
import { statefulSetController, type StatefulSetController } from './controller.ts';
import { newStatefulSetPod } from './identity.ts';
import { newRevision } from './revisions.ts';
import type { ControllerRevision, Pod, StatefulSet } from './types.ts';

const resources: Record<string, [string, string, string]> = {
  pods: ['', 'v1', 'pods'],
  persistentvolumeclaims: ['', 'v1', 'persistentvolumeclaims'],
  statefulsets: ['apps', 'v1', 'statefulsets'],
  controllerrevisions: ['apps', 'v1', 'controllerrevisions'],
};

export const ns = 'default';

export class StsRig {
  readonly api = new FakeApi([
    ...defaultFakeResources,
    {
      group: '',
      version: 'v1',
      resource: 'persistentvolumeclaims',
      kind: 'PersistentVolumeClaim',
      namespaced: true,
    },
    { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true },
    {
      group: 'apps',
      version: 'v1',
      resource: 'controllerrevisions',
      kind: 'ControllerRevision',
      namespaced: true,
    },
  ]);
  readonly client = new Client(this.api);
  readonly clock = new FakeClock(Date.UTC(2026, 0, 1));
  readonly informers: InformerFactory = informerFactory(this.client, {
    clock: this.clock,
    logger: silentLogger,
  });
  readonly recorders: EventRecorder[] = [];
  readonly ctx: ControllerContext;
  readonly controller: StatefulSetController;

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
    this.controller = statefulSetController();
    this.controller.init(this.ctx);
  }

  private informer(resource: string) {
    const [g, v, r] = resources[resource] ?? ['', '', resource];
    return this.informers.forResource(g, v, r);
  }

  /** Creates `obj` in the fake API, then caches it with `overrides` applied to the cached copy. */
  async seed<T extends KubeObject>(
    resource: string,
    obj: T,
    overrides: (stored: T) => void = () => {},
  ): Promise<T> {
    const [g, v, r] = resources[resource] ?? ['', '', resource];
    const created = await this.client.resource<T>(g, v, r).create(obj.metadata.namespace, obj);
    overrides(created);
    this.informer(resource).store.upsert(created);
    return created;
  }

  /** Runs one reconcile of default/web, then forgets the reads it made (writes stay recorded). */
  async reconcile(name = 'web'): Promise<void> {
    await this.controller.reconcile(`${ns}/${name}`);
    for (const r of this.recorders) await r.flush();
  }

  /** Recorded writes, without Events, as `create pods/web-0`, `delete pods/web-2`, `update statefulsets/web/status`. */
  writes(): string[] {
    return this.api
      .writes()
      .filter((a) => a.resource !== 'events')
      .map((a) => {
        const name = a.name ?? (a.body as KubeObject | undefined)?.metadata?.name;
        return `${a.verb} ${a.resource}${name ? '/' + name : ''}${a.subresource ? '/' + a.subresource : ''}`;
      });
  }

  /** Bodies of recorded writes matching `verb resource/name`. */
  body(write: string): KubeObject {
    const a = this.api.writes().find((x) => {
      const name = x.name ?? (x.body as KubeObject | undefined)?.metadata?.name;
      return `${x.verb} ${x.resource}/${name}` === write;
    });
    if (!a) throw new Error(`no write ${write}; have ${this.writes().join(', ')}`);
    return a.body as KubeObject;
  }

  /** `reason: message` of every Event written. */
  events(): string[] {
    return this.api.list('events').map((e) => `${String(e.reason)}: ${String(e.message)}`);
  }

  /** The status the last status write carried. */
  lastStatus(): NonNullable<StatefulSet['status']> {
    const w = this.api
      .writes()
      .filter((a) => a.resource === 'statefulsets' && a.subresource === 'status')
      .at(-1);
    if (!w) throw new Error('no status write');
    return (w.body as StatefulSet).status!;
  }

  /** Forgets recorded actions. */
  reset(): void {
    this.api.actions.length = 0;
  }
}

/** A StatefulSet `web` running image `image`. */
export function stsObj(image: string, spec: Partial<StatefulSet['spec']> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: ns },
    spec: {
      replicas: 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      ...spec,
    },
  };
}

/** Seeds the set (generation 1) with status naming `current` as its current revision. */
export async function seedSet(rig: StsRig, set: StatefulSet, current?: string): Promise<StatefulSet> {
  return rig.seed('statefulsets', set, (s) => {
    s.metadata.generation = 1;
    s.status = { replicas: 0, ...(current ? { currentRevision: current, updateRevision: current } : {}) };
  });
}

/** Seeds a revision of `set` (its template as of now) numbered `revision`. */
export async function seedRevision(
  rig: StsRig,
  set: StatefulSet,
  revision: number,
): Promise<ControllerRevision> {
  return rig.seed('controllerrevisions', newRevision(set, revision, 0));
}

export type PodState = 'ready' | 'pending' | 'failed' | 'terminating';

/** Seeds pod `ordinal` of `set` at revision `rev` in `state` (ready: Running+Ready for a minute). */
export async function seedPod(
  rig: StsRig,
  set: StatefulSet,
  ordinal: number,
  rev: ControllerRevision,
  state: PodState = 'ready',
): Promise<Pod> {
  const pod = newStatefulSetPod(
    set,
    ordinal,
    rev.metadata.name ?? '',
    newControllerRef(set, 'apps/v1', 'StatefulSet'),
  );
  return rig.seed('pods', pod, (p) => {
    p.status =
      state === 'ready'
        ? { phase: 'Running', conditions: readyConditions(rig.clock.now() - 60_000) }
        : { phase: state === 'failed' ? 'Failed' : 'Pending' };
    if (state === 'terminating') p.metadata.deletionTimestamp = new Date(rig.clock.now()).toISOString();
  });
}
