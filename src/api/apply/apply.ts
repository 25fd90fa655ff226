/**
 * One server-side Apply, as structured-merge-diff defines it: merge the configuration into the live
 * object, refuse (or, forced, take over) changes to fields other managers own, drop the fields this
 * applier applied last time but no longer applies unless someone else still owns them, and record
 * the applier's set as exactly the configuration's fields.
 */
import type { Definitions, Schema } from '../schema/types.ts';
import { conflictError, findConflicts, type Conflict } from './conflicts.ts';
import {
  difference,
  equalSets,
  isEmpty,
  isMember,
  lookup,
  sortedFieldSet,
  union,
  type FieldSet,
} from './fieldpath.ts';
import { compareFields, fieldSetOf, jsonEqual, ownable, type FieldScope } from './fieldset.ts';
import { managerKey, type ManagedField, type Writer } from './managedfields.ts';
import { mergeApplied, removeFields } from './merge.ts';

type Obj = Record<string, unknown>;

export interface ApplyInput {
  /** The stored object; undefined when the Apply creates it. */
  live: Obj | undefined;
  /** The applied configuration (a partial object). */
  config: Obj;
  /** Entries the write starts from (see baseManagedFields). */
  managed: readonly ManagedField[];
  writer: Writer;
  force: boolean;
  schema: Schema | undefined;
  defs: Definitions;
  scope: FieldScope;
  /** managedFields time for entries that change. */
  now: string;
  /** The live object's `kubectl.kubernetes.io/last-applied-configuration`, parsed, if any. */
  lastApplied?: Obj;
}

/** The manager client-side `kubectl apply` writes as, and the one that inherits its fields. */
export const clientSideApplyManager = 'kubectl-client-side-apply';
export const kubectlManager = 'kubectl';

export interface ApplyResult {
  obj: Obj;
  managed: ManagedField[];
}

/** Runs the Apply; throws the 409 conflict Status when other managers own changed fields. */
export function applyConfig(input: ApplyInput): ApplyResult {
  const { live, config, schema, defs, scope } = input;
  const applied = sortedFieldSet(fieldSetOf(ownable(config, scope), schema, defs));
  const merged = mergeApplied(live ?? {}, config, schema, defs) as Obj;
  const changes = compareFields(ownable(live, scope), ownable(merged, scope), schema, defs);

  const key = managerKey({ ...input.writer, operation: 'Apply' });
  let mine: ManagedField | undefined;
  let others: ManagedField[] = [];
  for (const m of input.managed) {
    if (managerKey(m) === key) mine = m;
    else others.push(m);
  }
  const conflicts = findConflicts(changes.changed, others);
  if (conflicts.length && !input.force && !migratingFromClientSide(input, conflicts))
    throw conflictError(conflicts);
  if (conflicts.length) {
    // Forced: the applier takes the changed fields from their owners.
    others = others.flatMap((m) => {
      const set = difference(m.set, changes.changed);
      if (isEmpty(set)) return [];
      return [set === m.set ? m : { ...m, set }];
    });
  }

  // Fields this applier let go of, and nobody else holds, leave the object.
  const dropped = difference(mine?.set ?? {}, applied);
  if (!isEmpty(dropped)) {
    let held: FieldSet = {};
    for (const m of others) held = union(held, m.set);
    removeFields(merged, difference(dropped, held), held, schema, defs);
  }

  const managed = [...others];
  if (!isEmpty(applied)) {
    const unchanged =
      mine &&
      equalSets(mine.set, applied) &&
      live !== undefined &&
      jsonEqual(ownable(live, scope), ownable(merged, scope));
    managed.push({
      ...input.writer,
      operation: 'Apply',
      time: unchanged ? mine!.time : input.now,
      set: unchanged ? mine!.set : applied,
    });
  }
  return { obj: merged, managed };
}

/**
 * `kubectl apply --server-side` after client-side `kubectl apply`: conflicts only with fields
 * the client-side applier set through its last-applied configuration are taken over without
 * --force-conflicts, as Kubernetes does, so switching to server-side apply just works.
 */
function migratingFromClientSide(input: ApplyInput, conflicts: readonly Conflict[]): boolean {
  if (input.writer.manager !== kubectlManager || !input.lastApplied) return false;
  const last = fieldSetOf(ownable(input.lastApplied, input.scope), input.schema, input.defs);
  return conflicts.every((c) => {
    if (c.owner.manager !== clientSideApplyManager) return false;
    const n = lookup(last, c.elements);
    return !!n && isMember(n);
  });
}
