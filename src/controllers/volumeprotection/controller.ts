/**
 * Storage object in-use protection (Kubernetes' pvc-protection and pv-protection controllers in one):
 *  - every PersistentVolumeClaim carries the finalizer `kubernetes.io/pvc-protection`; once the claim
 *    is being deleted, the finalizer comes off only when no pod that is scheduled and not finished
 *    uses it — so deleting a claim a running pod mounts waits for the pod;
 *  - every PersistentVolume carries `kubernetes.io/pv-protection`, removed once a volume being
 *    deleted is no longer Bound.
 * Admission adds the finalizers at create time; this controller adds them to objects that missed
 * it. One queue: claim keys are `namespace/name`, volume keys a bare `name`. Pods that finish or go
 * away queue the claims they used, when those are being deleted.
 */
import type { ResourceClient } from '../../client/client.ts';
import { deletedObject } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isNotFound } from '../../client/status.ts';
import { metaNamespaceKey, splitKey, type Lister } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Pod } from '../../scheduler/types.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers } from '../workers.ts';
import { podClaimNames, podTerminated } from '../persistentvolume/pod-claims.ts';
import {
  pvcProtectionFinalizer,
  pvProtectionFinalizer,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type RO,
} from '../persistentvolume/types.ts';

/** True when `pod` holds `claimName`: it uses the claim, is on a node, and has not finished. */
export function podHoldsClaim(pod: RO<Pod>, claimName: string): boolean {
  return !!pod.spec?.nodeName && !podTerminated(pod) && podClaimNames(pod).includes(claimName);
}

/** The finalizer list with `f` added or removed; undefined when nothing changes. */
function withFinalizer(
  list: readonly string[] | undefined,
  f: string,
  present: boolean,
): string[] | undefined {
  const cur = list ?? [];
  if (cur.includes(f) === present) return undefined;
  return present ? [...cur, f] : cur.filter((x) => x !== f);
}

export class VolumeProtectionController implements Controller {
  readonly name = 'volume-protection';
  queue!: WorkQueue<string>;
  private claims!: Lister<PersistentVolumeClaim>;
  private volumes!: Lister<PersistentVolume>;
  private pods!: Lister<Pod>;
  private claimClient!: ResourceClient<PersistentVolumeClaim>;
  private volumeClient!: ResourceClient<PersistentVolume>;
  private podClient!: ResourceClient<Pod>;
  private log!: ClientLogger;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  /** Registers handlers and makes the queue without workers (tests call reconcile directly). */
  init(ctx: ControllerContext): void {
    this.log = ctx.log;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.claimClient = ctx.client.resource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
    this.volumeClient = ctx.client.resource<PersistentVolume>('', 'v1', 'persistentvolumes');
    this.podClient = ctx.client.resource<Pod>('', 'v1', 'pods');
    const claims = ctx.informers.forResource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
    const volumes = ctx.informers.forResource<PersistentVolume>('', 'v1', 'persistentvolumes');
    const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
    this.claims = claims.lister;
    this.volumes = volumes.lister;
    this.pods = pods.lister;
    const enqueue = (o: RO<PersistentVolumeClaim> | RO<PersistentVolume>): void => {
      const has = o.metadata.finalizers ?? [];
      const f = o.metadata.namespace ? pvcProtectionFinalizer : pvProtectionFinalizer;
      // Work exists when the finalizer is missing, or present on an object being deleted.
      if (!has.includes(f) ? !o.metadata.deletionTimestamp : !!o.metadata.deletionTimestamp)
        this.queue.add(metaNamespaceKey(o));
    };
    const podReleases = (pod: RO<Pod>): void => {
      const ns = pod.metadata.namespace ?? '';
      for (const name of podClaimNames(pod))
        if (this.claims.get(ns, name)?.metadata.deletionTimestamp) this.queue.add(`${ns}/${name}`);
    };
    this.removers.push(
      claims.addEventHandler({ onAdd: enqueue, onUpdate: (_o, c) => enqueue(c) }),
      volumes.addEventHandler({ onAdd: enqueue, onUpdate: (_o, v) => enqueue(v) }),
      pods.addEventHandler({
        onUpdate: (old, pod) => {
          if ((podTerminated(pod) && !podTerminated(old)) || (!pod.spec?.nodeName && old.spec?.nodeName))
            podReleases(pod);
        },
        onDelete: (d) => podReleases(deletedObject(d)),
      }),
    );
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.workers = runWorkers({
      queue: this.queue,
      workers: 2,
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

  /** Adds or removes the protection finalizer of the claim (`ns/name`) or volume (`name`). */
  async reconcile(key: string): Promise<void> {
    if (key.includes('/')) {
      const { namespace, name } = splitKey(key);
      const claim = this.claims.get(namespace, name);
      if (claim) await this.syncClaim(claim);
      return;
    }
    const pv = this.volumes.get('', key);
    if (pv) await this.syncVolume(pv);
  }

  private async syncClaim(claim: RO<PersistentVolumeClaim>): Promise<void> {
    const deleting = !!claim.metadata.deletionTimestamp;
    if (deleting && (await this.claimInUse(claim))) return;
    const finalizers = withFinalizer(claim.metadata.finalizers, pvcProtectionFinalizer, !deleting);
    if (!finalizers) return;
    const next = structuredClone(claim) as PersistentVolumeClaim;
    next.metadata.finalizers = finalizers;
    await this.write(() => this.claimClient.update(next.metadata.namespace, next));
  }

  private async syncVolume(pv: RO<PersistentVolume>): Promise<void> {
    const deleting = !!pv.metadata.deletionTimestamp;
    if (deleting && pv.status?.phase === 'Bound') return;
    const finalizers = withFinalizer(pv.metadata.finalizers, pvProtectionFinalizer, !deleting);
    if (!finalizers) return;
    const next = structuredClone(pv) as PersistentVolume;
    next.metadata.finalizers = finalizers;
    await this.write(() => this.volumeClient.update(undefined, next));
  }

  /** True when a pod holds the claim: the cache first, then a live list (the cache may trail a new pod). */
  private async claimInUse(claim: RO<PersistentVolumeClaim>): Promise<boolean> {
    const ns = claim.metadata.namespace ?? '';
    const name = claim.metadata.name ?? '';
    if (
      this.pods
        .namespace(ns)
        .list()
        .some((p) => podHoldsClaim(p, name))
    )
      return true;
    const live = await this.podClient.list(ns);
    return live.items.some((p) => podHoldsClaim(p, name));
  }

  private async write(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Makes the volume protection controller (register it with the controller manager). */
export function volumeProtectionController(): VolumeProtectionController {
  return new VolumeProtectionController();
}
