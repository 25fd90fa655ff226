/**
 * Test rig for the workload controllers: a FakeApi behind a real Client, an informer factory that is
 * never started (tests fill the caches themselves), a FakeClock, and helpers to seed objects both
 * into the fake API (so writes against them succeed) and into the informer caches (what reconcile
 * reads). Only for *.test.ts files.
 */
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { FakeApi, type FakeAction } from '../../client/fake-api.ts';
import { informerFactory, type InformerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type { ControllerContext } from '../types.ts';

const resources: Record<string, [string, string, string]> = {
  pods: ['', 'v1', 'pods'],
  replicasets: ['apps', 'v1', 'replicasets'],
  deployments: ['apps', 'v1', 'deployments'],
  statefulsets: ['apps', 'v1', 'statefulsets'],
  poddisruptionbudgets: ['policy', 'v1', 'poddisruptionbudgets'],
};

export class Rig {
  readonly api = new FakeApi();
  readonly client = new Client(this.api);
  readonly clock = new FakeClock(Date.UTC(2026, 0, 1));
  readonly informers: InformerFactory = informerFactory(this.client, {
    clock: this.clock,
    logger: silentLogger,
  });
  readonly ctx: ControllerContext;

  constructor() {
    this.ctx = {
      client: this.client,
      informers: this.informers,
      recorder: (component) =>
        new EventRecorder({ client: this.client, component, clock: this.clock, logger: silentLogger }),
      log: silentLogger,
      clock: this.clock,
      signal: new AbortController().signal,
    };
  }

  private informer(resource: string) {
    const [g, v, r] = resources[resource] ?? ['', '', resource];
    return this.informers.forResource(g, v, r);
  }

  /**
   * Creates `obj` in the fake API (which assigns uid and resourceVersion), then caches it with
   * `overrides` applied to the cached copy (status, creationTimestamp, ... as the test needs).
   */
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

  /** Puts `obj` into the cache only (e.g. a newer state than the fake API holds). */
  cache(resource: string, obj: KubeObject): void {
    this.informer(resource).store.upsert(obj);
  }

  /** Delivers a watch event to the informer (runs the controllers' handlers, as a real watch would). */
  event(resource: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    this.informer(resource).apply(type, obj);
  }

  /** Makes the cache of `resource` equal to what the fake API holds now. */
  syncCache(resource: string): void {
    const store = this.informer(resource).store;
    for (const k of store.listKeys()) store.deleteKey(k);
    for (const o of this.api.list(resource)) store.upsert(o);
  }

  /** Recorded writes, without Events, as short strings like `create pods` / `update replicasets/x/status`. */
  writes(): string[] {
    return this.writeActions().map(
      (a) =>
        `${a.verb} ${a.resource}${a.name ? '/' + a.name : ''}${a.subresource ? '/' + a.subresource : ''}`,
    );
  }

  writeActions(): FakeAction[] {
    return this.api.writes().filter((a) => a.resource !== 'events');
  }

  /** Forgets recorded actions. */
  reset(): void {
    this.api.actions.length = 0;
  }
}

/** A pod condition list saying Ready=True since `since` (ms). */
export function readyConditions(
  since: number,
): { type: string; status: 'True'; lastTransitionTime: string }[] {
  return [
    {
      type: 'Ready',
      status: 'True',
      lastTransitionTime: new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  ];
}
