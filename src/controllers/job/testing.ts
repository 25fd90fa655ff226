/**
 * Test rig for the Job and ttl-after-finished controllers: a FakeApi serving pods, jobs and events
 * behind a real Client, informers that are never started (tests fill the caches), a FakeClock, and
 * builders for Jobs and their pods. Only for *.test.ts files.
 */
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { defaultFakeResources, FakeApi, type FakeAction } from '../../client/fake-api.ts';
import { informerFactory, type InformerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type { ControllerContext } from '../types.ts';
import { timestamp } from './conditions.ts';
import {
  completionIndexAnnotation,
  controllerUidLabel,
  jobTrackingFinalizer,
  type Job,
  type JobSpec,
  type Pod,
} from './types.ts';

const resources: Record<string, [string, string, string]> = {
  pods: ['', 'v1', 'pods'],
  jobs: ['batch', 'v1', 'jobs'],
  events: ['', 'v1', 'events'],
};

export const ns = 'default';

export class JobRig {
  readonly api = new FakeApi([
    ...defaultFakeResources,
    { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true },
  ]);
  readonly client = new Client(this.api);
  readonly clock = new FakeClock(Date.UTC(2026, 0, 1));
  readonly informers: InformerFactory = informerFactory(this.client, {
    clock: this.clock,
    logger: silentLogger,
  });
  readonly ctx: ControllerContext;
  private readonly recorders: EventRecorder[] = [];

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

  private informer(resource: string) {
    const [g, v, r] = resources[resource] ?? ['', '', resource];
    return this.informers.forResource(g, v, r);
  }

  /** Creates `obj` in the fake API (not recorded as an action) and puts the stored copy in the cache. */
  async seed<T extends KubeObject>(resource: string, obj: T): Promise<T> {
    const [g, v, r] = resources[resource] ?? ['', '', resource];
    const before = this.api.actions.length;
    const created = await this.client.resource<T>(g, v, r).create(obj.metadata.namespace, obj);
    this.api.actions.length = before;
    this.informer(resource).store.upsert(created);
    return created;
  }

  /** Makes the cache of `resource` equal to what the fake API holds now. */
  syncCache(resource: string): void {
    const store = this.informer(resource).store;
    for (const k of store.listKeys()) store.deleteKey(k);
    for (const o of this.api.list(resource)) store.upsert(o);
  }

  /**
   * Brings the cache up to the fake API through watch events (ADDED, MODIFIED, DELETED), so the
   * controllers' handlers run as they would behind a real informer.
   */
  catchUp(resource: string): void {
    const inf = this.informer(resource);
    const current = new Map(
      this.api.list(resource).map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]),
    );
    for (const old of inf.store.list()) {
      const key = `${old.metadata.namespace ?? ''}/${old.metadata.name}`;
      if (!current.has(key)) inf.apply('DELETED', structuredClone(old) as KubeObject);
    }
    for (const [key, obj] of current) {
      const old = inf.store.get(key);
      if (!old) inf.apply('ADDED', obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) inf.apply('MODIFIED', obj);
    }
  }

  /** Delivers a watch event to the informer (runs the controllers' handlers). */
  event(resource: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    this.informer(resource).apply(type, obj);
  }

  job(name: string): Job {
    return this.api.list('jobs', ns).find((j) => j.metadata.name === name) as Job;
  }

  pods(): Pod[] {
    return this.api.list('pods', ns) as Pod[];
  }

  /** Recorded writes without Events, like `create pods`, `patch pods/x`, `update jobs/j/status`. */
  writes(): string[] {
    return this.writeActions().map(
      (a) =>
        `${a.verb} ${a.resource}${a.name ? '/' + a.name : ''}${a.subresource ? '/' + a.subresource : ''}`,
    );
  }

  writeActions(): FakeAction[] {
    return this.api.writes().filter((a) => a.resource !== 'events');
  }

  /** `reason: message` of every Event written so far. */
  async events(): Promise<string[]> {
    for (const r of this.recorders) await r.flush();
    return this.api
      .list('events', ns)
      .map((e) => `${(e as { reason?: string }).reason}: ${(e as { message?: string }).message}`);
  }

  reset(): void {
    this.api.actions.length = 0;
  }
}

/** A Job with a generated-style selector (uid label) over template labels {app: name}. */
export function jobObj(name: string, spec: Partial<JobSpec> = {}, uid = `job-uid-${name}`): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns },
    spec: {
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      selector: { matchLabels: { [controllerUidLabel]: uid } },
      template: {
        metadata: { labels: { [controllerUidLabel]: uid, app: name } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] },
      },
      ...spec,
    },
  };
}

export interface PodState {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  index?: number;
  exitCode?: number;
  /** When it finished (ms). */
  finishedAt?: number;
  ready?: boolean;
  finalizer?: boolean;
  conditions?: { type: string; status: 'True' | 'False' }[];
  deleting?: boolean;
}

/** A pod owned by `job` in the given state (with the tracking finalizer unless told otherwise). */
export function podOf(job: Job, name: string, st: PodState = {}): Pod {
  const labels = { ...(job.spec.template.metadata?.labels ?? {}) };
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels,
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name: job.metadata.name ?? '',
          uid: job.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      ...(st.finalizer === false ? {} : { finalizers: [jobTrackingFinalizer] }),
      ...(st.deleting ? { deletionTimestamp: timestamp(Date.UTC(2026, 0, 1)) } : {}),
    },
    spec: { nodeName: 'n1', restartPolicy: 'Never', containers: [{ name: 'main' }] },
    status: { phase: st.phase ?? 'Running' },
  };
  if (st.index !== undefined) {
    pod.metadata.annotations = { [completionIndexAnnotation]: String(st.index) };
    pod.metadata.labels![completionIndexAnnotation] = String(st.index);
  }
  const conds: { type: string; status: 'True' | 'False' }[] = [...(st.conditions ?? [])];
  if (st.ready || (st.phase ?? 'Running') === 'Running')
    conds.push({ type: 'Ready', status: st.ready === false ? 'False' : 'True' });
  pod.status!.conditions = conds;
  if (st.phase === 'Succeeded' || st.phase === 'Failed') {
    const code = st.exitCode ?? (st.phase === 'Succeeded' ? 0 : 1);
    pod.status!.containerStatuses = [
      {
        name: 'main',
        state: {
          terminated: {
            exitCode: code,
            reason: code === 0 ? 'Completed' : 'Error',
            finishedAt: timestamp(st.finishedAt ?? Date.UTC(2026, 0, 1)),
          },
        },
      },
    ];
  }
  return pod;
}
