/**
 * The pod that removes a deleted local-path volume's directory on its node. The directory belongs to
 * the node, and the control plane has no file access there, so (as rancher's local-path provisioner
 * does) the provisioner runs a short pod pinned to the node: the volume's parent directory mounted
 * by hostPath, `rm -rf` of exactly the volume's own directory, restartPolicy Never. The provisioner
 * deletes the PV only after that pod Succeeded, so a failed removal is retried instead of leaking.
 */
import { posix } from 'node:path';
import type { KubeObject } from '../../api/object.ts';
import type { Node } from '../../scheduler/types.ts';
import type { PersistentVolume, RO } from '../persistentvolume/types.ts';
import { hostnameLabel } from './volume.ts';

/** Label on cleanup pods naming the volume they remove (the provisioner finds them by it). */
export const cleanupVolumeLabel = 'berth.io/local-path-volume';
/** Namespace the cleanup pods run in. */
export const cleanupNamespace = 'kube-system';
/**
 * Image of the cleanup pod: busybox, which every Berth agent imports into its containerd at start
 * (pulled IfNotPresent, so no registry is needed).
 */
export const cleanupImage = 'docker.io/library/busybox:1.35';

/** Name of the cleanup pod of a volume. */
export function cleanupPodName(pv: RO<PersistentVolume>): string {
  return `delete-${pv.metadata.name ?? ''}`;
}

/**
 * Where the volume's data is, or why it must not be touched: only a directory whose name starts
 * with `<pv name>_` (the shape volumePath gives) below an absolute parent other than `/` is removed,
 * so a hand-made PV pointing at, say, /etc is never emptied.
 */
export function dataDirOf(pv: RO<PersistentVolume>): { parent: string; dir: string } | { refuse: string } {
  const path = pv.spec?.local?.path;
  if (!path) return { refuse: 'the volume has no spec.local.path' };
  const norm = posix.normalize(path).replace(/\/+$/, '');
  const parent = posix.dirname(norm);
  const dir = posix.basename(norm);
  if (!posix.isAbsolute(norm) || parent === '/' || norm !== path.replace(/\/+$/, ''))
    return { refuse: `path "${path}" is not a clean absolute path below a base directory` };
  if (!dir.startsWith(`${pv.metadata.name ?? ''}_`))
    return { refuse: `directory "${dir}" was not made for volume ${pv.metadata.name ?? ''}` };
  return { parent, dir };
}

/** The node a local volume is pinned to: by name, else by its kubernetes.io/hostname label. */
export function nodeOfVolume(pv: RO<PersistentVolume>, nodes: readonly RO<Node>[]): RO<Node> | undefined {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  for (const t of terms)
    for (const e of t.matchExpressions ?? []) {
      if (e.key !== hostnameLabel || e.operator !== 'In') continue;
      for (const v of e.values ?? []) {
        const n =
          nodes.find((x) => x.metadata.labels?.[hostnameLabel] === v) ??
          nodes.find((x) => x.metadata.name === v);
        if (n) return n;
      }
    }
  return undefined;
}

/** The cleanup pod for `pv` on `nodeName`, removing `dir` inside `parent`. */
export function cleanupPod(
  pv: RO<PersistentVolume>,
  nodeName: string,
  where: { parent: string; dir: string },
  image = cleanupImage,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: cleanupPodName(pv),
      namespace: cleanupNamespace,
      labels: { [cleanupVolumeLabel]: pv.metadata.name ?? '' },
    },
    spec: {
      nodeName,
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      // Runs on any node, cordoned or tainted: the data is there whatever the node's state.
      tolerations: [{ operator: 'Exists' }],
      volumes: [{ name: 'data', hostPath: { path: where.parent, type: 'Directory' } }],
      containers: [
        {
          name: 'remove',
          image,
          imagePullPolicy: 'IfNotPresent',
          command: ['rm', '-rf', '--', `/data/${where.dir}`],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ],
    },
  };
}
