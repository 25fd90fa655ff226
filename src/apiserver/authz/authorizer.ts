/**
 * Authorization: may this user do this verb on this resource (or path)? The interface is Kubernetes'
 * (attributes in, allow/deny with a reason out) so RBAC can slot in beside the rules here. For now:
 * system:masters may do everything; every authenticated user may read discovery, version, health
 * and OpenAPI (as system:discovery and system:public-info-viewer allow) and review its own access;
 * everything else is denied.
 */
import type { UserInfo } from '../authn/user.ts';
import { groupAuthenticated, groupMasters } from '../authn/user.ts';

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
      ((a.group === 'authorization.k8s.io' && (a.resource === 'selfsubjectaccessreviews' || a.resource === 'selfsubjectrulesreviews')) ||
        (a.group === 'authentication.k8s.io' && a.resource === 'selfsubjectreviews'))
    ) {
      return { allowed: true, reason: 'self review' };
    }
    return { allowed: false };
  }
}

/** Kubernetes' wording for a denied request. */
export function forbiddenMessage(a: Attributes): string {
  const who = `User "${a.user.name}"`;
  if (!a.isResourceRequest) return `forbidden: ${who} cannot ${a.verb} path "${a.path}"`;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const subject = a.name ? `${a.resource}${a.group ? '.' + a.group : ''} "${a.name}"` : `${a.resource}${a.group ? '.' + a.group : ''}`;
  return `${subject} is forbidden: ${who} cannot ${a.verb} resource "${res}" in API group "${a.group ?? ''}" ${scope}`;
}
