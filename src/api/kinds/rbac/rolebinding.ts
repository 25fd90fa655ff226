/** rbac.authorization.k8s.io/v1 RoleBinding: grants a Role or ClusterRole within one namespace. */
import type { KindDef } from '../types.ts';
import {
  bindingColumns,
  defaultBinding,
  validateBinding,
  validateBindingUpdate,
  validateRBACName,
} from './policy.ts';

export const roleBinding: KindDef = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'RoleBinding',
  listKind: 'RoleBindingList',
  resource: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  schema: 'io.k8s.api.rbac.v1.RoleBinding',
  strategy: {
    defaults: defaultBinding,
    validate: (o) => [...validateRBACName(o), ...validateBinding(o, true, ['Role', 'ClusterRole'])],
    validateUpdate: validateBindingUpdate,
  },
  columns: bindingColumns('roleBinding'),
};
