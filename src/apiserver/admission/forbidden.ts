/**
 * The 403 an admission plugin answers with, worded as Kubernetes' admission.NewForbidden:
 * `pods "web" is forbidden: <reason>` (the resource qualified by its group when it has one).
 */
import { forbidden, qualifiedResource, type StatusError } from '../../api/errors.ts';
import type { AdmissionAttributes } from './types.ts';

/** A Forbidden StatusError naming the object the request is about. */
export function admissionForbidden(a: AdmissionAttributes, reason: string): StatusError {
  const resource = qualifiedResource(a.kind.resource, a.kind.group);
  const name = a.name || a.obj?.metadata.name || '';
  const err = forbidden(
    name ? `${resource} "${name}" is forbidden: ${reason}` : `${resource} is forbidden: ${reason}`,
  );
  err.status.details = { name: name || undefined, group: a.kind.group || undefined, kind: a.kind.resource };
  return err;
}

/** Several reasons as one, the way Kubernetes aggregates errors: `a` or `[a, b]`. */
export function aggregate(reasons: readonly string[]): string {
  return reasons.length === 1 ? reasons[0]! : `[${reasons.join(', ')}]`;
}
