/**
 * VolumeBinding (filter half; the PreBind half is ../volume-binder.ts). For a pod with
 * PersistentVolumeClaim (or generic ephemeral) volumes:
 *  - preFilter refuses the pod everywhere when a claim is missing, being deleted, or unbound with
 *    immediate binding ("pod has unbound immediate PersistentVolumeClaims": the binder must bind it
 *    first, and the pod is retried when claims or volumes change);
 *  - filter keeps a node only if every bound claim's volume may be used there (PV node affinity,
 *    "node(s) had volume node affinity conflict") and every unbound WaitForFirstConsumer claim can
 *    be satisfied there — by a free matching volume reachable from the node (each volume promised to
 *    one claim only) or by the class's provisioner (within allowedTopologies) — else "node(s) didn't
 *    find available persistent volumes to bind". A claim already given a selected node keeps to it
 *    while that node exists. Both reasons are unresolvable: preemption cannot help.
 * Pods without claims skip the filter (one array check per cycle).
 */
import type { Lister } from '../../client/store.ts';
import {
  findMatchingVolume,
  volumeNodeAffinityMatches,
  type NodeLabels,
} from '../../controllers/persistentvolume/match.ts';
import { podClaimNames } from '../../controllers/persistentvolume/pod-claims.ts';
import {
  annSelectedNode,
  canProvision,
  isDelayBinding,
  storageClassName,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type RO,
  type StorageClass,
} from '../../controllers/persistentvolume/types.ts';
import { skip, type FilterPlugin, type FilterStatus } from './types.ts';

export const unboundImmediateReason = 'pod has unbound immediate PersistentVolumeClaims';
export const volumeNodeConflictReason = 'node(s) had volume node affinity conflict';
export const bindConflictReason = "node(s) didn't find available persistent volumes to bind";
export const missingVolumeReason =
  'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

/** What the plugin reads: informer listers of claims, volumes and classes. */
export interface VolumeListers {
  claims: Lister<PersistentVolumeClaim>;
  volumes: Lister<PersistentVolume>;
  classes: Lister<StorageClass>;
}

interface VolumeState {
  /** A reason every node gets (a claim bound to a volume that does not exist). */
  nodeError?: string;
  bound: RO<PersistentVolume>[];
  delayed: { claim: RO<PersistentVolumeClaim>; sc: RO<StorageClass> | undefined; selected?: string }[];
  volumes: readonly RO<PersistentVolume>[];
  nodeNames: ReadonlySet<string>;
}

const stateKey = 'VolumeBinding';

/** True when the class's allowedTopologies (if any) include the node. */
function topologyAllows(sc: RO<StorageClass>, node: NodeLabels): boolean {
  const terms = sc.allowedTopologies;
  if (!terms || terms.length === 0) return true;
  return terms.some((t) =>
    (t.matchLabelExpressions ?? []).every((e) => e.values.includes(node.labels[e.key] ?? '')),
  );
}

const refuse = (reason: string): FilterStatus => ({ reasons: [reason], unresolvable: true });

/** The VolumeBinding filter plugin over `listers`. */
export function volumeBinding(listers: VolumeListers): FilterPlugin {
  return {
    name: 'VolumeBinding',
    preFilter(state) {
      const names = podClaimNames(state.pod);
      if (names.length === 0) return skip;
      const ns = state.pod.metadata.namespace ?? '';
      const vs: VolumeState = { bound: [], delayed: [], volumes: [], nodeNames: new Set() };
      for (const name of names) {
        const claim = listers.claims.get(ns, name);
        if (!claim) return { reasons: [`persistentvolumeclaim "${name}" not found`] };
        if (claim.metadata.deletionTimestamp)
          return { reasons: [`persistentvolumeclaim "${name}" is being deleted`] };
        const volumeName = claim.spec?.volumeName;
        if (volumeName) {
          const pv = listers.volumes.get('', volumeName);
          if (pv) vs.bound.push(pv);
          else vs.nodeError = missingVolumeReason;
          continue;
        }
        const sc = listers.classes.get('', storageClassName(claim));
        if (!isDelayBinding(sc)) return { reasons: [unboundImmediateReason] };
        vs.delayed.push({ claim, sc, selected: claim.metadata.annotations?.[annSelectedNode] });
      }
      if (vs.delayed.length > 0) {
        vs.volumes = listers.volumes.list();
        vs.nodeNames = new Set(state.snapshot.nodes.map((n) => n.name));
      }
      state.data.set(stateKey, vs);
    },
    filter(state, node) {
      const vs = state.data.get(stateKey) as VolumeState | undefined;
      if (!vs) return undefined;
      if (vs.nodeError) return refuse(vs.nodeError);
      const n: NodeLabels = { name: node.name, labels: node.labels };
      for (const pv of vs.bound)
        if (!volumeNodeAffinityMatches(pv, n)) return refuse(volumeNodeConflictReason);
      const taken = new Set<string>();
      for (const { claim, sc, selected } of vs.delayed) {
        if (selected && selected !== node.name && vs.nodeNames.has(selected))
          return refuse(bindConflictReason);
        const pv = findMatchingVolume(claim, vs.volumes, { node: n, excluded: taken });
        if (pv) {
          taken.add(pv.metadata.name ?? '');
          continue;
        }
        if (sc && canProvision(sc) && topologyAllows(sc, n)) continue;
        return refuse(bindConflictReason);
      }
      return undefined;
    },
  };
}
