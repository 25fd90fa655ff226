/**
 * apps/v1 ControllerRevision: an immutable snapshot written by the StatefulSet and DaemonSet
 * controllers. Data is required and fixed; the table shows the owning controller and revision.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { parseApiVersion, type KubeObject } from '../../object.ts';
import { nonNegative } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { ageColumn, immutable } from './workload.ts';

/** Data must be present and revision non-negative. */
export function validateControllerRevision(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (o.data === undefined || o.data === null) errs.push(fieldError.required('data'));
  errs.push(...nonNegative(o.revision, 'revision'));
  return errs;
}

/** `statefulset.apps/web` for the controlling owner, `<none>` without one. */
export function controllerName(o: KubeObject): string {
  const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const { group } = parseApiVersion(ref.apiVersion);
  const kind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${kind.toLowerCase()}/${ref.name}`;
}

/** The `controllerrevisions` resource of apps/v1. */
export const controllerRevisionKind: KindDef = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  listKind: 'ControllerRevisionList',
  resource: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  schema: 'io.k8s.api.apps.v1.ControllerRevision',
  strategy: {
    validate: validateControllerRevision,
    validateUpdate: (o, old) => immutable(o.data, old.data, 'data'),
  },
  columns: [
    {
      name: 'Controller',
      type: 'string',
      description: 'The controller that owns this revision.',
      priority: 0,
      cell: controllerName,
    },
    {
      name: 'Revision',
      type: 'string',
      description: 'The revision number.',
      priority: 0,
      cell: (o) => (typeof o.revision === 'number' ? o.revision : 0),
    },
    ageColumn,
  ],
};
