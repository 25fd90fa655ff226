/**
 * The scheduler cache: every node with the pods placed on it, kept in step with the informers, plus
 * pods the scheduler has *assumed* onto a node — decided and being bound, but not yet seen bound
 * by the informer. Counting assumed pods is what keeps two consecutive decisions from both taking
 * the last free CPU of a node. An assumption ends when the informer shows the pod bound (or
 * deleted), when binding fails (`forget`), or when it expires unconfirmed (default 30 s after the
 * binding was written, as kube-scheduler's cache does).
 * Terminal pods (Succeeded/Failed) hold no resources and are left out.
 */
import { realClock, type Clock } from '../client/clock.ts';
import { NodeInfo, Snapshot, type Tally } from './node-info.ts';
import { podKey, type RNode, type RPod } from './types.ts';

interface Placed {
  node: string;
  assumed: boolean;
  deadline: number;
}

const placeholder = (name: string): RNode => ({ metadata: { name } });

export class SchedulerCache {
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly infos = new Map<string, NodeInfo>();
  private readonly known = new Set<string>();
  private readonly placed = new Map<string, Placed>();
  /**
   * Keys of the assumed pods whose binding was written, in that order — which is also the order of
   * their deadlines (then + a fixed TTL) — so expiring stops at the first one still alive.
   */
  private readonly assumed = new Set<string>();
  /** The last snapshot, reused while the set of known nodes stays the same (NodeInfos are live). */
  private snap: Snapshot | undefined;
  private readonly tally: Tally = { antiAffinityPods: 0 };

  constructor(opts: { clock?: Clock; assumeTtlMs?: number } = {}) {
    this.clock = opts.clock ?? realClock;
    this.ttlMs = opts.assumeTtlMs ?? 30_000;
  }

  private info(name: string): NodeInfo {
    let i = this.infos.get(name);
    if (!i) this.infos.set(name, (i = new NodeInfo(placeholder(name), [], this.tally)));
    return i;
  }

  upsertNode(node: RNode): void {
    const name = node.metadata.name ?? '';
    this.info(name).setNode(node);
    if (!this.known.has(name)) {
      this.known.add(name);
      this.snap = undefined;
    }
  }

  removeNode(name: string): void {
    if (this.known.delete(name)) this.snap = undefined;
    const i = this.infos.get(name);
    if (i && i.podCount === 0) this.infos.delete(name);
  }

  /** A pod as the informer shows it: placed if bound and not finished, otherwise not. */
  upsertPod(pod: RPod): void {
    const key = podKey(pod);
    const node = pod.spec?.nodeName;
    const phase = pod.status?.phase;
    if (!node || phase === 'Succeeded' || phase === 'Failed') {
      // An unbound pod may still be assumed (the informer has not caught up): keep that.
      if (!node && this.placed.get(key)?.assumed) return;
      this.removePod(key);
      return;
    }
    const prev = this.placed.get(key);
    if (prev && prev.node !== node) this.infos.get(prev.node)?.removePod(key);
    this.info(node).addPod(pod);
    this.placed.set(key, { node, assumed: false, deadline: Infinity });
    this.assumed.delete(key);
  }

  removePod(key: string): void {
    const prev = this.placed.get(key);
    if (!prev) return;
    this.placed.delete(key);
    this.assumed.delete(key);
    const i = this.infos.get(prev.node);
    i?.removePod(key);
    if (i && i.podCount === 0 && !this.known.has(prev.node)) this.infos.delete(prev.node);
  }

  /**
   * Counts `pod` on `node` until the informer confirms the binding. The assumption does not expire
   * while the binding is still to be written (it may wait its turn); `finishBinding` starts the TTL.
   */
  assume(pod: RPod, node: string): void {
    const key = podKey(pod);
    this.removePod(key);
    const bound = { ...pod, spec: { ...pod.spec, nodeName: node } } as RPod;
    this.info(node).addPod(bound);
    this.placed.set(key, { node, assumed: true, deadline: Infinity });
  }

  /** The binding was written: the assumption now expires unless the informer confirms it in time. */
  finishBinding(key: string): void {
    const p = this.placed.get(key);
    if (!p?.assumed) return;
    p.deadline = this.clock.now() + this.ttlMs;
    this.assumed.delete(key);
    this.assumed.add(key);
  }

  /** Drops an assumption (binding failed). A confirmed placement is left alone. */
  forget(key: string): void {
    if (this.placed.get(key)?.assumed) this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.placed.get(key)?.assumed === true;
  }

  /** The nodes (known ones only) with their pods, after expiring stale assumptions. */
  snapshot(): Snapshot {
    const now = this.clock.now();
    for (const key of this.assumed) {
      const p = this.placed.get(key);
      if (p?.assumed && p.deadline > now) break;
      if (p?.assumed) this.removePod(key);
      else this.assumed.delete(key);
    }
    return (this.snap ??= new Snapshot(
      [...this.known].map((n) => this.info(n)),
      this.tally,
    ));
  }
}
