/**
 * The RBAC authorizer: a request is allowed when some binding that names the user (directly, by
 * group, or as a service account) grants a role with a rule matching it. ClusterRoleBindings apply
 * everywhere; RoleBindings only to requests in their namespace (and only resource requests).
 *
 * Roles and bindings are read from the API's watch caches, so a decision costs no store call; each
 * cached object is parsed once (memoized per cached instance, which the cache replaces on every
 * change, so the memo can never be stale).
 */
import { isObject } from '../../api/object.ts';
import type { UserInfo } from '../authn/user.ts';
import { namespacePrefix, objectKey, resourcePrefix } from '../registry/keys.ts';
import type { CachedObject, WatchCache } from '../watchcache.ts';
import type { Attributes, Authorizer, Decision } from './authorizer.ts';
import { rbacGroup } from './bootstrap-policy.ts';
import { ruleAllows, rulesOf, type PolicyRule } from './rules.ts';

/** Where RBAC reads its objects from: the API's watch caches (an `Api` is one). */
export interface CacheSource {
  cacheFor(group: string, resource: string): WatchCache;
}

/** A binding reduced to what matching needs. */
interface CompiledBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace: string;
  roleKind: string;
  roleName: string;
  users: Set<string>;
  groups: Set<string>;
}

/** Where a rule came from, for decision reasons. */
export interface RuleSource {
  binding: string;
  role: string;
  subject: string;
}

const saPrefix = 'system:serviceaccount:';

function compileBinding(c: CachedObject, kind: CompiledBinding['kind']): CompiledBinding {
  const o = c.obj;
  const namespace = o.metadata.namespace ?? '';
  const ref = isObject(o.roleRef) ? o.roleRef : {};
  const b: CompiledBinding = {
    kind,
    name: o.metadata.name ?? '',
    namespace,
    roleKind: String(ref.kind ?? ''),
    roleName: String(ref.name ?? ''),
    users: new Set(),
    groups: new Set(),
  };
  for (const s of Array.isArray(o.subjects) ? o.subjects : []) {
    if (!isObject(s) || typeof s.name !== 'string') continue;
    if (s.kind === 'User') b.users.add(s.name);
    else if (s.kind === 'Group') b.groups.add(s.name);
    else if (s.kind === 'ServiceAccount') {
      const ns = typeof s.namespace === 'string' && s.namespace ? s.namespace : namespace;
      b.users.add(`${saPrefix}${ns}:${s.name}`);
    }
  }
  return b;
}

/** Which subject of the binding names this user, or undefined. */
function matchingSubject(b: CompiledBinding, user: UserInfo): string | undefined {
  if (b.users.has(user.name)) {
    return user.name.startsWith(saPrefix)
      ? `ServiceAccount "${user.name.slice(saPrefix.length).replace(':', '/')}"`
      : `User "${user.name}"`;
  }
  for (const g of user.groups) if (b.groups.has(g)) return `Group "${g}"`;
  return undefined;
}

export class RBACAuthorizer implements Authorizer {
  private readonly source: () => CacheSource;
  private readonly bindings = new WeakMap<CachedObject, CompiledBinding>();
  private readonly rules = new WeakMap<CachedObject, PolicyRule[]>();

  /** `source` is called per use, so the authorizer can be built before the API it reads. */
  constructor(source: () => CacheSource) {
    this.source = source;
  }

  private cache(resource: string): WatchCache {
    return this.source().cacheFor(rbacGroup, resource);
  }

  private compiled(c: CachedObject, kind: CompiledBinding['kind']): CompiledBinding {
    let b = this.bindings.get(c);
    if (!b) {
      b = compileBinding(c, kind);
      this.bindings.set(c, b);
    }
    return b;
  }

  /** The rules of a Role (with `namespace`) or ClusterRole (namespace ''); undefined when it does not exist. */
  roleRules(kind: string, namespace: string, name: string): PolicyRule[] | undefined {
    const resource = kind === 'Role' ? 'roles' : kind === 'ClusterRole' ? 'clusterroles' : '';
    if (!resource || (resource === 'roles' && !namespace)) return undefined;
    const c = this.cache(resource).get(
      objectKey(rbacGroup, resource, resource === 'roles' ? namespace : '', name),
    );
    if (!c) return undefined;
    let r = this.rules.get(c);
    if (!r) {
      r = rulesOf(c.obj);
      this.rules.set(c, r);
    }
    return r;
  }

  /**
   * Calls `visit` with every rule granted to `user` by ClusterRoleBindings and, when `namespace` is
   * set, by RoleBindings in that namespace. Stops early when `visit` returns true.
   */
  visitRules(
    user: UserInfo,
    namespace: string,
    visit: (rule: PolicyRule, from: RuleSource) => boolean,
  ): void {
    const walk = (list: CachedObject[], kind: CompiledBinding['kind']): boolean => {
      for (const c of list) {
        const b = this.compiled(c, kind);
        const subject = matchingSubject(b, user);
        if (!subject) continue;
        // A ClusterRoleBinding may only reference a ClusterRole.
        if (kind === 'ClusterRoleBinding' && b.roleKind !== 'ClusterRole') continue;
        const rules = this.roleRules(b.roleKind, b.namespace, b.roleName);
        if (!rules) continue;
        const from: RuleSource = {
          binding: `${kind} "${b.name}"${b.namespace ? ` of namespace "${b.namespace}"` : ''}`,
          role: `${b.roleKind} "${b.roleName}"`,
          subject,
        };
        for (const r of rules) if (visit(r, from)) return true;
      }
      return false;
    };
    const crbs = this.cache('clusterrolebindings');
    if (walk(crbs.list(resourcePrefix(rbacGroup, 'clusterrolebindings')), 'ClusterRoleBinding')) return;
    if (!namespace) return;
    walk(
      this.cache('rolebindings').list(namespacePrefix(rbacGroup, 'rolebindings', namespace)),
      'RoleBinding',
    );
  }

  authorize(a: Attributes): Decision {
    let decision: Decision = { allowed: false };
    // Non-resource URLs are cluster-wide: RoleBindings never grant them.
    const namespace = a.isResourceRequest ? (a.namespace ?? '') : '';
    this.visitRules(a.user, namespace, (rule, from) => {
      if (!ruleAllows(a, rule)) return false;
      decision = {
        allowed: true,
        reason: `RBAC: allowed by ${from.binding} of ${from.role} to ${from.subject}`,
      };
      return true;
    });
    return decision;
  }

  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const out: PolicyRule[] = [];
    this.visitRules(user, namespace, (rule) => {
      out.push(rule);
      return false;
    });
    return out;
  }
}
