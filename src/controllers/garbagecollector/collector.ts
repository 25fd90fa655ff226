/**
 * What the garbage collector does for one object (by uid), Kubernetes' rules:
 *  - an owner being deleted with the `orphan` finalizer: remove its ownerReference from every
 *    dependent, then remove the finalizer (the API server then deletes the owner);
 *  - an owner being deleted with `foregroundDeletion`: hand every dependent to the collector (each
 *    sees a waiting owner and is deleted in the foreground itself); once no dependent that blocks
 *    owner deletion (blockOwnerDeletion=true) is left, remove the finalizer;
 *  - any other object with owners: if some owner is solid, drop references to owners that are gone
 *    or waiting; if none is solid, delete the object — Foreground when an owner waits for it,
 *    Background when every owner is gone.
 * Every write reads the live object first and is conditional (uid precondition or a JSON-patch
 * `test` of resourceVersion), so a stale graph can cause a retry but never a wrong write.
 */
import type { KubeObject, OwnerReference } from '../../api/object.ts';
import type { Client, DeleteOptions, ResourceClient } from '../../client/client.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isConflict, isNotFound } from '../../client/status.ts';
import type { ReconcileResult } from '../workers.ts';
import {
  deletingDependents,
  foregroundFinalizer,
  orphanFinalizer,
  orphaning,
  type GraphNode,
  type OwnerGraph,
} from './graph.ts';
import { OwnerClassifier } from './owners.ts';

export interface CollectorOptions {
  client: Client;
  graph: OwnerGraph;
  /** Asks for another look at a uid (the controller's work queue). */
  enqueue(uid: string): void;
  log: ClientLogger;
  classifier?: OwnerClassifier;
}

/** The reconcile half of the garbage collector; the graph is filled by the monitors. */
export class Collector {
  private readonly o: CollectorOptions;
  readonly classifier: OwnerClassifier;

  constructor(o: CollectorOptions) {
    this.o = o;
    this.classifier = o.classifier ?? new OwnerClassifier(o.client, o.graph);
  }

  /** Brings the object with `uid` in line with its owners; returns quietly when it is gone. */
  async reconcile(uid: string): Promise<ReconcileResult> {
    const n = this.o.graph.node(uid);
    if (!n) return;
    if (orphaning(n)) return this.orphanDependents(n);
    if (deletingDependents(n)) await this.deleteDependents(n);
    // Being deleted by someone else (or just handled above): nothing to do for its own owners.
    if (n.deletionTimestamp || n.owners.length === 0) return;
    const c = await this.classifier.classify(n);
    if (c.solid.length > 0) {
      const drop = [...c.dangling, ...c.waiting];
      if (drop.length) await this.removeOwnerReferences(n, new Set(drop.map((r) => r.uid)));
      return;
    }
    const policy: DeleteOptions['propagationPolicy'] = c.waiting.length > 0 ? 'Foreground' : 'Background';
    this.o.log.info(
      { object: describe(n), policy, owners: n.owners.map((r) => r.uid) },
      'garbage collector deleting an object whose owners are gone or going',
    );
    await this.delete(n, policy);
  }

  private resourceOf(n: GraphNode): ResourceClient {
    return this.o.client.resource(n.res.group, n.res.version, n.res.resource);
  }

  private ns(n: GraphNode): string | undefined {
    return n.res.namespaced ? n.namespace : undefined;
  }

  private async delete(n: GraphNode, propagationPolicy: DeleteOptions['propagationPolicy']): Promise<void> {
    try {
      await this.resourceOf(n).delete(this.ns(n), n.name, {
        propagationPolicy,
        preconditions: { uid: n.uid },
      });
    } catch (err) {
      // Gone already, or replaced by a namesake (the uid precondition failed): nothing left to collect.
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
  }

  private async orphanDependents(owner: GraphNode): Promise<void> {
    for (const d of this.o.graph.dependents(owner.uid))
      await this.removeOwnerReferences(d, new Set([owner.uid]));
    await this.removeFinalizer(owner, orphanFinalizer);
  }

  private async deleteDependents(owner: GraphNode): Promise<void> {
    const deps = this.o.graph.dependents(owner.uid);
    for (const d of deps) this.o.enqueue(d.uid);
    const blocking = deps.filter((d) =>
      d.owners.some((r) => r.uid === owner.uid && r.blockOwnerDeletion === true),
    );
    if (blocking.length === 0) await this.removeFinalizer(owner, foregroundFinalizer);
  }

  /** Reads `n` live and applies `change` to it with a JSON patch conditional on resourceVersion. */
  private async patchLive(n: GraphNode, change: (live: KubeObject) => unknown[] | undefined): Promise<void> {
    const rc = this.resourceOf(n);
    for (let attempt = 0; ; attempt++) {
      let live: KubeObject;
      try {
        live = await rc.get(this.ns(n), n.name);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      if (live.metadata.uid !== n.uid) return;
      const ops = change(live);
      if (!ops) return;
      const guard = [
        { op: 'test', path: '/metadata/uid', value: n.uid },
        { op: 'test', path: '/metadata/resourceVersion', value: live.metadata.resourceVersion },
      ];
      try {
        await rc.patch(this.ns(n), n.name, 'json', [...guard, ...ops]);
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        // A concurrent write beat us between GET and PATCH: read again (a few times, then back off).
        if (attempt >= 3) throw err;
      }
    }
  }

  private removeOwnerReferences(n: GraphNode, uids: Set<string>): Promise<void> {
    return this.patchLive(n, (live) => {
      const refs: OwnerReference[] = live.metadata.ownerReferences ?? [];
      const keep = refs.filter((r) => !uids.has(r.uid));
      if (keep.length === refs.length) return undefined;
      return keep.length
        ? [{ op: 'replace', path: '/metadata/ownerReferences', value: keep }]
        : [{ op: 'remove', path: '/metadata/ownerReferences' }];
    });
  }

  private removeFinalizer(n: GraphNode, finalizer: string): Promise<void> {
    return this.patchLive(n, (live) => {
      const fins = live.metadata.finalizers ?? [];
      if (!fins.includes(finalizer)) return undefined;
      const keep = fins.filter((f) => f !== finalizer);
      return keep.length
        ? [{ op: 'replace', path: '/metadata/finalizers', value: keep }]
        : [{ op: 'remove', path: '/metadata/finalizers' }];
    });
  }
}

function describe(n: GraphNode): string {
  const gr = n.res.group ? `${n.res.resource}.${n.res.group}` : n.res.resource;
  return `${gr} ${n.namespace ? `${n.namespace}/` : ''}${n.name} (${n.uid})`;
}
