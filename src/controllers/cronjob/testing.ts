/**
 * Test rig for the CronJob controller: a FakeApi serving jobs and cronjobs behind a real Client,
 * an informer factory the tests fill by hand (or start, for the timing tests), a FakeClock and one
 * event recorder whose Events can be read back. Only for *.test.ts files.
 */
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { defaultFakeResources, FakeApi } from '../../client/fake-api.ts';
import { informerFactory, type InformerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type { ControllerContext } from '../types.ts';
import type { CronJob, Job } from './types.ts';

export const ns = 'default';

export class CronRig {
  readonly api = new FakeApi([
    ...defaultFakeResources,
    { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true },
    { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true },
  ]);
  readonly client = new Client(this.api);
  readonly clock: FakeClock;
  readonly informers: InformerFactory;
  readonly recorder: EventRecorder;
  readonly abort = new AbortController();
  readonly ctx: ControllerContext;

  constructor(start: string) {
    this.clock = new FakeClock(Date.parse(start));
    this.informers = informerFactory(this.client, { clock: this.clock, logger: silentLogger });
    this.recorder = new EventRecorder({
      client: this.client,
      component: 'cronjob-controller',
      clock: this.clock,
      logger: silentLogger,
    });
    this.ctx = {
      client: this.client,
      informers: this.informers,
      recorder: () => this.recorder,
      log: silentLogger,
      clock: this.clock,
      signal: this.abort.signal,
    };
  }

  private informer(resource: 'jobs' | 'cronjobs') {
    return this.informers.forResource('batch', 'v1', resource);
  }

  /** Creates `obj` in the fake API, then caches it with `overrides` applied to the cached copy. */
  async seed<T extends KubeObject>(
    resource: 'jobs' | 'cronjobs',
    obj: T,
    overrides: (stored: T) => void = () => {},
  ): Promise<T> {
    const created = await this.client.resource<T>('batch', 'v1', resource).create(ns, obj);
    overrides(created);
    this.informer(resource).store.upsert(created);
    return created;
  }

  /** Replaces the cached copy of `obj` (e.g. a newer state than the fake API holds). */
  cache(resource: 'jobs' | 'cronjobs', obj: KubeObject): void {
    this.informer(resource).store.upsert(obj);
  }

  /** Makes the caches equal to what the fake API holds now (as informers would, eventually). */
  sync(): void {
    for (const r of ['jobs', 'cronjobs'] as const) {
      const store = this.informer(r).store;
      for (const k of store.listKeys()) store.deleteKey(k);
      for (const o of this.api.list(r)) store.upsert(o);
    }
  }

  cronJob(name: string): CronJob {
    return this.api.list('cronjobs').find((o) => o.metadata.name === name) as CronJob;
  }

  jobNames(): string[] {
    return this.api.list('jobs').map((j) => j.metadata.name ?? '');
  }

  /** Writes other than Events, as `verb resource[/name][/sub]`. */
  writes(): string[] {
    return this.api
      .writes()
      .filter((a) => a.resource !== 'events')
      .map(
        (a) =>
          `${a.verb} ${a.resource}${a.name ? '/' + a.name : ''}${a.subresource ? '/' + a.subresource : ''}`,
      );
  }

  /** Events written so far, as `Type Reason: message` (with ` xN` when repeated). */
  async events(): Promise<string[]> {
    await this.recorder.flush();
    return this.api.list('events').map((e) => {
      const count = typeof e.count === 'number' && e.count > 1 ? ` x${e.count}` : '';
      return `${String(e.type)} ${String(e.reason)}: ${String(e.message)}${count}`;
    });
  }

  reset(): void {
    this.api.actions.length = 0;
  }
}

/** A CronJob as the API would hold it after defaulting. */
export function cronJobObj(name: string, spec: Partial<CronJob['spec']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: ns },
    spec: {
      schedule: '*/5 * * * *',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: { team: 'data' }, annotations: { note: 'nightly' } },
        spec: {
          template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } },
        },
      },
      ...spec,
    },
  };
}

/** A Job of `owner` with the given finished condition (or none: still running). */
export function jobObj(
  name: string,
  owner: CronJob | undefined,
  opts: {
    condition?: 'Complete' | 'Failed';
    startTime?: string;
    completionTime?: string;
    scheduled?: string;
  } = {},
): Job {
  const job: Job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: ns }, spec: {} };
  if (owner)
    job.metadata.ownerReferences = [
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        name: owner.metadata.name ?? '',
        uid: owner.metadata.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
  if (opts.scheduled)
    job.metadata.annotations = { 'batch.kubernetes.io/cronjob-scheduled-timestamp': opts.scheduled };
  job.status = {};
  if (opts.startTime) job.status.startTime = opts.startTime;
  if (opts.condition) {
    job.status.conditions = [
      { type: opts.condition, status: 'True', lastTransitionTime: opts.completionTime ?? opts.startTime },
    ];
    if (opts.condition === 'Complete' && opts.completionTime) job.status.completionTime = opts.completionTime;
  }
  return job;
}
