/**
 * The cluster's authorization chain, as the API server uses it: system:masters first (so a broken
 * policy never locks administrators out), then the node authorizer, then RBAC. The RBAC authorizer
 * is returned too, for escalation checks.
 */
import { mastersAuthorizer, unionAuthorizer, type Authorizer } from './authorizer.ts';
import { NodeAuthorizer } from './node-authorizer.ts';
import { RBACAuthorizer, type CacheSource } from './rbac.ts';

export interface ClusterAuthorization {
  authorizer: Authorizer;
  rbac: RBACAuthorizer;
  node: NodeAuthorizer;
}

/** `source` is called per use, so this can be built before the API whose caches it reads. */
export function clusterAuthorization(source: () => CacheSource): ClusterAuthorization {
  const rbac = new RBACAuthorizer(source);
  const node = new NodeAuthorizer(source);
  return { authorizer: unionAuthorizer([mastersAuthorizer, node, rbac]), rbac, node };
}
