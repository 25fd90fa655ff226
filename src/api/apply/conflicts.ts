/**
 * Apply conflicts: an Apply that would change the value of a field another manager owns fails with
 * 409 Conflict (unless forced), worded as Kubernetes words it so kubectl prints its usual advice:
 * `Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas`, one
 * `FieldManagerConflict` cause per field.
 */
import { StatusError } from '../errors.ts';
import { intersection, isEmpty, members, pathString, type FieldSet } from './fieldpath.ts';
import type { ManagedField } from './managedfields.ts';

/** One field another manager owns that the Apply would change. */
export interface Conflict {
  owner: ManagedField;
  /** The field as a human path (`.spec.replicas`). */
  path: string;
  /** The field as set elements (`f:spec`, `f:replicas`). */
  elements: string[];
}

/** The conflicts between `changed` (fields whose value the Apply changes) and `others`' sets. */
export function findConflicts(changed: FieldSet, others: readonly ManagedField[]): Conflict[] {
  const out: Conflict[] = [];
  if (isEmpty(changed)) return out;
  for (const owner of others) {
    const both = intersection(owner.set, changed);
    for (const p of members(both)) out.push({ owner, path: pathString(p), elements: p });
  }
  return out;
}

/** How a conflict names its owner: Update entries add their apiVersion (and subresource). */
export function describeManager(m: ManagedField): string {
  let s = JSON.stringify(m.manager);
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  return s;
}

/** The 409 Status for a failed Apply. */
export function conflictError(conflicts: readonly Conflict[]): StatusError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(c.owner)}`,
    field: c.path,
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(conflicts[0].owner)}: ${conflicts[0].path}`;
  } else {
    const byOwner = new Map<string, string[]>();
    for (const c of conflicts) {
      const who = describeManager(c.owner);
      byOwner.set(who, [...(byOwner.get(who) ?? []), c.path]);
    }
    const lines: string[] = [];
    for (const who of [...byOwner.keys()].sort()) {
      lines.push(`conflicts with ${who}:`);
      for (const p of byOwner.get(who)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
