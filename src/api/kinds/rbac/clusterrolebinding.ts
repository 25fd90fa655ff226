/** rbac.authorization.k8s.io/v1 ClusterRoleBinding: grants a ClusterRole across the cluster. */
import type { KindDef } from '../types.ts';
import {
  bindingColumns,
  defaultBinding,
  validateBinding,
  validateBindingUpdate,
  validateRBACName,
} from './policy.ts';

export const clusterRoleBinding: KindDef = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRoleBinding',
  listKind: 'ClusterRoleBindingList',
  resource: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  schema: 'io.k8s.api.rbac.v1.ClusterRoleBinding',
  strategy: {
    defaults: defaultBinding,
    validate: (o) => [...validateRBACName(o), ...validateBinding(o, false, ['ClusterRole'])],
    validateUpdate: validateBindingUpdate,
  },
  columns: bindingColumns('clusterRoleBinding'),
};
