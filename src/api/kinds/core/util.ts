/**
 * Helpers shared by the core/v1 kind files: safe access to spec/status, table cell builders and
 * small checks (immutable fields, kind-specific name rules) that strategies reuse.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject, type KubeObject } from '../../object.ts';
import { formatQuantity, parseQuantity } from '../../quantity.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';
import type { Column } from '../types.ts';

export type Obj = Record<string, unknown>;

/** The object at `o[key]`, created when missing (for defaulting). */
export function child(o: Obj, key: string): Obj {
  if (!isObject(o[key])) o[key] = {};
  return o[key] as Obj;
}

/** The object at `o[key]`, or a fresh empty object (read-only use). */
export function field(o: unknown, key: string): Obj {
  return isObject(o) && isObject(o[key]) ? (o[key] as Obj) : {};
}

export const specOf = (o: KubeObject): Obj => field(o, 'spec');
export const statusOf = (o: KubeObject): Obj => field(o, 'status');

/** A string value, or '' when not a string. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The elements of a list that are objects. */
export function items(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** Sets `o[key]` when it is unset or empty. */
export function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** `field is immutable` when the value changed. */
export function immutable(value: unknown, old: unknown, path: string): FieldError[] {
  return jsonEqual(value ?? null, old ?? null)
    ? []
    : [fieldError.invalid(path, value ?? null, 'field is immutable')];
}

/**
 * A stricter name rule than the generic DNS-1123 subdomain one, reported only when the generic
 * rule passes, so one bad name does not produce two messages.
 */
export function stricterName(o: KubeObject, rule: (s: string) => string[]): FieldError[] {
  const name = o.metadata?.name;
  if (!name || isDNS1123Subdomain(name).length) return [];
  return rule(name).map((m) => fieldError.invalid('metadata.name', name, m));
}

/** Kubernetes' canonical form of a quantity string ("1Gi", "500m"); the input when it does not parse. */
export function canonical(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number') return '';
  try {
    return formatQuantity(parseQuantity(String(v)));
  } catch {
    return String(v);
  }
}

/** "k=v,k2=v2" sorted by key, or "<none>" — kubectl's label formatting. */
export function formatLabels(labels: unknown): string {
  if (!isObject(labels)) return '<none>';
  const keys = Object.keys(labels).sort();
  return keys.length ? keys.map((k) => `${k}=${String(labels[k])}`).join(',') : '<none>';
}

/** A string column. */
export function col(name: string, description: string, cell: Column['cell'], priority: 0 | 1 = 0): Column {
  return { name, type: 'string', description, priority, cell };
}

/** The AGE column, from metadata.creationTimestamp. */
export { ageColumn } from '../../table/columns.ts';

/** Short access-mode names in Kubernetes' fixed order: RWO, ROX, RWX, RWOP. */
export function accessModesString(modes: unknown): string {
  const list = Array.isArray(modes) ? modes : [];
  const short: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short
    .filter(([m]) => list.includes(m))
    .map(([, s]) => s)
    .join(',');
}
