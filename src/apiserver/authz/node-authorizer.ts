/**
 * The node authorizer: what a node agent (user `system:node:NAME` in group `system:nodes`) may do,
 * limited to its own objects — its Node (and status), its Lease in kube-node-lease, the pods bound to
 * it (spec.nodeName, read from the pods watch cache) and their status, plus writing events. Other
 * requests are checked against the static system:node rules. Users that are not nodes get no
 * opinion (not allowed here; RBAC may still allow).
 *
 * Attributes carry no field selector, so list/watch of nodes and pods (which node agents scope with
 * `metadata.name=` / `spec.nodeName=` selectors) cannot be narrowed and are allowed.
 */
import type { UserInfo } from '../authn/user.ts';
import { objectKey } from '../registry/keys.ts';
import type { Attributes, Authorizer, Decision } from './authorizer.ts';
import { nodeRules } from './bootstrap-policy.ts';
import type { CacheSource } from './rbac.ts';
import { rulesAllow } from './rules.ts';

export const groupNodes = 'system:nodes';
export const nodeUserPrefix = 'system:node:';
export const nodeLeaseNamespace = 'kube-node-lease';

/** The node name of a node agent's identity, or undefined for any other user. */
export function nodeNameOf(user: UserInfo): string | undefined {
  if (!user.name.startsWith(nodeUserPrefix) || !user.groups.includes(groupNodes)) return undefined;
  const name = user.name.slice(nodeUserPrefix.length);
  return name || undefined;
}

const no: Decision = { allowed: false };

function yes(reason: string): Decision {
  return { allowed: true, reason };
}

export class NodeAuthorizer implements Authorizer {
  private readonly source: () => CacheSource;
  private readonly staticRules = nodeRules();

  constructor(source: () => CacheSource) {
    this.source = source;
  }

  authorize(a: Attributes): Decision {
    const node = nodeNameOf(a.user);
    if (!node || !a.isResourceRequest) return no;
    const group = a.group ?? '';
    const resource = a.resource ?? '';
    if (group === '' && resource === 'nodes') return this.nodes(a, node);
    if (group === 'coordination.k8s.io' && resource === 'leases') return this.lease(a, node);
    if (group === '' && resource === 'pods') return this.pods(a, node);
    if (resource === 'events' && (group === '' || group === 'events.k8s.io')) {
      return ['create', 'update', 'patch'].includes(a.verb) && !a.subresource
        ? yes('node writes events')
        : no;
    }
    return rulesAllow(a, this.staticRules) ? yes(`node "${node}" by the system:node rules`) : no;
  }

  private nodes(a: Attributes, node: string): Decision {
    const sub = a.subresource ?? '';
    const name = a.name ?? '';
    if (sub === '' && (a.verb === 'list' || a.verb === 'watch') && !name) return yes('node lists nodes');
    if (sub === '' && a.verb === 'create') return !name || name === node ? yes('node registers itself') : no;
    if (name !== node) return no;
    if (sub === '' && ['get', 'list', 'watch', 'update', 'patch'].includes(a.verb)) return yes('own node');
    if (sub === 'status' && ['get', 'update', 'patch'].includes(a.verb)) return yes('own node status');
    return no;
  }

  private lease(a: Attributes, node: string): Decision {
    if (a.namespace !== nodeLeaseNamespace || a.subresource) return no;
    if (a.verb === 'create' && !a.name) return yes('node creates its lease');
    if (a.name !== node) return no;
    return ['get', 'create', 'update', 'patch', 'delete'].includes(a.verb) ? yes('own node lease') : no;
  }

  private pods(a: Attributes, node: string): Decision {
    const sub = a.subresource ?? '';
    if (sub === '' && (a.verb === 'list' || a.verb === 'watch') && !a.name) return yes('node lists pods');
    const allowed =
      (sub === '' && ['get', 'watch', 'delete'].includes(a.verb)) ||
      (sub === 'status' && ['get', 'update', 'patch'].includes(a.verb)) ||
      (sub === 'eviction' && a.verb === 'create');
    if (!allowed || !a.name || !a.namespace) return no;
    const pod = this.source()
      .cacheFor('', 'pods')
      .get(objectKey('', 'pods', a.namespace, a.name));
    const spec = pod?.obj.spec as { nodeName?: unknown } | undefined;
    return spec?.nodeName === node ? yes(`pod bound to node "${node}"`) : no;
  }
}
