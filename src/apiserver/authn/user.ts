/**
 * Who a request comes from, as the authenticators establish it and the authorizer (RBAC) and
 * admission read it. Names and groups follow Kubernetes' conventions verbatim, because RBAC
 * bindings written for Kubernetes name them.
 */

/** The authenticated identity of a request. Shared between requests: treat as read-only. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Every authenticated user is in this group. */
export const groupAuthenticated = 'system:authenticated';
/** Requests without credentials are in this group (when anonymous access is on). */
export const groupUnauthenticated = 'system:unauthenticated';
/** Superusers: the default cluster-admin ClusterRoleBinding names this group. */
export const groupMasters = 'system:masters';
/** All service accounts, in every namespace. */
export const groupServiceAccounts = 'system:serviceaccounts';
/** The user name of requests without credentials. */
export const anonymousUserName = 'system:anonymous';

/** The identity given to requests that offer no credentials. */
export function anonymousUser(): UserInfo {
  return { name: anonymousUserName, groups: [groupUnauthenticated] };
}

/** Adds system:authenticated unless present; returns a new list. */
export function withAuthenticatedGroup(groups: readonly string[]): string[] {
  return groups.includes(groupAuthenticated) ? [...groups] : [...groups, groupAuthenticated];
}

/** Freezes a user (and its lists) so one cached instance can be shared by many requests safely. */
export function freezeUser(user: UserInfo): UserInfo {
  Object.freeze(user.groups);
  if (user.extra) {
    for (const values of Object.values(user.extra)) Object.freeze(values);
    Object.freeze(user.extra);
  }
  return Object.freeze(user);
}
