/** rbac.authorization.k8s.io/v1 Role: permissions within one namespace (no non-resource URLs). */
import { createdAtColumn } from '../networking/kind-schema.ts';
import type { KindDef } from '../types.ts';
import { validateRBACName, validateRules } from './policy.ts';

export const role: KindDef = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  listKind: 'RoleList',
  resource: 'roles',
  singular: 'role',
  namespaced: true,
  schema: 'io.k8s.api.rbac.v1.Role',
  strategy: { validate: (o) => [...validateRBACName(o), ...validateRules(o, true)] },
  columns: [createdAtColumn],
};
