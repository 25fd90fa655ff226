/**
 * rbac.authorization.k8s.io/v1 ClusterRole: cluster-wide permissions; with an aggregationRule the
 * rules are gathered from the cluster roles its selectors match.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { obj } from '../../validation/util.ts';
import { createdAtColumn } from '../networking/kind-schema.ts';
import { validateLabelSelector } from '../networking/label-selector.ts';
import type { KindDef } from '../types.ts';
import { validateRBACName, validateRules } from './policy.ts';

function validateAggregation(o: KubeObject): FieldError[] {
  if (o.aggregationRule == null) return [];
  const selectors = obj(o.aggregationRule).clusterRoleSelectors;
  const list = Array.isArray(selectors) ? selectors : [];
  if (list.length === 0) {
    return [
      fieldError.required(
        'aggregationRule.clusterRoleSelectors',
        'at least one clusterRoleSelector required if aggregationRule is non-nil',
      ),
    ];
  }
  return list.flatMap((sel, i) => validateLabelSelector(sel, `aggregationRule.clusterRoleSelectors[${i}]`));
}

export const clusterRole: KindDef = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  listKind: 'ClusterRoleList',
  resource: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  schema: 'io.k8s.api.rbac.v1.ClusterRole',
  strategy: {
    validate: (o) => [...validateRBACName(o), ...validateRules(o, false), ...validateAggregation(o)],
  },
  columns: [createdAtColumn],
};
