/**
 * metadata.managedFields: who owns which fields. Entries are identified by manager + operation +
 * subresource (+ apiVersion for Update entries, so an applier keeps one entry across versions).
 *
 * - Update (create, PUT, non-apply PATCH): the writer's entry gains the fields the write set or
 *   changed and loses the ones it removed; every other entry loses all of those, so the last writer
 *   of a field owns it.
 * - Apply: the applier's entry is exactly the applied configuration's fields (see apply.ts).
 *
 * An entry's time moves only when its set or the object changed, so a no-op write stays a no-op.
 * At most `maxUpdateManagers` Update entries are kept; the oldest fold into `ancient-changes`.
 */
import type { JsonObject, ManagedFieldsEntry } from '../object.ts';
import {
  difference,
  equalSets,
  isEmpty,
  parseFieldSet,
  sortedFieldSet,
  union,
  type FieldSet,
} from './fieldpath.ts';
import type { FieldChanges } from './fieldset.ts';

/** One decoded entry. */
export interface ManagedField {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource: string;
  time?: string;
  set: FieldSet;
}

/** Who is writing, as a managedFields entry names it. */
export interface Writer {
  manager: string;
  apiVersion: string;
  subresource: string;
}

export const maxUpdateManagers = 10;
export const ancientManager = 'ancient-changes';

/** The identity of an entry: Apply entries ignore apiVersion. */
export function managerKey(e: {
  manager: string;
  operation: string;
  apiVersion: string;
  subresource: string;
}): string {
  return JSON.stringify([e.manager, e.operation, e.operation === 'Apply' ? '' : e.apiVersion, e.subresource]);
}

/** Reads managedFields; undefined when any entry is malformed. */
export function decodeManagedFields(entries: unknown): ManagedField[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  const out: ManagedField[] = [];
  for (const e of entries as ManagedFieldsEntry[]) {
    if (e === null || typeof e !== 'object') return undefined;
    if (typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update'))
      return undefined;
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') return undefined;
    const set = e.fieldsV1 === undefined ? {} : parseFieldSet(e.fieldsV1);
    if (!set) return undefined;
    out.push({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion ?? '',
      subresource: e.subresource ?? '',
      time: e.time,
      set,
    });
  }
  return out;
}

/** The entries in Kubernetes' order: Apply before Update, then by time, then by manager. */
export function encodeManagedFields(managed: readonly ManagedField[]): ManagedFieldsEntry[] {
  const sorted = [...managed].sort(
    (a, b) =>
      (a.operation < b.operation ? -1 : a.operation > b.operation ? 1 : 0) ||
      (a.time ?? '').localeCompare(b.time ?? '') ||
      a.manager.localeCompare(b.manager),
  );
  return sorted.map((m) => {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = m.set as JsonObject;
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

/** A request's managedFields of exactly one empty entry: clear ownership (Kubernetes' reset). */
export function isReset(sent: unknown): boolean {
  if (!Array.isArray(sent) || sent.length !== 1) return false;
  const e: unknown = sent[0];
  return e !== null && typeof e === 'object' && Object.keys(e).length === 0;
}

/**
 * The entries a write starts from: none after a reset; the ones the request sent when they are
 * well formed and non-empty (a client may rewrite ownership, as kubectl does when it migrates from
 * client-side apply); otherwise the stored ones, so clients unaware of managedFields cannot drop them.
 */
export function baseManagedFields(live: unknown, sent: unknown): ManagedField[] {
  if (isReset(sent)) return [];
  if (Array.isArray(sent) && sent.length > 0) {
    const decoded = decodeManagedFields(sent);
    if (decoded) return decoded;
  }
  return decodeManagedFields(live ?? []) ?? [];
}

/** Records an Update by `writer` that made `changes`. Returns new entries; the input is unchanged. */
export function recordUpdate(
  managed: readonly ManagedField[],
  changes: FieldChanges,
  writer: Writer,
  now: string,
): ManagedField[] {
  if (isEmpty(changes.changed) && isEmpty(changes.removed)) return [...managed];
  const key = managerKey({ ...writer, operation: 'Update' });
  const touched = union(changes.changed, changes.removed);
  const out: ManagedField[] = [];
  let mine: ManagedField | undefined;
  for (const m of managed) {
    if (managerKey(m) === key) {
      mine = m;
      continue;
    }
    const set = difference(m.set, touched);
    if (!isEmpty(set)) out.push(set === m.set ? m : { ...m, set });
  }
  const set = union(difference(mine?.set ?? {}, changes.removed), changes.changed);
  if (!isEmpty(set)) out.push({ ...writer, operation: 'Update', time: now, set: sortedFieldSet(set) });
  return capUpdateManagers(out);
}

/** Folds the oldest Update entries into one `ancient-changes` entry when there are too many. */
export function capUpdateManagers(managed: ManagedField[], max = maxUpdateManagers): ManagedField[] {
  const updates = managed.filter((m) => m.operation === 'Update');
  if (updates.length <= max) return managed;
  const previous = updates.find((m) => m.manager === ancientManager);
  const byAge = updates
    .filter((m) => m !== previous)
    .sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
  // After folding, the Update entries are the `max - 1` newest plus ancient-changes.
  const fold = byAge.slice(0, byAge.length - (max - 1));
  let set = previous?.set ?? {};
  let time = previous?.time;
  for (const m of fold) {
    set = union(set, m.set);
    time = maxTime(time, m.time);
  }
  const folded = new Set<ManagedField>(fold);
  const kept = managed.filter((m) => m !== previous && !folded.has(m));
  const apiVersion = fold.at(-1)?.apiVersion ?? previous?.apiVersion ?? '';
  kept.push({
    manager: ancientManager,
    operation: 'Update',
    apiVersion,
    subresource: '',
    time,
    set: sortedFieldSet(set),
  });
  return kept;
}

function maxTime(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** True when two entry lists name the same owners of the same fields (times ignored). */
export function sameOwnership(a: readonly ManagedField[], b: readonly ManagedField[]): boolean {
  if (a.length !== b.length) return false;
  const byKey = new Map(b.map((m) => [managerKey(m), m]));
  return a.every((m) => {
    const o = byKey.get(managerKey(m));
    return !!o && equalSets(m.set, o.set);
  });
}
