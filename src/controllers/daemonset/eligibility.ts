/**
 * Which nodes a DaemonSet's pod belongs on. A node is judged against the pod the controller would
 * create there — the template plus the default DaemonSet tolerations — with the same rules the
 * scheduler applies: spec.nodeName, spec.nodeSelector, required node affinity, and taints with
 * effect NoSchedule or NoExecute that no toleration covers. Two answers come back, as in Kubernetes:
 * `shouldRun` (a pod should be created there) and `shouldContinueRunning` (an existing pod may stay:
 * a NoSchedule taint added later does not evict, an untolerated NoExecute taint does).
 * Cordoned nodes stay eligible: the default unschedulable toleration covers them.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { requirementMatches } from '../../scheduler/plugins/node-affinity.ts';
import { toleratedBy } from '../../scheduler/plugins/tolerations.ts';
import type { DaemonPodSpec, DaemonSet, Node, NodeSelectorTerm, Taint, Toleration } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** The answer for one node. */
export interface NodeFit {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

/**
 * The tolerations every daemon pod gets: not-ready and unreachable NoExecute without
 * tolerationSeconds (daemons stay on failing nodes), the pressure and unschedulable NoSchedule
 * taints, and network-unavailable for hostNetwork pods (they do not need the pod network).
 */
export function daemonSetTolerations(hostNetwork: boolean): Toleration[] {
  const exists = (key: string, effect: string): Toleration => ({ key, operator: 'Exists', effect });
  const out = [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ];
  if (hostNetwork) out.push(exists('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  return out;
}

function sameToleration(a: RO<Toleration>, b: RO<Toleration>): boolean {
  return (
    (a.key ?? '') === (b.key ?? '') &&
    (a.operator ?? 'Equal') === (b.operator ?? 'Equal') &&
    (a.value ?? '') === (b.value ?? '') &&
    (a.effect ?? '') === (b.effect ?? '')
  );
}

/**
 * `tolerations` with the default DaemonSet tolerations added; one the user wrote for the same
 * key, operator, value and effect is replaced (so a tolerationSeconds there does not survive, as in
 * Kubernetes).
 */
export function withDaemonTolerations(
  tolerations: readonly RO<Toleration>[] | undefined,
  hostNetwork: boolean,
): Toleration[] {
  const defaults = daemonSetTolerations(hostNetwork);
  const kept = (tolerations ?? [])
    .filter((t) => !defaults.some((d) => sameToleration(d, t)))
    .map((t) => structuredClone(t) as Toleration);
  return [...kept, ...defaults];
}

function termMatches(term: RO<NodeSelectorTerm>, node: RO<Node>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return (
    exprs.every((r) => requirementMatches(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined)) &&
    fields.every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata.name : undefined))
  );
}

/** True when the pod spec's nodeSelector and required node affinity accept `node`. */
export function nodeSelectorsMatch(spec: RO<DaemonPodSpec> | undefined, node: RO<Node>): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

function untolerated(
  taints: readonly RO<Taint>[],
  tolerations: readonly RO<Toleration>[],
  effects: readonly string[],
): boolean {
  return taints.some((t) => effects.includes(t.effect) && !toleratedBy(tolerations, t));
}

/**
 * A judge for one DaemonSet: computes the daemon pod's tolerations once, then answers per node.
 * Reconcile calls it for every node, so the per-node work stays small.
 */
export function nodeFitter(ds: RO<DaemonSet>): (node: RO<Node>) => NodeFit {
  const spec = ds.spec.template?.spec;
  const tolerations = withDaemonTolerations(spec?.tolerations, spec?.hostNetwork === true);
  return (node) => {
    const name = node.metadata.name ?? '';
    if (spec?.nodeName && spec.nodeName !== name) return { shouldRun: false, shouldContinueRunning: false };
    if (!nodeSelectorsMatch(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
    const taints = node.spec?.taints ?? [];
    if (untolerated(taints, tolerations, ['NoSchedule', 'NoExecute']))
      return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, ['NoExecute']) };
    return { shouldRun: true, shouldContinueRunning: true };
  };
}

/** One-off form of nodeFitter. */
export function nodeShouldRunDaemonPod(node: RO<Node>, ds: RO<DaemonSet>): NodeFit {
  return nodeFitter(ds)(node);
}
