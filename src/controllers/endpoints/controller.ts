/**
 * The Endpoints controller: every Service with a selector gets a core/v1 Endpoints object of the
 * same name whose subsets list the selected pods (subsets.ts), written only when they change, and
 * deleted when the Service goes. Endpoints of Services without a selector belong to the user and
 * are never touched; neither is default/kubernetes, which the API server keeps pointing at itself.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isAlreadyExists, isNotFound } from '../../client/status.ts';
import { metaNamespaceKey, splitKey, type Lister } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import { headlessLabel } from '../endpointslice/plan.ts';
import { serviceSelector } from '../endpointslice/pod-endpoint.ts';
import { watchServicePods } from '../endpointslice/service-pods.ts';
import type { Endpoints, Pod, Service } from '../endpointslice/types.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers } from '../workers.ts';
import { canonicalSubsets, desiredSubsets, overCapacityAnnotation } from './subsets.ts';

type RO<T> = DeepReadonly<T>;

/** The API server's own Service; its Endpoints are the API server's, never this controller's. */
export const apiServerServiceKey = 'default/kubernetes';
/** Marks Endpoints a controller wrote, so no mirroring turns them back into slices. */
export const skipMirrorLabel = 'endpointslice.kubernetes.io/skip-mirror';

export interface EndpointsControllerOptions {
  /** Concurrent reconciles (default 5). */
  workers?: number;
}

/** Labels of the Endpoints: the Service's, plus the headless and skip-mirror markers. */
export function endpointsLabels(svc: RO<Service>): Record<string, string> {
  const labels: Record<string, string> = { ...svc.metadata.labels };
  if (svc.spec?.clusterIP === 'None') labels[headlessLabel] = '';
  else delete labels[headlessLabel];
  labels[skipMirrorLabel] = 'true';
  return labels;
}

function sameMap(a: RO<Record<string, string>> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => a?.[k] === b[k]);
}

/** Kubernetes' `endpoint` controller. */
export class EndpointsController implements Controller {
  readonly name = 'endpoint';
  private readonly opts: EndpointsControllerOptions;
  private queue!: WorkQueue<string>;
  private services!: Lister<Service>;
  private pods!: Lister<Pod>;
  private endpoints!: Lister<Endpoints>;
  private client!: ResourceClient<Endpoints>;
  private log!: ClientLogger;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  constructor(opts: EndpointsControllerOptions = {}) {
    this.opts = opts;
  }

  /** Registers informer handlers and makes the queue, without starting workers (tests call reconcile). */
  init(ctx: ControllerContext): void {
    this.stopping = false;
    this.log = ctx.log;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.client = ctx.client.resource<Endpoints>('', 'v1', 'endpoints');
    const svcInf = ctx.informers.forResource<Service>('', 'v1', 'services');
    const podInf = ctx.informers.forResource<Pod>('', 'v1', 'pods');
    const epInf = ctx.informers.forResource<Endpoints>('', 'v1', 'endpoints');
    this.services = svcInf.lister;
    this.pods = podInf.lister;
    this.endpoints = epInf.lister;
    const enqueue = (key: string): void => {
      if (key !== apiServerServiceKey) this.queue.add(key);
    };
    this.removers.push(
      ...watchServicePods(svcInf, podInf, this.services, enqueue),
      this.watchEndpoints(epInf, enqueue),
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

  /** Someone else changing or deleting the Endpoints of a selector Service brings it back. */
  private watchEndpoints(inf: SharedInformer<Endpoints>, enqueue: (key: string) => void): () => void {
    const check = (ep: RO<Endpoints>): void => {
      const svc = this.services.get(ep.metadata.namespace ?? '', ep.metadata.name ?? '');
      if (svc && serviceSelector(svc)) enqueue(metaNamespaceKey(ep));
    };
    return inf.addEventHandler({
      onUpdate: (old, cur) => {
        if (old.metadata.resourceVersion !== cur.metadata.resourceVersion) check(cur);
      },
      onDelete: (v) => check(deletedObject(v)),
    });
  }

  /** Brings one Service's Endpoints in line with its pods; see the file comment. */
  async reconcile(key: string): Promise<void> {
    if (key === apiServerServiceKey) return;
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(namespace, name);
    if (!svc) {
      // Only Endpoints this controller would have written go with their Service.
      const ep = this.endpoints.get(namespace, name);
      if (!ep || ep.metadata.labels?.[skipMirrorLabel] !== 'true') return;
      try {
        await this.client.delete(namespace, name, {
          preconditions: ep.metadata.uid ? { uid: ep.metadata.uid } : undefined,
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    if (!serviceSelector(svc) || svc.metadata.deletionTimestamp) return;
    const { subsets, truncated } = desiredSubsets(svc, this.pods.namespace(namespace).list());
    const labels = endpointsLabels(svc);
    const current = this.endpoints.get(namespace, name);
    if (!current) {
      const obj: Endpoints = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name, namespace, labels },
        subsets,
      };
      if (truncated) obj.metadata.annotations = { [overCapacityAnnotation]: 'truncated' };
      try {
        await this.client.create(namespace, obj);
        return;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      // The cache had not seen it yet: update the live object instead.
      await this.write(await this.client.get(namespace, name), subsets, labels, truncated);
      return;
    }
    await this.write(current, subsets, labels, truncated);
  }

  /** Writes `subsets`/`labels` over `current` when they differ. */
  private async write(
    current: RO<Endpoints>,
    subsets: Endpoints['subsets'] & object,
    labels: Record<string, string>,
    truncated: boolean,
  ): Promise<void> {
    const annotated = current.metadata.annotations?.[overCapacityAnnotation] === 'truncated';
    if (
      canonicalSubsets(current.subsets) === canonicalSubsets(subsets) &&
      sameMap(current.metadata.labels, labels) &&
      annotated === truncated
    )
      return;
    const next = structuredClone(current) as Endpoints;
    next.subsets = subsets;
    next.metadata.labels = labels;
    const annotations = { ...next.metadata.annotations };
    if (truncated) annotations[overCapacityAnnotation] = 'truncated';
    else delete annotations[overCapacityAnnotation];
    next.metadata.annotations = annotations;
    try {
      await this.client.update(next.metadata.namespace, next);
    } catch (err) {
      // Deleted meanwhile: its delete event brings the key back and it is created afresh.
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Makes the Endpoints controller (register it with the controller manager). */
export function endpointsController(opts: EndpointsControllerOptions = {}): EndpointsController {
  return new EndpointsController(opts);
}
