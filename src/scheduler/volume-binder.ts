/**
 * The scheduler's side of volume binding. It owns the claim, volume and class informers the
 * VolumeBinding filter reads (plugins/volume-binding.ts), tells the queue when storage changes may
 * help waiting pods, and runs the PreBind step: after a node is chosen, every unbound
 * WaitForFirstConsumer claim of the pod is annotated `volume.kubernetes.io/selected-node: <node>`
 * and the pod is bound only once the binder (and, for new volumes, the provisioner) has bound all
 * of them — checked against the volume's node affinity. PreBind runs in the binding's background
 * task, so other pods keep being scheduled meanwhile; it gives up after `bindTimeoutMs` (the pod
 * then goes back to the queue with a FailedScheduling event).
 */
import type { ControllerContext } from '../controllers/types.ts';
import type { ResourceClient } from '../client/client.ts';
import { deletedObject, type SharedInformer } from '../client/informer.ts';
import { volumeNodeAffinityMatches, type NodeLabels } from '../controllers/persistentvolume/match.ts';
import { podClaimNames } from '../controllers/persistentvolume/pod-claims.ts';
import {
  annSelectedNode,
  isDelayBinding,
  storageClassName,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type RO,
  type StorageClass,
} from '../controllers/persistentvolume/types.ts';
import type { Profile } from './framework.ts';
import { volumeBinding, type VolumeListers } from './plugins/volume-binding.ts';
import type { FilterPlugin } from './plugins/types.ts';
import type { RPod } from './types.ts';

/** A PreBind failure: the pod goes back to the queue with this message. */
export class PreBindError extends Error {}

/** `profile` with the VolumeBinding filter placed after NodeResourcesFit, as kube-scheduler orders it. */
export function withVolumeBinding(profile: Profile, plugin: FilterPlugin): Profile {
  const filters = [...profile.filters];
  const at = filters.findIndex((f) => f.name === 'NodeResourcesFit');
  filters.splice(at < 0 ? filters.length : at + 1, 0, plugin);
  return { ...profile, filters };
}

const isBound = (c: RO<PersistentVolumeClaim>): boolean =>
  !!c.spec?.volumeName && c.status?.phase === 'Bound';

export class SchedulerVolumeBinder {
  readonly listers: VolumeListers;
  readonly plugin: FilterPlugin;
  private readonly ctx: ControllerContext;
  private readonly bindTimeoutMs: number;
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly volumes: SharedInformer<PersistentVolume>;
  private readonly classes: SharedInformer<StorageClass>;
  private readonly claimClient: ResourceClient<PersistentVolumeClaim>;
  /** Claim key → re-checks of PreBind waits on that claim. */
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly removers: (() => void)[] = [];

  /** `onChange` is called when a storage change may make waiting pods schedulable. */
  constructor(ctx: ControllerContext, onChange: () => void, opts: { bindTimeoutMs?: number } = {}) {
    this.ctx = ctx;
    this.bindTimeoutMs = opts.bindTimeoutMs ?? 20_000;
    this.claims = ctx.informers.forResource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
    this.volumes = ctx.informers.forResource<PersistentVolume>('', 'v1', 'persistentvolumes');
    this.classes = ctx.informers.forResource<StorageClass>('storage.k8s.io', 'v1', 'storageclasses');
    this.claimClient = ctx.client.resource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
    this.listers = { claims: this.claims.lister, volumes: this.volumes.lister, classes: this.classes.lister };
    this.plugin = volumeBinding(this.listers);
    const wake = (c: RO<PersistentVolumeClaim>): void => {
      for (const fn of this.waiters.get(`${c.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`) ?? []) fn();
    };
    this.removers.push(
      this.claims.addEventHandler({
        onAdd: () => onChange(),
        onUpdate: (old, c) => {
          wake(c);
          if (old.spec?.volumeName !== c.spec?.volumeName || old.status?.phase !== c.status?.phase)
            onChange();
        },
        onDelete: (d) => wake(deletedObject(d)),
      }),
      this.volumes.addEventHandler({
        onAdd: () => onChange(),
        onUpdate: (old, pv) => {
          if (old.status?.phase !== pv.status?.phase || !old.spec?.claimRef !== !pv.spec?.claimRef)
            onChange();
        },
      }),
      this.classes.addEventHandler({ onAdd: () => onChange() }),
    );
  }

  /** Resolves true once the storage informers have synced. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const ok = await Promise.all([this.claims, this.volumes, this.classes].map((i) => i.waitForSync(signal)));
    return ok.every(Boolean);
  }

  stop(): void {
    for (const r of this.removers.splice(0)) r();
    for (const set of this.waiters.values()) for (const fn of set) fn();
  }

  /**
   * Selects `node` for the pod's unbound WaitForFirstConsumer claims and waits until every one is
   * bound to a volume usable from the node. Throws PreBindError on any failure.
   */
  async preBind(pod: RPod, node: NodeLabels): Promise<void> {
    const names = podClaimNames(pod);
    if (names.length === 0) return;
    const ns = pod.metadata.namespace ?? '';
    const pending: string[] = [];
    for (const name of names) {
      const claim = this.listers.claims.get(ns, name);
      if (!claim) throw new PreBindError(`persistentvolumeclaim "${name}" not found`);
      if (isBound(claim)) continue;
      pending.push(name);
      // A claim pre-bound by volumeName is finished by the binder; others need the node first.
      if (claim.spec?.volumeName) continue;
      if (!isDelayBinding(this.listers.classes.get('', storageClassName(claim))))
        throw new PreBindError(`persistentvolumeclaim "${name}" is not bound`);
      if (claim.metadata.annotations?.[annSelectedNode] !== node.name) {
        try {
          await this.claimClient.patch(ns, name, 'merge', {
            metadata: { annotations: { [annSelectedNode]: node.name } },
          });
        } catch (err) {
          throw new PreBindError(`selecting node for claim "${name}": ${(err as Error).message}`);
        }
      }
    }
    if (pending.length > 0) await this.waitBound(ns, pending);
    for (const name of names) {
      const pv = this.listers.volumes.get('', this.listers.claims.get(ns, name)?.spec?.volumeName ?? '');
      if (pv && !volumeNodeAffinityMatches(pv, node))
        throw new PreBindError(
          `volume "${pv.metadata.name}" of claim "${name}" cannot be used on node "${node.name}"`,
        );
    }
  }

  /** Resolves when every named claim is Bound; rejects when one is deleted, on timeout, or on stop. */
  private waitBound(ns: string, names: string[]): Promise<void> {
    const keys = names.map((n) => `${ns}/${n}`);
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (err?: Error): void => {
        if (done) return;
        done = true;
        timer.cancel();
        for (const k of keys) {
          const set = this.waiters.get(k);
          set?.delete(check);
          if (set?.size === 0) this.waiters.delete(k);
        }
        if (err) reject(err);
        else resolve();
      };
      const check = (): void => {
        if (this.removers.length === 0) return finish(new PreBindError('scheduler stopped'));
        for (const name of names) {
          const c = this.listers.claims.get(ns, name);
          if (!c || c.metadata.deletionTimestamp)
            return finish(new PreBindError(`persistentvolumeclaim "${name}" was deleted while binding`));
          if (!isBound(c)) return;
        }
        finish();
      };
      const timer = this.ctx.clock.after(this.bindTimeoutMs, () =>
        finish(
          new PreBindError(`binding volumes: timed out waiting for claims ${names.join(', ')} to be bound`),
        ),
      );
      for (const k of keys) {
        let set = this.waiters.get(k);
        if (!set) this.waiters.set(k, (set = new Set()));
        set.add(check);
      }
      check();
    });
  }
}
