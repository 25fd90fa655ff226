/**
 * Authorization: may this user do this verb on this resource (or path)? The interface is Kubernetes'
 * (attributes in, allow/deny with a reason out); the cluster chains several (`unionAuthorizer`):
 * system:masters, the node authorizer, then RBAC (rbac.ts). `BootstrapAuthorizer` is the fixed
 * fallback used when no RBAC is wired: masters, discovery and self-reviews only.
 */
import type { UserInfo } from '../authn/user.ts';
import { groupAuthenticated, groupMasters } from '../authn/user.ts';
import type { PolicyRule } from './rules.ts';

export interface Attributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  /** For resource requests. */
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** For non-resource requests. */
  path?: string;
}

export interface Decision {
  allowed: boolean;
  reason?: string;
}

export interface Authorizer {
  authorize(a: Attributes): Promise<Decision> | Decision;
  /**
   * The rules this authorizer grants the user in `namespace` ('' for cluster-wide rules only), for
   * SelfSubjectRulesReview. Authorizers that cannot list rules leave it out.
   */
  rulesFor?(user: UserInfo, namespace: string): PolicyRule[];
}

/** Every permission: what system:masters holds. */
export const superuserRules: readonly PolicyRule[] = Object.freeze([
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] },
  { verbs: ['*'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: ['*'] },
]);

/** system:masters may do anything, whatever RBAC objects say (so a broken policy cannot lock admins out). */
export const mastersAuthorizer: Authorizer = {
  authorize: (a) =>
    a.user.groups.includes(groupMasters) ? { allowed: true, reason: 'system:masters' } : { allowed: false },
  rulesFor: (user) => (user.groups.includes(groupMasters) ? [...superuserRules] : []),
};

/** Asks each authorizer in turn; the first that allows decides. Rules are the union of all. */
export function unionAuthorizer(list: readonly Authorizer[]): Authorizer {
  async function settleRest(first: Promise<Decision>, at: number, a: Attributes): Promise<Decision> {
    const d = await first;
    if (d.allowed) return d;
    for (let i = at + 1; i < list.length; i++) {
      const next = await list[i].authorize(a);
      if (next.allowed) return next;
    }
    return { allowed: false };
  }
  return {
    // Synchronous while every authorizer asked answers synchronously (masters, RBAC): a request
    // then pays no promise round trips for its decision.
    authorize(a) {
      for (let i = 0; i < list.length; i++) {
        const d = list[i].authorize(a);
        if (d instanceof Promise) return settleRest(d, i, a);
        if (d.allowed) return d;
      }
      return { allowed: false };
    },
    rulesFor(user, namespace) {
      return list.flatMap((z) => z.rulesFor?.(user, namespace) ?? []);
    },
  };
}

const publicPaths = ['/api', '/apis', '/version', '/healthz', '/livez', '/readyz', '/openapi'];

function isDiscoveryPath(path: string): boolean {
  return publicPaths.some((p) => path === p || path.startsWith(p + '/'));
}

/** Rules every cluster has before RBAC: superusers, discovery, self-reviews. */
export class BootstrapAuthorizer implements Authorizer {
  authorize(a: Attributes): Decision {
    if (a.user.groups.includes(groupMasters)) return { allowed: true, reason: 'system:masters' };
    if (!a.user.groups.includes(groupAuthenticated)) return { allowed: false };
    if (!a.isResourceRequest && a.verb === 'get' && a.path && isDiscoveryPath(a.path)) {
      return { allowed: true, reason: 'discovery' };
    }
    if (
      a.isResourceRequest &&
      a.verb === 'create' &&
      ((a.group === 'authorization.k8s.io' &&
        (a.resource === 'selfsubjectaccessreviews' || a.resource === 'selfsubjectrulesreviews')) ||
        (a.group === 'authentication.k8s.io' && a.resource === 'selfsubjectreviews'))
    ) {
      return { allowed: true, reason: 'self review' };
    }
    return { allowed: false };
  }

  rulesFor(user: UserInfo): PolicyRule[] {
    if (user.groups.includes(groupMasters)) return [...superuserRules];
    if (!user.groups.includes(groupAuthenticated)) return [];
    const rule = (
      verbs: string[],
      apiGroups: string[],
      resources: string[],
      nonResourceURLs: string[] = [],
    ): PolicyRule => ({
      verbs,
      apiGroups,
      resources,
      resourceNames: [],
      nonResourceURLs,
    });
    return [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
      rule(
        ['get'],
        [],
        [],
        publicPaths.flatMap((p) => [p, p + '/*']),
      ),
    ];
  }
}

/** Kubernetes' wording for a denied request. */
export function forbiddenMessage(a: Attributes): string {
  const who = `User "${a.user.name}"`;
  if (!a.isResourceRequest) return `forbidden: ${who} cannot ${a.verb} path "${a.path}"`;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const subject = a.name
    ? `${a.resource}${a.group ? '.' + a.group : ''} "${a.name}"`
    : `${a.resource}${a.group ? '.' + a.group : ''}`;
  return `${subject} is forbidden: ${who} cannot ${a.verb} resource "${res}" in API group "${a.group ?? ''}" ${scope}`;
}
