/**
 * The garbage collector's owner graph: one node per object seen by any monitor, keyed by uid, with
 * the ownerReferences it declares and an index from owner uid to dependent uids. An owner that has
 * not been seen has no node; dependents still find it in the index (the "virtual" owner), and the
 * collector verifies such an owner with a live GET before acting on its absence.
 *
 * JavaScript runs one handler at a time, so the graph is changed directly from informer handlers;
 * the changes each call reports are what the collector enqueues.
 */
import type { DeepReadonly, KubeObject, OwnerReference } from '../../api/object.ts';

/** Where an object lives: enough to GET, PATCH or DELETE it. */
export interface ResourceCoordinates {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

export interface GraphNode {
  uid: string;
  res: ResourceCoordinates;
  namespace: string;
  name: string;
  owners: OwnerReference[];
  deletionTimestamp?: string;
  finalizers: string[];
}

/** The GC finalizers. */
export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

/** True when `n` is being deleted and waits for the collector to delete its blocking dependents. */
export function deletingDependents(n: Pick<GraphNode, 'deletionTimestamp' | 'finalizers'>): boolean {
  return !!n.deletionTimestamp && n.finalizers.includes(foregroundFinalizer);
}

/** True when `n` is being deleted and waits for the collector to orphan its dependents. */
export function orphaning(n: Pick<GraphNode, 'deletionTimestamp' | 'finalizers'>): boolean {
  return !!n.deletionTimestamp && n.finalizers.includes(orphanFinalizer);
}

/** Which uids need another look after a change. */
export interface GraphChange {
  /** The object itself (its owners or deletion state changed). */
  self: boolean;
  /** Owners whose dependent set changed (a foreground owner may now be unblocked). */
  owners: string[];
  /** Dependents whose owner vanished (they may now be dangling). */
  dependents: string[];
}

function nodeOf(res: ResourceCoordinates, obj: DeepReadonly<KubeObject>): GraphNode | undefined {
  const m = obj.metadata;
  if (!m.uid || !m.name) return undefined;
  return {
    uid: m.uid,
    res,
    namespace: m.namespace ?? '',
    name: m.name,
    owners: (m.ownerReferences ?? []).map((r) => ({ ...r })),
    deletionTimestamp: m.deletionTimestamp,
    finalizers: [...(m.finalizers ?? [])],
  };
}

const sameOwners = (a: OwnerReference[], b: OwnerReference[]): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/** Nodes by uid plus the owner → dependents index. */
export class OwnerGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependentsOf = new Map<string, Set<string>>();

  get size(): number {
    return this.nodes.size;
  }

  node(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** Uids of every node that names `ownerUid` in its ownerReferences. */
  dependents(ownerUid: string): GraphNode[] {
    const out: GraphNode[] = [];
    for (const uid of this.dependentsOf.get(ownerUid) ?? []) {
      const n = this.nodes.get(uid);
      if (n) out.push(n);
    }
    return out;
  }

  /** Records an added or changed object; says what needs another look. */
  upsert(res: ResourceCoordinates, obj: DeepReadonly<KubeObject>): GraphChange {
    const next = nodeOf(res, obj);
    const change: GraphChange = { self: false, owners: [], dependents: [] };
    if (!next) return change;
    const prev = this.nodes.get(next.uid);
    this.nodes.set(next.uid, next);
    const ownersChanged = !prev || !sameOwners(prev.owners, next.owners);
    if (ownersChanged) {
      for (const r of prev?.owners ?? []) this.unindex(r.uid, next.uid);
      for (const r of next.owners) this.index(r.uid, next.uid);
      const touched = new Set([...(prev?.owners ?? []), ...next.owners].map((r) => r.uid));
      change.owners = [...touched];
    }
    const deletionChanged =
      !prev ||
      prev.deletionTimestamp !== next.deletionTimestamp ||
      deletingDependents(prev) !== deletingDependents(next) ||
      orphaning(prev) !== orphaning(next);
    change.self =
      (ownersChanged && next.owners.length > 0) ||
      (deletionChanged && (deletingDependents(next) || orphaning(next)));
    // An owner that begins deleting its dependents in the foreground hands them over to the collector.
    if (deletionChanged && deletingDependents(next))
      change.dependents = this.dependents(next.uid).map((d) => d.uid);
    return change;
  }

  /** Forgets a deleted object; its dependents and owners need another look. */
  remove(obj: DeepReadonly<KubeObject>): GraphChange {
    const uid = obj.metadata.uid ?? '';
    const prev = this.nodes.get(uid);
    const change: GraphChange = { self: false, owners: [], dependents: [] };
    if (!prev) return change;
    this.nodes.delete(uid);
    for (const r of prev.owners) this.unindex(r.uid, uid);
    change.owners = prev.owners.map((r) => r.uid);
    change.dependents = this.dependents(uid).map((d) => d.uid);
    return change;
  }

  /** Drops every node of one resource (its monitor went away with its API). */
  removeResource(res: Pick<ResourceCoordinates, 'group' | 'resource'>): void {
    for (const n of [...this.nodes.values()]) {
      if (n.res.group !== res.group || n.res.resource !== res.resource) continue;
      this.nodes.delete(n.uid);
      for (const r of n.owners) this.unindex(r.uid, n.uid);
    }
  }

  private index(owner: string, dependent: string): void {
    let s = this.dependentsOf.get(owner);
    if (!s) this.dependentsOf.set(owner, (s = new Set()));
    s.add(dependent);
  }

  private unindex(owner: string, dependent: string): void {
    const s = this.dependentsOf.get(owner);
    if (!s) return;
    s.delete(dependent);
    if (s.size === 0) this.dependentsOf.delete(owner);
  }
}
