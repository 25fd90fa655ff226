/**
 * The local-path provisioner (`berth.io/local-path`): makes a PersistentVolume for every claim the
 * binder hands it (annotation `volume.kubernetes.io/storage-provisioner: berth.io/local-path`) once
 * the scheduler has chosen the node (`volume.kubernetes.io/selected-node`), and deletes the volumes
 * it made when they are Released with reclaimPolicy Delete — after a cleanup pod on the volume's node
 * removed its directory (cleanup-pod.ts). One queue: claim keys are `namespace/name`, volume keys a
 * bare `name` (PV names hold no slash); cleanup pods requeue their volume as they progress.
 * Volume shape: volume.ts.
 */
import { isAlreadyExists, isNotFound } from '../../client/status.ts';
import type { EventRecorder } from '../../client/events.ts';
import type { ClientLogger } from '../../client/logger.ts';
import type { ResourceClient } from '../../client/client.ts';
import { metaNamespaceKey, splitKey, type Lister } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Node, Pod } from '../../scheduler/types.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers } from '../workers.ts';
import {
  annBetaStorageProvisioner,
  annProvisionedBy,
  annSelectedNode,
  annStorageProvisioner,
  storageClassName,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type RO,
  type StorageClass,
} from '../persistentvolume/types.ts';
import {
  basePathOf,
  defaultBasePath,
  hostnameOf,
  localPathProvisioner,
  localPathVolume,
  volumeNameFor,
} from './volume.ts';
import {
  cleanupNamespace,
  cleanupPod,
  cleanupPodName,
  cleanupVolumeLabel,
  dataDirOf,
  nodeOfVolume,
} from './cleanup-pod.ts';

export interface LocalPathOptions {
  /** Base directory on the nodes when the class sets no `basePath` (default /var/lib/berth/storage). */
  basePath?: string;
  /** Image of the cleanup pods (default busybox, which every agent has; see cleanup-pod.ts). */
  cleanupImage?: string;
}

/** The provisioner as a controller; `localPathController()` makes one. */
export class LocalPathProvisioner implements Controller {
  readonly name = 'local-path-provisioner';
  private readonly opts: LocalPathOptions;
  queue!: WorkQueue<string>;
  private claims!: Lister<PersistentVolumeClaim>;
  private volumes!: Lister<PersistentVolume>;
  private classes!: Lister<StorageClass>;
  private nodes!: Lister<Node>;
  private pods!: Lister<Pod>;
  private podClient!: ResourceClient<Pod>;
  private volumeClient!: ResourceClient<PersistentVolume>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  constructor(opts: LocalPathOptions = {}) {
    this.opts = opts;
  }

  /** Registers handlers and makes the queue without workers (tests call reconcile directly). */
  init(ctx: ControllerContext): void {
    this.log = ctx.log;
    this.recorder = ctx.recorder(localPathProvisioner);
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.volumeClient = ctx.client.resource<PersistentVolume>('', 'v1', 'persistentvolumes');
    const claims = ctx.informers.forResource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
    const volumes = ctx.informers.forResource<PersistentVolume>('', 'v1', 'persistentvolumes');
    this.claims = claims.lister;
    this.volumes = volumes.lister;
    this.classes = ctx.informers.forResource<StorageClass>('storage.k8s.io', 'v1', 'storageclasses').lister;
    this.nodes = ctx.informers.forResource<Node>('', 'v1', 'nodes').lister;
    this.podClient = ctx.client.resource<Pod>('', 'v1', 'pods');
    const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
    this.pods = pods.lister;
    const onPod = (p: RO<Pod>): void => {
      const volume = p.metadata.labels?.[cleanupVolumeLabel];
      if (volume && p.metadata.namespace === cleanupNamespace) this.queue.add(volume);
    };
    const onClaim = (c: RO<PersistentVolumeClaim>): void => {
      if (wantsLocalPath(c)) this.queue.add(metaNamespaceKey(c));
    };
    const onVolume = (pv: RO<PersistentVolume>): void => {
      if (
        pv.metadata.annotations?.[annProvisionedBy] === localPathProvisioner &&
        pv.status?.phase === 'Released'
      )
        this.queue.add(pv.metadata.name ?? '');
    };
    this.removers.push(
      claims.addEventHandler({ onAdd: onClaim, onUpdate: (_o, c) => onClaim(c) }),
      volumes.addEventHandler({ onAdd: onVolume, onUpdate: (_o, pv) => onVolume(pv) }),
      pods.addEventHandler({ onAdd: onPod, onUpdate: (_o, p) => onPod(p) }),
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

  /** Provisions for a claim key, or deletes for a volume key. */
  async reconcile(key: string): Promise<void> {
    if (key.includes('/')) {
      const { namespace, name } = splitKey(key);
      const claim = this.claims.get(namespace, name);
      if (claim) await this.provision(claim);
      return;
    }
    const pv = this.volumes.get('', key);
    if (pv) await this.deleteReleased(pv);
  }

  private async provision(claim: RO<PersistentVolumeClaim>): Promise<void> {
    if (!wantsLocalPath(claim)) return;
    const className = storageClassName(claim);
    const sc = this.classes.get('', className);
    if (!sc || sc.provisioner !== localPathProvisioner) return;
    const name = volumeNameFor(claim);
    if (this.volumes.get('', name)) return;
    const fail = (msg: string): void => this.recorder.event(claim, 'Warning', 'ProvisioningFailed', msg);
    const node = claim.metadata.annotations?.[annSelectedNode];
    if (!node)
      return fail(
        `no node selected for claim: storage class "${className}" needs volumeBindingMode WaitForFirstConsumer`,
      );
    if ((claim.spec?.volumeMode ?? 'Filesystem') !== 'Filesystem')
      return fail('local-path volumes support volumeMode Filesystem only');
    const base = basePathOf(sc, this.opts.basePath ?? defaultBasePath);
    if (!base.startsWith('/'))
      return fail(`basePath "${base}" of storage class "${className}" is not absolute`);
    const key = metaNamespaceKey(claim);
    this.recorder.event(
      claim,
      'Normal',
      'Provisioning',
      `provisioning volume ${name} for claim "${key}" on node "${node}"`,
    );
    const pv = localPathVolume(claim, sc, hostnameOf(node, this.nodes.get('', node)), base);
    try {
      await this.volumeClient.create(undefined, pv);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      fail(`failed to provision volume ${name}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    this.recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
  }

  /**
   * Deletes a Released Delete volume it made, in steps driven by the cleanup pod's progress: start
   * the pod on the volume's node; once it Succeeded, delete it and the PV; when it Failed, report
   * it, delete it and try again later (the error makes the queue back off).
   */
  private async deleteReleased(pv: RO<PersistentVolume>): Promise<void> {
    if (pv.metadata.annotations?.[annProvisionedBy] !== localPathProvisioner) return;
    if (pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    if (pv.metadata.deletionTimestamp) return;
    const where = dataDirOf(pv);
    if ('refuse' in where) {
      this.recorder.event(pv, 'Warning', 'VolumeFailedDelete', `data left in place: ${where.refuse}`);
      return this.deleteVolume(pv);
    }
    const node = nodeOfVolume(pv, this.nodes.list());
    if (!node) {
      // The node is gone, and its disk with it as far as the cluster can tell.
      this.recorder.event(
        pv,
        'Warning',
        'VolumeFailedDelete',
        `the volume's node is not in the cluster; its directory ${pv.spec?.local?.path ?? ''} cannot be removed`,
      );
      return this.deleteVolume(pv);
    }
    const podName = cleanupPodName(pv);
    const pod = this.pods.get(cleanupNamespace, podName);
    if (!pod) {
      try {
        await this.podClient.create(
          cleanupNamespace,
          cleanupPod(pv, node.metadata.name ?? '', where, this.opts.cleanupImage),
        );
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      return;
    }
    const phase = pod.status?.phase;
    if (phase !== 'Succeeded' && phase !== 'Failed') return;
    await this.podClient.delete(cleanupNamespace, podName).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    if (phase === 'Failed') {
      const status = pod.status?.containerStatuses?.[0] as
        { state?: { terminated?: { exitCode?: number; message?: string } } } | undefined;
      const term = status?.state?.terminated;
      const why = term
        ? `exit code ${term.exitCode ?? '?'}${term.message ? `: ${term.message}` : ''}`
        : 'failed';
      this.recorder.event(
        pv,
        'Warning',
        'VolumeFailedDelete',
        `removing ${pv.spec?.local?.path ?? ''} on node "${node.metadata.name ?? ''}" failed (${why}); will retry`,
      );
      throw new Error(`cleanup pod for ${pv.metadata.name ?? ''} failed (${why})`);
    }
    await this.deleteVolume(pv);
  }

  private async deleteVolume(pv: RO<PersistentVolume>): Promise<void> {
    try {
      await this.volumeClient.delete(undefined, pv.metadata.name ?? '', {
        preconditions: { uid: pv.metadata.uid ?? '' },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** True when the claim is unbound and was handed to the local-path provisioner. */
function wantsLocalPath(c: RO<PersistentVolumeClaim>): boolean {
  if (c.spec?.volumeName || c.metadata.deletionTimestamp) return false;
  const ann = c.metadata.annotations ?? {};
  return (ann[annStorageProvisioner] ?? ann[annBetaStorageProvisioner]) === localPathProvisioner;
}

/** Makes the local-path provisioner (register it with the controller manager). */
export function localPathController(opts: LocalPathOptions = {}): LocalPathProvisioner {
  return new LocalPathProvisioner(opts);
}
