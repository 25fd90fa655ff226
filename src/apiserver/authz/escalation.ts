/**
 * RBAC escalation prevention, as an admission plugin. Writing RBAC objects must never hand out more
 * than the writer holds:
 * - creating or changing the rules of a Role/ClusterRole needs every permission in them, unless the
 *   writer may `escalate` roles/clusterroles; setting an aggregationRule (which can gather anything)
 *   needs every permission there is;
 * - creating or updating a RoleBinding/ClusterRoleBinding needs every permission of the referenced
 *   role (in the binding's namespace), unless the writer may `bind` that role.
 * system:masters skip the checks. "Holds" means granted by RBAC (the rule resolver), as in Kubernetes.
 */
import { isDeepStrictEqual } from 'node:util';
import { forbidden, notFound, qualifiedResource } from '../../api/errors.ts';
import { isObject, type KubeObject } from '../../api/object.ts';
import type { AdmissionAttributes, AdmissionPlugin } from '../admission/types.ts';
import { groupMasters, type UserInfo } from '../authn/user.ts';
import type { Authorizer } from './authorizer.ts';
import { rbacGroup } from './bootstrap-policy.ts';
import { formatPermission, uncovered } from './coverage.ts';
import type { RBACAuthorizer } from './rbac.ts';
import { rulesOf, type PolicyRule } from './rules.ts';

const everything: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] },
  { verbs: ['*'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: ['*'] },
];

function objectName(a: AdmissionAttributes): string {
  return a.name || a.obj?.metadata.name || a.obj?.metadata.generateName || '';
}

function notHeld(a: AdmissionAttributes, user: UserInfo, missing: string[]): Error {
  return forbidden(
    `${qualifiedResource(a.kind.resource, rbacGroup)} "${objectName(a)}" is forbidden: user "${user.name}" ` +
      `(groups=${JSON.stringify(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.join('\n')}`,
  );
}

/** The admission plugin; `rbac` resolves what the writer holds, `authorizer` answers escalate/bind. */
export function rbacEscalation(rbac: RBACAuthorizer, authorizer: Authorizer): AdmissionPlugin {
  const may = async (
    user: UserInfo,
    verb: string,
    resource: string,
    namespace: string,
    name: string,
  ): Promise<boolean> => {
    const d = await authorizer.authorize({
      user,
      verb,
      isResourceRequest: true,
      group: rbacGroup,
      resource,
      namespace,
      name,
    });
    return d.allowed;
  };
  const check = (a: AdmissionAttributes, user: UserInfo, namespace: string, wanted: PolicyRule[]): void => {
    const missing = uncovered(rbac.rulesFor(user, namespace), wanted);
    if (missing.length) throw notHeld(a, user, missing.map(formatPermission));
  };

  const roles = async (a: AdmissionAttributes, obj: KubeObject, user: UserInfo): Promise<void> => {
    const rules = rulesOf(obj);
    const old = a.old;
    const sameRules = !!old && isDeepStrictEqual(rules, rulesOf(old));
    const sameAggregation =
      !!old && isDeepStrictEqual(obj.aggregationRule ?? null, old.aggregationRule ?? null);
    if (sameRules && sameAggregation) return;
    if (await may(user, 'escalate', a.kind.resource, a.namespace, objectName(a))) return;
    const namespace = a.kind.resource === 'roles' ? a.namespace : '';
    if (!sameRules) check(a, user, namespace, rules);
    if (a.kind.resource === 'clusterroles' && obj.aggregationRule != null && !sameAggregation) {
      const missing = uncovered(rbac.rulesFor(user, ''), everything);
      if (missing.length) {
        throw forbidden(
          `${qualifiedResource('clusterroles', rbacGroup)} "${objectName(a)}" is forbidden: user "${user.name}" ` +
            'must hold every permission (cluster-admin) to set an aggregationRule',
        );
      }
    }
  };

  const bindings = async (a: AdmissionAttributes, obj: KubeObject, user: UserInfo): Promise<void> => {
    const ref = isObject(obj.roleRef) ? obj.roleRef : {};
    const kind = String(ref.kind ?? '');
    const name = String(ref.name ?? '');
    const resource = kind === 'Role' ? 'roles' : 'clusterroles';
    if (await may(user, 'bind', resource, a.namespace, name)) return;
    const rules = rbac.roleRules(kind, a.namespace, name);
    if (!rules) throw notFound(resource, rbacGroup, name);
    check(a, user, a.namespace, rules);
  };

  return {
    name: 'RBACEscalation',
    async admit(a) {
      if (a.kind.group !== rbacGroup || a.subresource || !a.obj) return;
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
      const user = a.ctx.user;
      if (user.groups.includes(groupMasters)) return;
      if (a.kind.resource === 'roles' || a.kind.resource === 'clusterroles') await roles(a, a.obj, user);
      else if (a.kind.resource === 'rolebindings' || a.kind.resource === 'clusterrolebindings')
        await bindings(a, a.obj, user);
    },
  };
}
