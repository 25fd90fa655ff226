/**
 * The registry's side of managedFields: which manager a request writes as, and the Update
 * bookkeeping every non-apply write (create, PUT, PATCH, /status) does just before it is stored.
 */
import { compareFields, jsonEqual, ownable } from '../../api/apply/fieldset.ts';
import { baseManagedFields, encodeManagedFields, recordUpdate } from '../../api/apply/managedfields.ts';
import type { KindDef } from '../../api/kinds/types.ts';
import { formatApiVersion, type KubeObject, type ManagedFieldsEntry } from '../../api/object.ts';
import type { Definitions } from '../../api/schema/types.ts';
import type { RequestContext } from './context.ts';
import { nowTimestamp } from './meta.ts';

/**
 * The manager a write is recorded under: ?fieldManager=, else the User-Agent's product name (the
 * part before the first `/`, as Kubernetes derives it: `kubectl/v1.32.4 (linux/amd64) …` →
 * `kubectl`); undefined for internal writes that name neither.
 */
export function fieldManagerOf(ctx: RequestContext): string | undefined {
  if (ctx.fieldManager) return ctx.fieldManager;
  const ua = ctx.userAgent?.split('/')[0].trim();
  return ua ? ua.slice(0, 128) : undefined;
}

/**
 * Sets obj.metadata.managedFields for an Update-style write from `old` (undefined on create) to
 * `obj`: starts from the stored entries (or the request's, when it rewrote or reset them) and gives
 * the writer the fields it changed.
 */
export function recordManagedFields(
  kind: KindDef,
  defs: Definitions,
  old: KubeObject | undefined,
  obj: KubeObject,
  ctx: RequestContext,
  subresource: string,
): void {
  const managed = baseManagedFields(old?.metadata.managedFields, obj.metadata.managedFields);
  const manager = fieldManagerOf(ctx);
  let next = managed;
  if (manager) {
    const scope = { subresource, hasStatus: !!kind.hasStatus };
    const schema = defs[kind.schema];
    const changes = compareFields(ownable(old, scope), ownable(obj, scope), schema, defs);
    next = recordUpdate(
      managed,
      changes,
      { manager, apiVersion: formatApiVersion(kind.group, kind.version), subresource },
      nowTimestamp(),
    );
  }
  setManagedFields(obj, next.length ? encodeManagedFields(next) : undefined, old);
}

/**
 * Stores `entries` on `obj`, sharing the stored array when they equal it: the store's no-op check
 * (see sameManaged) then compares managedFields by reference instead of re-encoding them.
 */
export function setManagedFields(
  obj: KubeObject,
  entries: ManagedFieldsEntry[] | undefined,
  old: KubeObject | undefined,
): void {
  const stored = old?.metadata.managedFields;
  if (entries === undefined || entries.length === 0) {
    if (stored === undefined || stored.length === 0) obj.metadata.managedFields = stored;
    else delete obj.metadata.managedFields;
    if (obj.metadata.managedFields === undefined) delete obj.metadata.managedFields;
    return;
  }
  obj.metadata.managedFields = stored && jsonEqual(entries, stored) ? stored : entries;
}

/** True when a write left managedFields exactly as stored (set up by setManagedFields). */
export function sameManaged(obj: KubeObject, old: KubeObject): boolean {
  return obj.metadata.managedFields === old.metadata.managedFields;
}
