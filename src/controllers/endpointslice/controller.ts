/**
 * The EndpointSlice controller: every Service with a selector gets discovery.k8s.io/v1
 * EndpointSlices (IPv4, at most 100 endpoints each) listing the pods it selects — ready, serving
 * and terminating per endpoint, named target ports resolved per pod (pods that resolve them
 * differently land in different slices), zone from the pod's node. Slices carry the
 * `kubernetes.io/service-name` and managed-by labels and a controller reference to the Service
 * (the garbage collector removes them with it). Services without a selector are left alone.
 * Handlers enqueue Service keys; `reconcile(key)` plans the difference (plan.ts) and writes it.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isNotFound } from '../../client/status.ts';
import { metaNamespaceKey, splitKey, type Lister } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';
import {
  defaultMaxEndpointsPerSlice,
  managedByLabel,
  managedByValue,
  planSlices,
  serviceNameLabel,
  type EndpointGroup,
} from './plan.ts';
import {
  endpointPorts,
  podCounts,
  podToEndpoint,
  portSetKey,
  selectorMatches,
  serviceSelector,
  zoneLabel,
} from './pod-endpoint.ts';
import { servicesSelecting, watchServicePods } from './service-pods.ts';
import { SliceTracker } from './tracker.ts';
import type { EndpointSlice, Node, Pod, Service } from './types.ts';

type RO<T> = DeepReadonly<T>;

export interface EndpointSliceControllerOptions {
  /** Concurrent reconciles (default 5). */
  workers?: number;
  maxEndpointsPerSlice?: number;
}

/** The endpoints `svc` should have, grouped by the port set each pod resolves. */
export function desiredEndpointGroups(
  svc: RO<Service>,
  pods: readonly RO<Pod>[],
  nodeOf: (name: string) => RO<Node> | undefined,
): EndpointGroup[] {
  const sel = serviceSelector(svc);
  if (!sel) return [];
  const groups = new Map<string, EndpointGroup>();
  for (const pod of pods) {
    if (!selectorMatches(sel, pod.metadata.labels) || !podCounts(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const key = portSetKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: [] }));
    g.endpoints.push(podToEndpoint(svc, pod, nodeOf(pod.spec?.nodeName ?? '')));
  }
  return [...groups.values()];
}

/** True when this controller manages the slice. */
function managed(slice: RO<EndpointSlice>): boolean {
  return slice.metadata.labels?.[managedByLabel] === managedByValue;
}

/** The key of the Service a managed slice belongs to. */
function sliceServiceKey(slice: RO<EndpointSlice>): string | undefined {
  const svc = slice.metadata.labels?.[serviceNameLabel];
  return svc ? `${slice.metadata.namespace ?? ''}/${svc}` : undefined;
}

/** Kubernetes' `endpointslice` controller. */
export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice';
  private readonly opts: EndpointSliceControllerOptions;
  private queue!: WorkQueue<string>;
  private services!: Lister<Service>;
  private pods!: Lister<Pod>;
  private nodes!: Lister<Node>;
  private slices!: Lister<EndpointSlice>;
  private sliceClient!: ResourceClient<EndpointSlice>;
  private tracker!: SliceTracker;
  private log!: ClientLogger;
  private clock!: Clock;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  constructor(opts: EndpointSliceControllerOptions = {}) {
    this.opts = opts;
  }

  /** Registers informer handlers and makes the queue, without starting workers (tests call reconcile). */
  init(ctx: ControllerContext): void {
    this.stopping = false;
    this.log = ctx.log;
    this.clock = ctx.clock;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.tracker = new SliceTracker(ctx.clock);
    this.sliceClient = ctx.client.resource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
    const svcInf = ctx.informers.forResource<Service>('', 'v1', 'services');
    const podInf = ctx.informers.forResource<Pod>('', 'v1', 'pods');
    const nodeInf = ctx.informers.forResource<Node>('', 'v1', 'nodes');
    const sliceInf = ctx.informers.forResource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
    this.services = svcInf.lister;
    this.pods = podInf.lister;
    this.nodes = nodeInf.lister;
    this.slices = sliceInf.lister;
    const enqueue = (key: string): void => this.queue.add(key);
    this.removers.push(
      ...watchServicePods(svcInf, podInf, this.services, enqueue),
      this.watchSlices(sliceInf),
      this.watchNodes(nodeInf),
    );
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.workers = runWorkers({
      queue: this.queue,
      workers: this.opts.workers ?? 5,
      reconcile: (k) => (this.stopping ? Promise.resolve() : this.reconcile(k)),
      log: this.log,
      controller: this.name,
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const r of this.removers.splice(0)) r();
    this.queue?.shutDown();
    await this.workers;
  }

  /** Keys waiting in the queue (for tests). */
  queued(): number {
    return this.queue.len();
  }

  /** Slice events settle the tracker and bring the Service back when someone else changed its slices. */
  private watchSlices(inf: SharedInformer<EndpointSlice>): () => void {
    const seen = (slice: RO<EndpointSlice>, gone: boolean): void => {
      if (!managed(slice)) return;
      const key = sliceServiceKey(slice);
      if (!key) return;
      this.tracker.observe(
        key,
        slice.metadata.name ?? '',
        gone ? null : (slice.metadata.resourceVersion ?? ''),
      );
      this.queue.add(key);
    };
    return inf.addEventHandler({
      onAdd: (s) => seen(s, false),
      onUpdate: (old, cur) => {
        if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
        if (managed(old) && sliceServiceKey(old) !== sliceServiceKey(cur)) seen(old, true);
        seen(cur, false);
      },
      onDelete: (v) => seen(deletedObject(v), true),
    });
  }

  /** A node's zone feeds its pods' endpoints: a zone change revisits the Services in its pods' namespaces. */
  private watchNodes(inf: SharedInformer<Node>): () => void {
    return inf.addEventHandler({
      onUpdate: (old, cur) => {
        if (old.metadata.labels?.[zoneLabel] === cur.metadata.labels?.[zoneLabel]) return;
        const name = cur.metadata.name ?? '';
        const namespaces = new Set(
          this.pods
            .list()
            .filter((p) => p.spec?.nodeName === name)
            .map((p) => p.metadata.namespace ?? ''),
        );
        for (const ns of namespaces)
          for (const pod of this.pods.namespace(ns).list())
            if (pod.spec?.nodeName === name)
              for (const svc of servicesSelecting(this.services, pod)) this.queue.add(metaNamespaceKey(svc));
      },
    });
  }

  /** Brings one Service's slices in line with its pods; see the file comment. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(namespace, name);
    if (!svc) {
      // The garbage collector removes the slices through their owner reference.
      this.tracker.forget(key);
      return;
    }
    const wait = this.tracker.waitMs(key);
    if (wait > 0) return { requeueAfterMs: wait };
    const mine = this.slices
      .namespace(namespace)
      .list()
      .filter((s) => managed(s) && s.metadata.labels?.[serviceNameLabel] === name);
    if (!serviceSelector(svc) || svc.metadata.deletionTimestamp) {
      // No selector (any more): the endpoints are not ours to keep; drop what we made earlier.
      if (!serviceSelector(svc)) await this.deleteSlices(key, mine);
      return;
    }
    const groups = desiredEndpointGroups(svc, this.pods.namespace(namespace).list(), (n) =>
      n ? this.nodes.get('', n) : undefined,
    );
    const plan = planSlices(svc, groups, mine, this.opts.maxEndpointsPerSlice ?? defaultMaxEndpointsPerSlice);
    // Creates first, then updates, then deletes: endpoints move between slices without a gap.
    for (const s of plan.create) {
      const created = await this.sliceClient.create(namespace, s);
      this.wrote(key, created);
    }
    for (const s of plan.update) {
      try {
        this.wrote(key, await this.sliceClient.update(namespace, s));
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.queue.add(key);
      }
    }
    await this.deleteSlices(key, plan.delete);
  }

  private async deleteSlices(key: string, slices: readonly RO<EndpointSlice>[]): Promise<void> {
    for (const s of slices) {
      const sliceName = s.metadata.name ?? '';
      try {
        await this.sliceClient.delete(s.metadata.namespace, sliceName, {
          preconditions: s.metadata.uid ? { uid: s.metadata.uid } : undefined,
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (this.slices.get(s.metadata.namespace ?? '', sliceName)) this.tracker.deleted(key, sliceName);
    }
  }

  /** Records a write unless the informer has already delivered it (the watch can beat the response). */
  private wrote(key: string, slice: EndpointSlice): void {
    const name = slice.metadata.name ?? '';
    const rv = slice.metadata.resourceVersion ?? '';
    if (this.slices.get(slice.metadata.namespace ?? '', name)?.metadata.resourceVersion === rv) return;
    this.tracker.wrote(key, name, rv);
  }
}

/** Makes the EndpointSlice controller (register it with the controller manager). */
export function endpointSliceController(opts: EndpointSliceControllerOptions = {}): EndpointSliceController {
  return new EndpointSliceController(opts);
}
