/**
 * Sorting a dependent's ownerReferences into solid (a living owner), waiting (an owner being deleted
 * in the foreground, waiting for its dependents) and dangling (no object with that uid exists where
 * the reference points). An owner the graph holds is judged from the graph; one it does not hold is
 * looked up live — the "virtual node" check — so an owner the informers have not delivered yet is
 * never mistaken for a missing one. Confirmed absences are remembered: uids are never reused.
 */
import type { OwnerReference } from '../../api/object.ts';
import type { Client } from '../../client/client.ts';
import { isNotFound } from '../../client/status.ts';
import { deletingDependents, type GraphNode, type OwnerGraph } from './graph.ts';

export interface ClassifiedOwners {
  solid: OwnerReference[];
  waiting: OwnerReference[];
  dangling: OwnerReference[];
}

/** Remembers the last `max` (uid, namespace) pairs confirmed absent. */
export class AbsentOwnerCache {
  private readonly keys = new Set<string>();
  private readonly max: number;

  constructor(max = 1024) {
    this.max = max;
  }

  has(uid: string, namespace: string): boolean {
    return this.keys.has(`${namespace}/${uid}`);
  }

  add(uid: string, namespace: string): void {
    const k = `${namespace}/${uid}`;
    this.keys.delete(k);
    this.keys.add(k);
    while (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string);
  }
}

/** Classifies owners of graph nodes, with live lookups for owners the graph has not seen. */
export class OwnerClassifier {
  private readonly client: Client;
  private readonly graph: OwnerGraph;
  readonly absent: AbsentOwnerCache;

  constructor(client: Client, graph: OwnerGraph, absent = new AbsentOwnerCache()) {
    this.client = client;
    this.graph = graph;
    this.absent = absent;
  }

  async classify(dep: GraphNode): Promise<ClassifiedOwners> {
    const out: ClassifiedOwners = { solid: [], waiting: [], dangling: [] };
    for (const ref of dep.owners) out[await this.stateOf(dep, ref)].push(ref);
    return out;
  }

  private async stateOf(dep: GraphNode, ref: OwnerReference): Promise<keyof ClassifiedOwners> {
    const known = this.graph.node(ref.uid);
    // A namespaced owner must live in the dependent's namespace; a uid seen elsewhere does not count.
    if (known && (!known.res.namespaced || known.namespace === dep.namespace))
      return deletingDependents(known) ? 'waiting' : 'solid';
    if (this.absent.has(ref.uid, dep.namespace)) return 'dangling';
    // Unknown kinds throw (a CRD may not be discovered yet): the dependent is retried, never deleted on a guess.
    const rc = await this.client.resourceFor(ref.apiVersion, ref.kind);
    if (rc.info.namespaced && dep.namespace === '') {
      // A cluster-scoped dependent cannot have a namespaced owner: the reference can never resolve.
      this.absent.add(ref.uid, dep.namespace);
      return 'dangling';
    }
    try {
      const live = await rc.get(rc.info.namespaced ? dep.namespace : undefined, ref.name);
      if (live.metadata.uid !== ref.uid) {
        this.absent.add(ref.uid, dep.namespace);
        return 'dangling';
      }
      const m = live.metadata;
      return deletingDependents({ deletionTimestamp: m.deletionTimestamp, finalizers: m.finalizers ?? [] })
        ? 'waiting'
        : 'solid';
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.absent.add(ref.uid, dep.namespace);
      return 'dangling';
    }
  }
}
