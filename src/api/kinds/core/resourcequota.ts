/** core/v1 ResourceQuota: valid hard limits and scopes, and the AGE / REQUEST / LIMIT table. */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isQualifiedName } from '../../validation/names.ts';
import { validateResourceList } from '../../validation/resources.ts';
import type { KindDef } from '../types.ts';
import { ageColumn, canonical, col, field, items, specOf, statusOf, str } from './util.ts';

const scopes = [
  'Terminating',
  'NotTerminating',
  'BestEffort',
  'NotBestEffort',
  'PriorityClass',
  'CrossNamespacePodAffinity',
];

const quotaName = (name: string, path: string): FieldError[] =>
  isQualifiedName(name).map((m) => fieldError.invalid(path, name, m));

/** ResourceQuota checks: hard amounts, scope names and scope selector operators. */
export function validateResourceQuota(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs = validateResourceList(spec.hard, 'spec.hard', quotaName).errs;
  (Array.isArray(spec.scopes) ? spec.scopes.map(String) : []).forEach((s) => {
    if (!scopes.includes(s)) errs.push(fieldError.notSupported('spec.scopes', s, scopes));
  });
  items(field(spec, 'scopeSelector').matchExpressions).forEach((r, i) => {
    const at = `spec.scopeSelector.matchExpressions[${i}]`;
    if (!scopes.includes(str(r.scopeName)))
      errs.push(fieldError.notSupported(`${at}.scopeName`, r.scopeName ?? '', scopes));
    const op = str(r.operator);
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op))
      errs.push(fieldError.notSupported(`${at}.operator`, op, ['DoesNotExist', 'Exists', 'In', 'NotIn']));
    const values = Array.isArray(r.values) ? r.values : [];
    if ((op === 'In' || op === 'NotIn') && values.length === 0)
      errs.push(
        fieldError.required(
          `${at}.values`,
          "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
        ),
      );
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0)
      errs.push(
        fieldError.invalid(
          `${at}.values`,
          values,
          "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector",
        ),
      );
  });
  return errs;
}

/** REQUEST and LIMIT cells: "name: used/hard" pairs, limits.* resources in LIMIT. */
export function quotaUsage(o: KubeObject, limits: boolean): string {
  const hard = field(statusOf(o), 'hard');
  const used = field(statusOf(o), 'used');
  return Object.keys(hard)
    .sort()
    .filter((name) => (name.split('.').length > 1 && name.split('.')[0] === 'limits') === limits)
    .map((name) => `${name}: ${canonical(used[name]) || '0'}/${canonical(hard[name]) || '0'}`)
    .join(', ');
}

/** The `resourcequotas` resource of core/v1. */
export const resourceQuotaKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  listKind: 'ResourceQuotaList',
  resource: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  schema: 'io.k8s.api.core.v1.ResourceQuota',
  hasStatus: true,
  strategy: { validate: validateResourceQuota },
  columns: [
    ageColumn,
    col('Request', 'Use of requests against the quota.', (o) => quotaUsage(o, false)),
    col('Limit', 'Use of limits against the quota.', (o) => quotaUsage(o, true)),
  ],
};
