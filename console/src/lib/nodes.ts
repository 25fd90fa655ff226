/**
 * How the Nodes pages show a node: its status words (Ready/NotReady/Unknown, plus
 * SchedulingDisabled when cordoned, as kubectl prints them), roles from `node-role.kubernetes.io/*`
 * labels, CPU and memory quantities in readable units, and the cordon patch. Pure and tested.
 */
import type { NodeObject } from '../api/types.ts';
import { condition } from './format.ts';

/** `Ready`, `NotReady` or `Unknown` (no Ready condition or status Unknown), `,SchedulingDisabled` when cordoned. */
export function nodeStatus(node: NodeObject): string {
  const ready = condition(node.status?.conditions, 'Ready')?.status;
  const word = ready === 'True' ? 'Ready' : ready === 'False' ? 'NotReady' : 'Unknown';
  return node.spec?.unschedulable ? `${word},SchedulingDisabled` : word;
}

/** Roles from `node-role.kubernetes.io/ROLE` labels, sorted; `<none>` without any. */
export function nodeRoles(node: NodeObject): string {
  const prefix = 'node-role.kubernetes.io/';
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith(prefix) && k.length > prefix.length)
    .map((k) => k.slice(prefix.length))
    .sort();
  return roles.length > 0 ? roles.join(',') : '<none>';
}

const suffixes: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** A Kubernetes quantity (`250m`, `2`, `16Gi`, `1e3`) as a number, or undefined when malformed. */
export function parseQuantity(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m || !Object.hasOwn(suffixes, m[2])) return undefined;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n * suffixes[m[2]] : undefined;
}

/** CPU cores: `2`, `1.5`, `250m`; '-' when absent. */
export function formatCpu(q: string | undefined): string {
  const n = parseQuantity(q);
  if (n === undefined) return q ?? '-';
  if (n < 1) return `${Math.round(n * 1000)}m`;
  return String(Math.round(n * 100) / 100);
}

/** Bytes in binary units: `512 Mi`, `15.6 Gi`; '-' when absent. */
export function formatBytes(q: string | undefined): string {
  const n = parseQuantity(q);
  if (n === undefined) return q ?? '-';
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const shown = v >= 100 || i === 0 ? Math.round(v) : Math.round(v * 10) / 10;
  return i === 0 ? `${shown}` : `${shown} ${units[i]}`;
}

/** A resource value for display: cpu in cores, memory/storage in bytes, anything else as it is. */
export function formatResource(name: string, q: string | undefined): string {
  if (name === 'cpu') return formatCpu(q);
  if (name === 'memory' || name.includes('storage') || name.startsWith('hugepages-')) return formatBytes(q);
  return q ?? '-';
}

/** The merge patch `kubectl cordon` (true) / `uncordon` (false) sends. */
export function cordonPatch(cordon: boolean): { spec: { unschedulable: boolean | null } } {
  return { spec: { unschedulable: cordon ? true : null } };
}
