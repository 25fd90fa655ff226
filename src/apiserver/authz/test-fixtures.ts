/** Small RBAC objects for the authz unit tests. */
import type { KubeObject } from '../../api/object.ts';
import type { Api } from '../api.ts';
import { ctx } from '../test-fixtures.ts';

const G = 'rbac.authorization.k8s.io';

export type Rule = {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
};
export type Subject = { kind: 'User' | 'Group' | 'ServiceAccount'; name: string; namespace?: string };

export function role(namespace: string, name: string, rules: Rule[]): KubeObject {
  return { apiVersion: `${G}/v1`, kind: 'Role', metadata: { name, namespace }, rules };
}

export function clusterRole(
  name: string,
  rules: Rule[],
  labels?: Record<string, string>,
  aggregate?: Record<string, string>[],
): KubeObject {
  const o: KubeObject = { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name, labels }, rules };
  if (aggregate) o.aggregationRule = { clusterRoleSelectors: aggregate.map((m) => ({ matchLabels: m })) };
  return o;
}

export function roleBinding(
  namespace: string,
  name: string,
  roleKind: 'Role' | 'ClusterRole',
  roleName: string,
  subjects: Subject[],
): KubeObject {
  return {
    apiVersion: `${G}/v1`,
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: G, kind: roleKind, name: roleName },
    subjects,
  };
}

export function clusterRoleBinding(name: string, roleName: string, subjects: Subject[]): KubeObject {
  return {
    apiVersion: `${G}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: G, kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

/** Creates each object (as the system user) through the generic store. */
export async function createAll(api: Api, objs: KubeObject[]): Promise<void> {
  const resources: Record<string, [string, string]> = {
    Role: [G, 'roles'],
    ClusterRole: [G, 'clusterroles'],
    RoleBinding: [G, 'rolebindings'],
    ClusterRoleBinding: [G, 'clusterrolebindings'],
    Namespace: ['', 'namespaces'],
    Pod: ['', 'pods'],
  };
  for (const o of objs) {
    const [group, resource] = resources[o.kind ?? ''];
    await api.resource(group, resource).create(o.metadata.namespace ?? '', o, ctx());
  }
}
