/** rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding. */
import type { GroupModule } from '../types.ts';
import { clusterRole } from './clusterrole.ts';
import { clusterRoleBinding } from './clusterrolebinding.ts';
import { definitions } from './definitions.ts';
import { isValidPathSegmentName } from './policy.ts';
import { role } from './role.ts';
import { roleBinding } from './rolebinding.ts';

export const module: GroupModule = {
  kinds: [role, clusterRole, roleBinding, clusterRoleBinding],
  definitions,
};

/**
 * Name rules that replace the generic DNS-1123 subdomain rule, by resource (RBAC names such as
 * "system:node" are path segments); applied to the kinds below through KindDef.nameRule.
 */
export const nameRules: Record<string, (name: string) => string[]> = {
  roles: isValidPathSegmentName,
  clusterroles: isValidPathSegmentName,
  rolebindings: isValidPathSegmentName,
  clusterrolebindings: isValidPathSegmentName,
};

for (const k of module.kinds) k.nameRule = nameRules[k.resource];
