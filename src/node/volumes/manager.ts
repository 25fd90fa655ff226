/**
 * The volume manager: prepares every volume of a pod on the host before its containers start and
 * removes them after it ends.
 *   emptyDir           pods/<uid>/volumes/kubernetes.io~empty-dir/<name> (medium Memory: a tmpfs
 *                      mounted there, sized by sizeLimit)
 *   configMap, secret, downwardAPI, projected
 *                      pods/<uid>/volumes/kubernetes.io~<plugin>/<name>, written atomically and
 *                      rewritten whenever `setUp` runs again and the source changed (refresh)
 *   hostPath           the host path itself, type-checked or created
 *   persistentVolumeClaim  the bound PV's spec.local.path (or hostPath.path), created if missing
 * Unless automountServiceAccountToken is false (or a container already mounts the path), every
 * container gets the service-account volume at /var/run/secrets/kubernetes.io/serviceaccount:
 * a bound token (TokenRequest), the cluster CA (kube-root-ca.crt, or the agent's own CA when the
 * node may not read it) and the namespace. The runtime bind-mounts the host paths returned here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import { parseQuantity, quantityValue } from '../../api/quantity.ts';
import type { Client } from '../../client/client.ts';
import { mountsUnder, unmountUnder } from '../containerd/cleanup.ts';
import type { ConfigSource } from '../pods/config-source.ts';
import { podDir, volumeDir } from '../pods/paths.ts';
import type { RPod, ResourceList, Volume } from '../pods/types.ts';
import { writeAtomic, type Payload } from './atomic-writer.ts';
import { prepareHostPath } from './host-path.ts';
import { volumePayload, VolumeError, type PayloadContext } from './payload.ts';
import type { TokenSource } from './tokens.ts';

/** Where the service-account volume is mounted in every container. */
export const serviceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Name of the automatic service-account volume. */
export const serviceAccountVolumeName = 'kube-api-access';
const rootCaConfigMap = 'kube-root-ca.crt';

/** A volume ready on the host. */
export interface MountedVolume {
  hostPath: string;
  /** The volume itself is read-only (configMap, secret, …, or a read-only PVC). */
  readOnly: boolean;
}

export interface VolumeManagerOptions {
  dataDir: string;
  configs: ConfigSource;
  tokens: TokenSource;
  /** Reads PersistentVolumeClaims and PersistentVolumes (for persistentVolumeClaim volumes). */
  client?: Client;
  /** PEM of the cluster CA, used when kube-root-ca.crt cannot be read. */
  clusterCA?: () => string | undefined;
  /** Mounts a tmpfs (tests replace it). */
  mountTmpfs?: (dir: string, sizeBytes: number | undefined) => void;
}

/** Per-sync context: the pod's addresses and the node's allocatable (for the downward API). */
export interface VolumeContext {
  podIP?: string;
  hostIP?: string;
  nodeAllocatable: ResourceList;
}

/** The pod's volumes plus the automatic service-account volume when it applies. */
export function effectiveVolumes(pod: RPod): DeepReadonly<Volume>[] {
  const vols = [...(pod.spec?.volumes ?? [])];
  if (needsServiceAccountVolume(pod))
    vols.push({ name: serviceAccountVolumeName, projected: { sources: [] } });
  return vols;
}

/** True when the agent adds the service-account volume to every container. */
export function needsServiceAccountVolume(pod: RPod): boolean {
  const spec = pod.spec ?? {};
  if (spec.automountServiceAccountToken === false) return false;
  if ((spec.volumes ?? []).some((v) => v.name === serviceAccountVolumeName)) return false;
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  return !all.some((c) =>
    (c.volumeMounts ?? []).some((m) => m.mountPath.replace(/\/+$/, '') === serviceAccountMountPath),
  );
}

/** Kubernetes' plugin directory names. */
function pluginOf(v: DeepReadonly<Volume>): string {
  if (v.emptyDir) return 'kubernetes.io~empty-dir';
  if (v.configMap) return 'kubernetes.io~configmap';
  if (v.secret) return 'kubernetes.io~secret';
  if (v.downwardAPI) return 'kubernetes.io~downward-api';
  if (v.projected) return 'kubernetes.io~projected';
  return 'kubernetes.io~other';
}

function defaultMountTmpfs(dir: string, sizeBytes: number | undefined): void {
  const opts = ['mode=0777', ...(sizeBytes ? [`size=${sizeBytes}`] : [])].join(',');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new VolumeError(`mount tmpfs on ${dir}: ${(r.stderr || r.error?.message || '').trim()}`);
}

export class VolumeManager {
  private readonly o: VolumeManagerOptions;

  constructor(o: VolumeManagerOptions) {
    this.o = o;
  }

  /**
   * Prepares (or refreshes) every volume of `pod`; returns them by name. Throws VolumeError naming
   * the first volume that cannot be set up; the others set up so far stay.
   */
  async setUp(pod: RPod, ctx: VolumeContext): Promise<Map<string, MountedVolume>> {
    const uid = pod.metadata.uid ?? '';
    const out = new Map<string, MountedVolume>();
    const pctx: PayloadContext = { ...ctx, configs: this.o.configs, tokens: this.o.tokens };
    for (const v of effectiveVolumes(pod)) {
      try {
        out.set(v.name, await this.setUpOne(pod, uid, v, pctx));
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        throw new VolumeError(`MountVolume.SetUp failed for volume "${v.name}" : ${msg}`);
      }
    }
    return out;
  }

  private async setUpOne(
    pod: RPod,
    uid: string,
    v: DeepReadonly<Volume>,
    ctx: PayloadContext,
  ): Promise<MountedVolume> {
    if (v.hostPath) {
      prepareHostPath(v.hostPath.path, v.hostPath.type ?? '');
      return { hostPath: v.hostPath.path, readOnly: false };
    }
    if (v.persistentVolumeClaim)
      return this.claimPath(pod, v.persistentVolumeClaim.claimName, !!v.persistentVolumeClaim.readOnly);
    const dir = volumeDir(this.o.dataDir, uid, pluginOf(v), v.name);
    if (v.emptyDir) {
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o777 });
      if (v.emptyDir.medium === 'Memory' && !mountsUnder(dir).includes(dir)) {
        const size = v.emptyDir.sizeLimit ? quantityValue(parseQuantity(v.emptyDir.sizeLimit)) : undefined;
        (this.o.mountTmpfs ?? defaultMountTmpfs)(dir, size);
      }
      return { hostPath: dir, readOnly: false };
    }
    let payload: Payload | undefined;
    if (v.name === serviceAccountVolumeName && v.projected?.sources?.length === 0)
      payload = await this.serviceAccountPayload(pod, ctx);
    else payload = await volumePayload(pod, v, ctx);
    if (!payload) throw new VolumeError('volume type not supported by this node');
    writeAtomic(dir, payload);
    return { hostPath: dir, readOnly: true };
  }

  private async serviceAccountPayload(pod: RPod, ctx: PayloadContext): Promise<Payload> {
    const ns = pod.metadata.namespace ?? '';
    const token = await ctx.tokens.token(pod, undefined, 3607);
    let ca: Buffer | undefined;
    try {
      ca = (await ctx.configs.configMap(ns, rootCaConfigMap))?.data['ca.crt'];
    } catch {
      ca = undefined; // a node may not be allowed to read it: fall back to the agent's own CA
    }
    const fallback = this.o.clusterCA?.();
    if (!ca && fallback) ca = Buffer.from(fallback);
    const p: Payload = new Map();
    p.set('token', { data: Buffer.from(token), mode: 0o644 });
    if (ca) p.set('ca.crt', { data: ca, mode: 0o644 });
    p.set('namespace', { data: Buffer.from(ns), mode: 0o644 });
    return p;
  }

  private async claimPath(pod: RPod, claim: string, readOnly: boolean): Promise<MountedVolume> {
    const client = this.o.client;
    if (!client) throw new VolumeError('persistentVolumeClaim volumes need an API client');
    const ns = pod.metadata.namespace ?? '';
    const pvc = await client.resource<KubeObject>('', 'v1', 'persistentvolumeclaims').get(ns, claim);
    const pvName = (pvc.spec as { volumeName?: string } | undefined)?.volumeName;
    if (!pvName) throw new VolumeError(`persistentvolumeclaim "${claim}" is not bound`);
    const pv = await client.resource<KubeObject>('', 'v1', 'persistentvolumes').get(undefined, pvName);
    const spec = (pv.spec ?? {}) as { local?: { path?: string }; hostPath?: { path?: string } };
    const path = spec.local?.path ?? spec.hostPath?.path;
    if (!path)
      throw new VolumeError(`persistentvolume "${pvName}" has no local or hostPath path this node can mount`);
    if (!existsSync(path)) mkdirSync(path, { recursive: true, mode: 0o777 });
    return { hostPath: path, readOnly };
  }

  /** Unmounts and removes everything of the pod under the data directory (PVC and hostPath data stay). */
  tearDown(uid: string): void {
    const dir = podDir(this.o.dataDir, uid);
    if (!existsSync(dir)) return;
    unmountUnder(dir);
    // A mount that would not go away must not have its contents deleted through it.
    if (mountsUnder(dir).length) throw new Error(`mounts left under ${dir}: ${mountsUnder(dir).join(', ')}`);
    rmSync(dir, { recursive: true, force: true });
    this.o.tokens.forget(uid);
  }
}

/** Reads a PEM file, or undefined when it cannot be read. */
export function readPem(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
