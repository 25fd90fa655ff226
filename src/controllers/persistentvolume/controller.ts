/**
 * The PersistentVolume binder (Kubernetes' `persistentvolume-binder`): binds claims to volumes and
 * keeps both sides' phases (sync-claim.ts, sync-volume.ts). Two work queues — claims keyed
 * `namespace/name`, volumes keyed `name` — each with one worker, so the binder never races itself
 * over one volume; a stale cache surfaces as a 409 and is retried. Handlers only enqueue: a claim
 * change queues the claim (and its volume when it goes away), a volume change queues the volume and
 * the claim it points at, and a volume that becomes free or a new StorageClass queues the claims
 * still waiting. Every 15 s the claims and volumes that are not Bound are looked at again.
 */
import { timestamp } from '../../scheduler/binder.ts';
import type { Node } from '../../scheduler/types.ts';
import type { ClockTimer } from '../../client/clock.ts';
import { deletedObject } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { metaNamespaceKey, splitKey } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers } from '../workers.ts';
import type { BinderDeps } from './deps.ts';
import { syncClaim } from './sync-claim.ts';
import { syncVolume } from './sync-volume.ts';
import {
  claimRefKey,
  storageClassName,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type RO,
  type StorageClass,
} from './types.ts';

export interface PersistentVolumeControllerOptions {
  /** How often claims and volumes that are not Bound are synced again (default 15 s; 0 = never). */
  resyncMs?: number;
}

/** The binder; `persistentVolumeController()` makes one. */
export class PersistentVolumeController implements Controller {
  readonly name = 'persistentvolume-binder';
  private readonly opts: PersistentVolumeControllerOptions;
  deps!: BinderDeps;
  claimQueue!: WorkQueue<string>;
  volumeQueue!: WorkQueue<string>;
  private log!: ClientLogger;
  private ctx!: ControllerContext;
  private workers: Promise<void>[] = [];
  private resyncTimer: ClockTimer | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  constructor(opts: PersistentVolumeControllerOptions = {}) {
    this.opts = opts;
  }

  /** Registers informer handlers and makes the queues, without workers (tests call the syncs directly). */
  init(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.log = ctx.log;
    const claims = ctx.informers.forResource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
    const volumes = ctx.informers.forResource<PersistentVolume>('', 'v1', 'persistentvolumes');
    const classes = ctx.informers.forResource<StorageClass>('storage.k8s.io', 'v1', 'storageclasses');
    const nodes = ctx.informers.forResource<Node>('', 'v1', 'nodes');
    this.deps = {
      claims: claims.lister,
      volumes: volumes.lister,
      classes: classes.lister,
      nodes: nodes.lister,
      claimClient: ctx.client.resource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims'),
      volumeClient: ctx.client.resource<PersistentVolume>('', 'v1', 'persistentvolumes'),
      recorder: ctx.recorder('persistentvolume-controller'),
      now: () => timestamp(ctx.clock.now()),
    };
    this.claimQueue = new WorkQueue<string>({ clock: ctx.clock });
    this.volumeQueue = new WorkQueue<string>({ clock: ctx.clock });
    this.removers.push(
      claims.addEventHandler({
        onAdd: (c) => this.claimQueue.add(metaNamespaceKey(c)),
        onUpdate: (_o, c) => this.claimQueue.add(metaNamespaceKey(c)),
        onDelete: (d) => {
          const c = deletedObject(d);
          const key = metaNamespaceKey(c);
          this.claimQueue.add(key);
          if (c.spec?.volumeName) this.volumeQueue.add(c.spec.volumeName);
          for (const pv of this.deps.volumes.list())
            if (claimRefKey(pv) === key) this.volumeQueue.add(pv.metadata.name ?? '');
        },
      }),
      volumes.addEventHandler({
        onAdd: (pv) => this.onVolume(pv),
        onUpdate: (old, pv) => this.onVolume(pv, old),
        onDelete: (d) => {
          const pv = deletedObject(d);
          this.volumeQueue.add(pv.metadata.name ?? '');
          const claim = claimRefKey(pv);
          if (claim) this.claimQueue.add(claim);
        },
      }),
      classes.addEventHandler({
        onAdd: (sc) => this.enqueueWaitingClaims(sc.metadata.name ?? ''),
      }),
    );
  }

  private onVolume(pv: RO<PersistentVolume>, old?: RO<PersistentVolume>): void {
    this.volumeQueue.add(pv.metadata.name ?? '');
    const claim = claimRefKey(pv);
    if (claim) this.claimQueue.add(claim);
    // A volume that is (newly) free may be what a waiting claim needs.
    const free = !pv.spec?.claimRef && !pv.metadata.deletionTimestamp;
    if (free && old?.metadata.resourceVersion !== pv.metadata.resourceVersion) this.enqueueWaitingClaims();
  }

  /** Queues every claim not yet bound (of one class, when given). */
  private enqueueWaitingClaims(className?: string): void {
    for (const c of this.deps.claims.list()) {
      if (c.spec?.volumeName && c.status?.phase === 'Bound') continue;
      if (className !== undefined && storageClassName(c) !== className) continue;
      this.claimQueue.add(metaNamespaceKey(c));
    }
  }

  private resync(): void {
    if (this.stopping) return;
    this.enqueueWaitingClaims();
    for (const pv of this.deps.volumes.list())
      if (pv.status?.phase !== 'Bound') this.volumeQueue.add(pv.metadata.name ?? '');
    this.resyncTimer = this.ctx.clock.after(this.opts.resyncMs ?? 15_000, () => this.resync());
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    const run = (queue: WorkQueue<string>, reconcile: (k: string) => Promise<void>) =>
      runWorkers({
        queue,
        workers: 1,
        reconcile: (k) => (this.stopping ? Promise.resolve() : reconcile(k)),
        log: this.log,
        controller: this.name,
      });
    this.workers = [
      run(this.claimQueue, (k) => this.reconcileClaim(k)),
      run(this.volumeQueue, (k) => this.reconcileVolume(k)),
    ];
    const every = this.opts.resyncMs ?? 15_000;
    if (every > 0) this.resyncTimer = ctx.clock.after(every, () => this.resync());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.resyncTimer?.cancel();
    for (const r of this.removers.splice(0)) r();
    this.claimQueue?.shutDown();
    this.volumeQueue?.shutDown();
    await Promise.all(this.workers);
  }

  /** Syncs the claim `namespace/name`; nothing when it is gone. */
  async reconcileClaim(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const claim = this.deps.claims.get(namespace, name);
    if (claim) await syncClaim(this.deps, claim);
  }

  /** Syncs the volume `name`; nothing when it is gone. */
  async reconcileVolume(name: string): Promise<void> {
    const pv = this.deps.volumes.get('', name);
    if (pv) await syncVolume(this.deps, pv);
  }
}

/** Makes the PersistentVolume binder (register it with the controller manager). */
export function persistentVolumeController(
  opts: PersistentVolumeControllerOptions = {},
): PersistentVolumeController {
  return new PersistentVolumeController(opts);
}
