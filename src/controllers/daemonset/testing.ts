/**
 * Test rig for the DaemonSet controller: a FakeApi serving pods, nodes, DaemonSets and
 * ControllerRevisions behind a real Client, never-started informers the tests fill themselves, a
 * FakeClock, and small builders. `kubelet()` plays the part of scheduler + kubelet for multi-step
 * tests: it copies the fake API into the caches, binds pods to the node their affinity names and
 * marks them Running and Ready. Only for *.test.ts files.
 */
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { defaultFakeResources, FakeApi } from '../../client/fake-api.ts';
import { informerFactory, type InformerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type { ControllerContext } from '../types.ts';
import { targetNodeName } from './pod-template.ts';
import type { DaemonSet, Node, Pod, Taint } from './types.ts';

const gvr: Record<string, [string, string, string]> = {
  pods: ['', 'v1', 'pods'],
  nodes: ['', 'v1', 'nodes'],
  daemonsets: ['apps', 'v1', 'daemonsets'],
  controllerrevisions: ['apps', 'v1', 'controllerrevisions'],
};

export const ns = 'default';

export class DsRig {
  readonly api = new FakeApi([
    ...defaultFakeResources,
    { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
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

  informer(resource: string) {
    const [g, v, r] = gvr[resource]!;
    return this.informers.forResource(g, v, r);
  }

  resource<T extends KubeObject>(resource: string) {
    const [g, v, r] = gvr[resource]!;
    return this.client.resource<T>(g, v, r);
  }

  /** Creates `obj` in the fake API and caches what it stored. */
  async seed<T extends KubeObject>(resource: string, obj: T): Promise<T> {
    const created = await this.resource<T>(resource).create(obj.metadata.namespace, obj);
    this.informer(resource).store.upsert(created);
    return created;
  }

  /**
   * Makes the caches of `resources` (all by default) equal to what the fake API holds now, running
   * the handlers for every difference as a relist would (so expectations see the changes).
   */
  sync(...resources: string[]): void {
    for (const resource of resources.length ? resources : Object.keys(gvr))
      this.informer(resource).replace(this.api.list(resource), this.api.resourceVersion);
  }

  /** Binds every pod to the node it targets and makes it Running/Ready now, then syncs all caches. */
  async kubelet(): Promise<void> {
    const pods = this.resource<Pod>('pods');
    for (const p of this.api.list('pods') as Pod[]) {
      if (p.status?.phase === 'Running' || p.status?.phase === 'Failed') continue;
      p.spec = { ...p.spec, nodeName: targetNodeName(p) };
      const bound = await pods.update(p.metadata.namespace, p);
      bound.status = { phase: 'Running', conditions: readyConditions(this.clock.now()) };
      await pods.updateStatus(bound.metadata.namespace, bound);
    }
    this.sync();
  }

  /** Recorded writes without Events, as `verb resource[/name][/subresource]`. */
  writes(): string[] {
    return this.api
      .writes()
      .filter((a) => a.resource !== 'events')
      .map(
        (a) =>
          `${a.verb} ${a.resource}${a.name ? '/' + a.name : ''}${a.subresource ? '/' + a.subresource : ''}`,
      );
  }

  /** Pod creations recorded, as the node each targets. */
  createdOn(): string[] {
    return this.api
      .writes()
      .filter((a) => a.verb === 'create' && a.resource === 'pods')
      .map((a) => targetNodeName(a.body as Pod) ?? '');
  }

  /** Events recorded, as `Reason: message`. */
  events(): string[] {
    return this.api
      .writes()
      .filter((a) => a.resource === 'events' && a.verb === 'create')
      .map((a) => {
        const e = a.body as { reason?: string; message?: string };
        return `${e.reason}: ${e.message}`;
      });
  }

  reset(): void {
    this.api.actions.length = 0;
  }
}

/** Ready=True since `since`. */
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

/** A node with labels and taints. */
export function nodeObj(
  name: string,
  o: { labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean } = {},
): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
  };
}

/** A DaemonSet `name` selecting app=NAME with one container `image`. */
export function dsObj(name: string, image = 'busybox:1', extra: Partial<DaemonSet['spec']> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: ns, generation: 1 },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image }] },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      ...extra,
    },
  };
}
