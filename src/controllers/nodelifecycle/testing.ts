/**
 * Test rig for the node controllers (lifecycle, IPAM, taint eviction): a FakeApi behind a real
 * Client, an informer factory that is never started (the rig feeds it), a FakeClock, and helpers to
 * put objects into the fake API and deliver them to the informers the way a watch would. Only for
 * *.test.ts files.
 */
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { FakeApi } from '../../client/fake-api.ts';
import { informerFactory, type InformerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type { ControllerContext } from '../types.ts';
import { timestamp, type Lease, type Node, type Pod } from './types.ts';

const gvr: Record<string, [string, string]> = {
  nodes: ['', 'v1'],
  pods: ['', 'v1'],
  events: ['', 'v1'],
  leases: ['coordination.k8s.io', 'v1'],
};

export class NodeRig {
  readonly api = new FakeApi();
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

  private res(resource: string) {
    const [g, v] = gvr[resource] ?? ['', 'v1'];
    return {
      client: this.client.resource(g, v, resource),
      informer: this.informers.forResource(g, v, resource),
    };
  }

  /** Creates `obj` in the fake API and delivers it to the informer as ADDED. */
  async add<T extends KubeObject>(resource: string, obj: T): Promise<T> {
    const { client, informer } = this.res(resource);
    const created = (await client.create(obj.metadata.namespace, obj)) as T;
    informer.apply('ADDED', created);
    return created;
  }

  /** Delivers the fake API's current copy of an object to its informer (MODIFIED, or DELETED if gone). */
  sync(resource: string, namespace: string, name: string): void {
    const { informer } = this.res(resource);
    const cur = this.api.list(resource, namespace).find((o) => o.metadata.name === name);
    const cached = informer.store.get(namespace ? `${namespace}/${name}` : name);
    if (cur) informer.apply('MODIFIED', cur);
    else if (cached) informer.apply('DELETED', structuredClone(cached) as KubeObject);
  }

  /** Replaces an object in the fake API (the fake's PUT keeps status too) and syncs the informer. */
  async put<T extends KubeObject>(resource: string, obj: T): Promise<T> {
    const { client } = this.res(resource);
    const ns = obj.metadata.namespace;
    const cur = this.api.list(resource, ns ?? '').find((o) => o.metadata.name === obj.metadata.name);
    const body = { ...obj, metadata: { ...obj.metadata, resourceVersion: cur?.metadata.resourceVersion } };
    const out = (await client.update(ns, body)) as T;
    this.sync(resource, ns ?? '', obj.metadata.name ?? '');
    return out;
  }

  /** Deletes an object from the fake API and delivers DELETED. */
  async remove(resource: string, namespace: string, name: string): Promise<void> {
    await this.res(resource).client.delete(namespace || undefined, name);
    this.sync(resource, namespace, name);
  }

  /** The fake API's copy of one object. */
  get<T extends KubeObject>(resource: string, namespace: string, name: string): T | undefined {
    return this.api.list(resource, namespace).find((o) => o.metadata.name === name) as T | undefined;
  }

  /** Events written so far (after flushing the recorders), as `reason: message`. */
  async events(): Promise<string[]> {
    for (const r of this.recorders) await r.flush();
    return this.api.list('events').map((e) => `${String(e.reason)}: ${String(e.message)}`);
  }

  /** Recorded writes, without Events, as short strings like `update nodes/n1/status`. */
  writes(): string[] {
    return this.api
      .writes()
      .filter((a) => a.resource !== 'events')
      .map(
        (a) =>
          `${a.verb} ${a.resource}${a.name ? '/' + a.name : ''}${a.subresource ? '/' + a.subresource : ''}`,
      );
  }

  reset(): void {
    this.api.actions.length = 0;
  }
}

/** A Ready node as a kubelet registers it, heartbeat at `at`. */
export function readyNode(name: string, at: number, extra: Partial<Node['spec']> = {}): Node {
  const t = timestamp(at);
  const cond = (type: string, status: string) => ({
    type,
    status,
    reason: 'Kubelet',
    message: 'fine',
    lastHeartbeatTime: t,
    lastTransitionTime: t,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: { ...extra },
    status: {
      conditions: [
        cond('MemoryPressure', 'False'),
        cond('DiskPressure', 'False'),
        cond('PIDPressure', 'False'),
        cond('Ready', 'True'),
      ],
    },
  };
}

/** A node Lease renewed at `at` (microsecond time, as kubelets write it). */
export function nodeLease(name: string, at: number): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'kube-node-lease' },
    spec: {
      holderIdentity: name,
      leaseDurationSeconds: 40,
      renewTime: new Date(at).toISOString().replace('Z', '000Z'),
    },
  };
}

/** A running, Ready pod bound to `node`. */
export function runningPod(
  name: string,
  node: string,
  tolerations?: NonNullable<Pod['spec']>['tolerations'],
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: node,
      containers: [{ name: 'c', image: 'busybox' }],
      ...(tolerations ? { tolerations } : {}),
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    },
  };
}
