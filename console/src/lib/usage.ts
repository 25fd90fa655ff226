/**
 * CPU and memory use against allocatable, per node and for the cluster, from the metrics API
 * (`metrics.k8s.io/v1beta1` NodeMetrics) and the Node objects. A node without metrics (a simulated
 * node, or one whose agent has not reported yet) has `used` undefined, so the page can say "no
 * metrics" for it instead of drawing a zero.
 */
import type { NodeObject } from '../api/types.ts';
import { parseQuantity } from './nodes.ts';

/** One NodeMetrics item, as much of it as the console reads. */
export interface NodeMetrics {
  metadata: { name: string };
  timestamp?: string;
  window?: string;
  usage?: { cpu?: string; memory?: string };
}

/** One resource on one node: used (undefined: no metrics) and allocatable, in cores or bytes. */
export interface Usage {
  used?: number;
  allocatable: number;
  /** used / allocatable, 0..1 (may pass 1 when over-committed); undefined without metrics. */
  fraction?: number;
}

export interface NodeUsage {
  name: string;
  cpu: Usage;
  memory: Usage;
}

function usage(used: number | undefined, allocatable: number): Usage {
  return {
    used,
    allocatable,
    fraction: used === undefined ? undefined : allocatable > 0 ? used / allocatable : 0,
  };
}

/** Per node, sorted by name: CPU and memory use against allocatable. */
export function nodeUsage(nodes: readonly NodeObject[], metrics: readonly NodeMetrics[]): NodeUsage[] {
  const byName = new Map(metrics.map((m) => [m.metadata.name, m]));
  return nodes
    .map((n) => {
      const m = byName.get(n.metadata.name);
      const alloc = n.status?.allocatable ?? {};
      return {
        name: n.metadata.name,
        cpu: usage(parseQuantity(m?.usage?.cpu), parseQuantity(alloc.cpu) ?? 0),
        memory: usage(parseQuantity(m?.usage?.memory), parseQuantity(alloc.memory) ?? 0),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The cluster's total: use summed over the nodes that have metrics, against the allocatable of
 * those same nodes (so a node without metrics does not dilute the figure); `used` undefined when
 * no node has metrics. `reporting` counts the nodes with metrics.
 */
export function clusterUsage(nodes: readonly NodeUsage[]): { cpu: Usage; memory: Usage; reporting: number } {
  const total = (pick: (n: NodeUsage) => Usage): Usage => {
    const withMetrics = nodes.map(pick).filter((u) => u.used !== undefined);
    if (withMetrics.length === 0)
      return usage(
        undefined,
        nodes.map(pick).reduce((s, u) => s + u.allocatable, 0),
      );
    return usage(
      withMetrics.reduce((s, u) => s + (u.used ?? 0), 0),
      withMetrics.reduce((s, u) => s + u.allocatable, 0),
    );
  };
  return {
    cpu: total((n) => n.cpu),
    memory: total((n) => n.memory),
    reporting: nodes.filter((n) => n.cpu.used !== undefined || n.memory.used !== undefined).length,
  };
}

/** A colour for a use fraction: green, amber from 70 %, red from 90 %. */
export function usageColor(fraction: number | undefined): string {
  if (fraction === undefined) return '#d9d9d9';
  if (fraction >= 0.9) return '#ff4d4f';
  if (fraction >= 0.7) return '#faad14';
  return '#52c41a';
}

/** A fraction as a whole percentage ("37%"), "-" when undefined. */
export function percent(fraction: number | undefined): string {
  return fraction === undefined ? '-' : `${Math.round(fraction * 100)}%`;
}

/** The SVG path of a donut arc from 0 to `fraction` (clamped to 0..1) around (c, c) with radius r. */
export function arcPath(fraction: number, c: number, r: number): string {
  const f = Math.min(Math.max(fraction, 0), 0.9999);
  if (f <= 0) return '';
  const angle = f * 2 * Math.PI;
  const x = c + r * Math.sin(angle);
  const y = c - r * Math.cos(angle);
  const round = (v: number) => Math.round(v * 100) / 100;
  return `M ${c} ${c - r} A ${r} ${r} 0 ${f > 0.5 ? 1 : 0} 1 ${round(x)} ${round(y)}`;
}
