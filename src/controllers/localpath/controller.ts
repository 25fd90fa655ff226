/**
 * The local-path provisioner (`berth.io/local-path`): makes a PersistentVolume for every claim the
 * binder hands it (annotation `volume.kubernetes.io/storage-provisioner: berth.io/local-path`) once
 * the scheduler has chosen the node (`volume.kubernetes.io/selected-node`), and deletes the volumes
 * it made when they are Released with reclaimPolicy Delete. One queue: claim keys are
 * `namespace/name`, volume keys a bare `name` (PV names hold no slash). Volume shape: volume.ts.
 */
import { isAlreadyExists, isNotFound } from '../../client/status.ts';
import type { EventRecorder } from '../../client/events.ts';
import type { ClientLogger } from '../../client/logger.ts';
import type { ResourceClient } from '../../client/client.ts';
import { metaNamespaceKey, splitKey, type Lister } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Node } from '../../scheduler/types.ts';
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

export interface LocalPathOptions {
  /** Base directory on the nodes when the class sets no `basePath` (default /var/lib/berth/storage). */
  basePath?: string;
  /**
   * Removes a volume's directory on its node before the PV object is deleted. TODO(agent issue):
   * the default only logs; the agent will do the removal (see volume.ts).
   */
  removeData?: (pv: RO<PersistentVolume>) => Promise<void>;
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

  private async deleteReleased(pv: RO<PersistentVolume>): Promise<void> {
    if (pv.metadata.annotations?.[annProvisionedBy] !== localPathProvisioner) return;
    if (pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    if (pv.metadata.deletionTimestamp) return;
    await (this.opts.removeData ?? ((v) => this.logDataLeft(v)))(pv);
    try {
      await this.volumeClient.delete(undefined, pv.metadata.name ?? '', {
        preconditions: { uid: pv.metadata.uid ?? '' },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async logDataLeft(pv: RO<PersistentVolume>): Promise<void> {
    this.log.info(
      { volume: pv.metadata.name, path: pv.spec?.local?.path },
      'local-path volume deleted; its directory stays on the node until the agent removes volume data',
    );
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
