/**
 * NodeInfo: one node plus the pods the scheduler believes run on it (from the informer and the
 * assumed-pod cache), with their summed requests and used host ports. A Snapshot is the set of
 * NodeInfos one scheduling cycle works on, so every plugin of that cycle sees the same state.
 */
import { addInto, amounts, podRequests, podScoringRequests, type Amounts } from './resources.ts';
import { podKey, type RNode, type RPod, type Taint } from './types.ts';
import type { DeepReadonly } from '../api/object.ts';

/** A host port in use: `hostIP/protocol/port` (hostIP 0.0.0.0 when unset). */
export function portKey(hostIP: string | undefined, protocol: string | undefined, port: number): string {
  return `${hostIP || '0.0.0.0'}/${protocol || 'TCP'}/${port}`;
}

/** The host ports a pod asks for. */
export function podHostPorts(pod: RPod): string[] {
  const out: string[] = [];
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.hostPort) out.push(portKey(p.hostIP, p.protocol, p.hostPort));
  return out;
}

/** True when two port keys collide (same protocol and port, and either binds every address). */
export function portsConflict(a: string, b: string): boolean {
  const [ipA, protoA, portA] = a.split('/');
  const [ipB, protoB, portB] = b.split('/');
  if (protoA !== protoB || portA !== portB) return false;
  return ipA === ipB || ipA === '0.0.0.0' || ipB === '0.0.0.0';
}

/** Counts kept across the NodeInfos of one cache. */
export interface Tally {
  antiAffinityPods: number;
}

function subtract(a: Amounts, b: Amounts): void {
  for (const [k, v] of b) a.set(k, (a.get(k) ?? 0) - v);
}

/** True when two allocatable lists name the same amounts (so the parsed Amounts can stay). */
function sameList(
  a: DeepReadonly<Record<string, string>> | undefined,
  b: DeepReadonly<Record<string, string>> | undefined,
): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

const noTaints: readonly DeepReadonly<Taint>[] = [];

/**
 * A node and what is placed on it. The scheduler cache keeps one per node and updates it in place
 * as pods come and go; `node` may be missing while pods name a node the cache has not seen yet.
 * Besides the Amounts maps it keeps cpu, memory and pods as plain numbers and the node's taints
 * split by effect, so the filters and scores that run on every node of every cycle do a few
 * arithmetic operations instead of map lookups and walks.
 */
export class NodeInfo {
  node: RNode;
  private readonly podMap = new Map<string, RPod>();
  /** Each pod's requests as added, so removing it subtracts exactly that without parsing again. */
  private readonly podAmounts = new Map<string, { requests: Amounts; scoring: Amounts }>();
  private podList: RPod[] | undefined;
  /** Σ podRequests of the pods. */
  readonly requested: Amounts = new Map();
  /** Σ podScoringRequests (zero requests replaced by defaults). */
  readonly nonZeroRequested: Amounts = new Map();
  private ports: string[] | undefined;
  allocatable: Amounts;
  /** allocatable cpu (millicores) and memory; 0 when the node does not say. */
  allocatableCpu = 0;
  allocatableMemory = 0;
  /** allocatable `pods`; Infinity when the node does not say (no pod-count limit then). */
  allocatablePods = Infinity;
  /** requested / nonZeroRequested cpu and memory (the maps' values, kept as numbers). */
  requestedCpu = 0;
  requestedMemory = 0;
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  /** spec.unschedulable (cordoned). */
  unschedulable = false;
  /** The node's NoSchedule and NoExecute taints (what the TaintToleration filter checks). */
  hardTaints: readonly DeepReadonly<Taint>[] = noTaints;
  /** The node's PreferNoSchedule taints (what the TaintToleration score counts). */
  preferTaints: readonly DeepReadonly<Taint>[] = noTaints;
  /** How many of the pods carry required pod anti-affinity (InterPodAffinity skips nodes with none). */
  antiAffinityPods = 0;
  private readonly tally: Tally | undefined;

  /** `tally` (shared by every NodeInfo of one cache) counts anti-affinity pods across nodes. */
  constructor(node: RNode, pods: Iterable<RPod> = [], tally?: Tally) {
    this.node = node;
    this.tally = tally;
    this.allocatable = amounts(node.status?.allocatable ?? node.status?.capacity);
    this.nodeChanged();
    for (const p of pods) this.addPod(p);
  }

  get name(): string {
    return this.node.metadata.name ?? '';
  }

  get labels(): Readonly<Record<string, string>> {
    return this.node.metadata.labels ?? {};
  }

  /** How many pods the node holds (without building the pods array). */
  get podCount(): number {
    return this.podMap.size;
  }

  /** The pods on the node (an array rebuilt only after a change). */
  get pods(): readonly RPod[] {
    this.podList ??= [...this.podMap.values()];
    return this.podList;
  }

  /** Host ports in use by the node's pods. */
  get usedPorts(): readonly string[] {
    this.ports ??= this.pods.flatMap(podHostPorts);
    return this.ports;
  }

  /** A newer version of the node (allocatable is parsed again only when it changed). */
  setNode(node: RNode): void {
    const prev = this.node.status?.allocatable ?? this.node.status?.capacity;
    const next = node.status?.allocatable ?? node.status?.capacity;
    this.node = node;
    if (!sameList(prev, next)) this.allocatable = amounts(next);
    this.nodeChanged();
  }

  private nodeChanged(): void {
    const a = this.allocatable;
    this.allocatableCpu = a.get('cpu') ?? 0;
    this.allocatableMemory = a.get('memory') ?? 0;
    this.allocatablePods = a.get('pods') ?? Infinity;
    this.unschedulable = !!this.node.spec?.unschedulable;
    const taints = this.node.spec?.taints;
    if (!taints?.length) {
      this.hardTaints = this.preferTaints = noTaints;
      return;
    }
    this.hardTaints = taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    this.preferTaints = taints.filter((t) => t.effect === 'PreferNoSchedule');
  }

  private requestsChanged(): void {
    this.requestedCpu = this.requested.get('cpu') ?? 0;
    this.requestedMemory = this.requested.get('memory') ?? 0;
    this.nonZeroCpu = this.nonZeroRequested.get('cpu') ?? 0;
    this.nonZeroMemory = this.nonZeroRequested.get('memory') ?? 0;
    this.podList = undefined;
    this.ports = undefined;
  }

  hasPod(key: string): boolean {
    return this.podMap.has(key);
  }

  /** Adds (or replaces) a pod. */
  addPod(pod: RPod): void {
    const key = podKey(pod);
    if (this.podMap.has(key)) this.removePod(key);
    this.podMap.set(key, pod);
    if (hasRequiredAntiAffinity(pod)) {
      this.antiAffinityPods++;
      if (this.tally) this.tally.antiAffinityPods++;
    }
    const requests = podRequests(pod);
    const scoring = podScoringRequests(pod, requests);
    this.podAmounts.set(key, { requests, scoring });
    addInto(this.requested, requests);
    addInto(this.nonZeroRequested, scoring);
    this.requestsChanged();
  }

  removePod(key: string): void {
    const pod = this.podMap.get(key);
    if (!pod) return;
    this.podMap.delete(key);
    if (hasRequiredAntiAffinity(pod)) {
      this.antiAffinityPods--;
      if (this.tally) this.tally.antiAffinityPods--;
    }
    const a = this.podAmounts.get(key)!;
    this.podAmounts.delete(key);
    subtract(this.requested, a.requests);
    subtract(this.nonZeroRequested, a.scoring);
    this.requestsChanged();
  }

  /** A copy with some pods removed (preemption's what-if). */
  without(remove: ReadonlySet<string>): NodeInfo {
    return new NodeInfo(
      this.node,
      this.pods.filter((p) => !remove.has(podKey(p))),
    );
  }
}

function hasRequiredAntiAffinity(pod: RPod): boolean {
  return !!pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length;
}

/** The nodes of one scheduling cycle, by name and in a stable order. */
export class Snapshot {
  readonly nodes: NodeInfo[];
  readonly byName = new Map<string, NodeInfo>();
  private readonly tally: Tally | undefined;

  /** `tally`: the one the nodes' NodeInfos share, if they do. */
  constructor(nodes: NodeInfo[], tally?: Tally) {
    this.nodes = nodes;
    this.tally = tally;
    for (const n of nodes) this.byName.set(n.name, n);
  }

  /** Whether any node holds a pod with required anti-affinity (without a walk when tallied). */
  hasAntiAffinityPods(): boolean {
    return this.tally ? this.tally.antiAffinityPods > 0 : this.nodes.some((n) => n.antiAffinityPods > 0);
  }

  /** Builds a snapshot from nodes and pods (pods without a known node are left out); for tests. */
  static build(nodes: Iterable<RNode>, pods: Iterable<RPod>): Snapshot {
    const infos = [...nodes].map((n) => new NodeInfo(n));
    const snap = new Snapshot(infos);
    for (const p of pods) {
      const nodeName = p.spec?.nodeName;
      if (nodeName) snap.byName.get(nodeName)?.addPod(p);
    }
    return snap;
  }

  /** Every pod placed on any node. */
  allPods(): { pod: RPod; node: NodeInfo }[] {
    return this.nodes.flatMap((node) => node.pods.map((pod) => ({ pod, node })));
  }
}
