/**
 * The node authorizer: what a node agent (user `system:node:NAME` in group `system:nodes`) may do,
 * limited to what its pods need:
 * - nodes: read any (agents look up peers); create, update, patch its own Node and its status;
 * - its own Lease in kube-node-lease;
 * - pods: read (get/list/watch); create (mirror pods: NodeRestriction admission checks they are
 *   bound to this node); delete, evict and update the status of pods bound to it;
 * - Secrets, ConfigMaps and PersistentVolumeClaims a pod bound to it references, and the
 *   PersistentVolumes bound to those claims (get only);
 * - the service account of a pod bound to it (get, and create of its TokenRequests), and the
 *   imagePullSecrets that service account names;
 * - its own EndpointSlice behind kube-system/kube-dns (the DNS server its agent runs);
 * - events, services, endpoints(lices), network policies, namespaces, CSRs and reviews through the
 *   static system:node rules (the agent hosts the service proxy and NetworkPolicy enforcement).
 * Bindings are read from the API's watch caches (spec.nodeName of pods). Users that are not nodes get
 * no opinion here (RBAC may still allow them).
 *
 * Attributes carry no field selector, so list/watch of nodes and pods (which agents scope with
 * `metadata.name=` / `spec.nodeName=` selectors) cannot be narrowed and are allowed, while list/watch
 * of Secrets and ConfigMaps is refused (a node reads those one by one with get).
 */
import type { KubeObject } from '../../api/object.ts';
import type { UserInfo } from '../authn/user.ts';
import { namespacePrefix, objectKey, resourcePrefix } from '../registry/keys.ts';
import type { Attributes, Authorizer, Decision } from './authorizer.ts';
import { kubeDnsNamespace, kubeDnsSliceName } from '../../dns/kube-dns.ts';
import { nodeRules } from './bootstrap-policy.ts';
import { podReferences } from './pod-references.ts';
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
const read = ['get', 'list', 'watch'];

function yes(reason: string): Decision {
  return { allowed: true, reason };
}

type RefKind = 'secrets' | 'configMaps' | 'persistentVolumeClaims';

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
    const sub = a.subresource ?? '';
    if (group === '' && resource === 'nodes') return this.nodes(a, node);
    if (group === 'coordination.k8s.io' && resource === 'leases') return this.lease(a, node);
    if (group === '' && resource === 'pods') return this.pods(a, node);
    if (group === '' && resource === 'secrets' && !sub) return this.referenced(a, node, 'secrets');
    if (group === '' && resource === 'configmaps' && !sub) return this.referenced(a, node, 'configMaps');
    if (group === '' && resource === 'persistentvolumeclaims' && !sub)
      return this.referenced(a, node, 'persistentVolumeClaims');
    if (group === '' && resource === 'persistentvolumes' && !sub) return this.volume(a, node);
    if (group === '' && resource === 'serviceaccounts' && sub === 'token') return this.token(a, node);
    if (group === '' && resource === 'serviceaccounts' && !sub && a.verb === 'get')
      return this.serviceAccount(a, node);
    if (group === 'discovery.k8s.io' && resource === 'endpointslices' && !read.includes(a.verb))
      return this.dnsSlice(a, node);
    if (resource === 'events' && (group === '' || group === 'events.k8s.io')) {
      return ['create', 'update', 'patch'].includes(a.verb) && !sub ? yes('node writes events') : no;
    }
    return rulesAllow(a, this.staticRules) ? yes(`node "${node}" by the system:node rules`) : no;
  }

  private nodes(a: Attributes, node: string): Decision {
    const sub = a.subresource ?? '';
    const name = a.name ?? '';
    if (sub === '' && read.includes(a.verb)) return yes('node reads nodes');
    if (sub === '' && a.verb === 'create') return !name || name === node ? yes('node registers itself') : no;
    if (name !== node) return no;
    if (sub === '' && ['update', 'patch'].includes(a.verb)) return yes('own node');
    if (sub === 'status' && ['get', 'update', 'patch'].includes(a.verb)) return yes('own node status');
    return no;
  }

  /**
   * Writes to the EndpointSlice its DNS server publishes behind kube-dns (kube-system/kube-dns-NODE;
   * create carries no name here, NodeRestriction admission checks it).
   */
  private dnsSlice(a: Attributes, node: string): Decision {
    if (a.namespace !== kubeDnsNamespace || a.subresource) return no;
    if (a.verb === 'create' && !a.name) return yes('node publishes its DNS endpoint');
    if (a.name !== kubeDnsSliceName(node)) return no;
    return ['create', 'update', 'patch', 'delete'].includes(a.verb) ? yes('own kube-dns EndpointSlice') : no;
  }

  private lease(a: Attributes, node: string): Decision {
    if (a.namespace !== nodeLeaseNamespace || a.subresource) return no;
    if (a.verb === 'create' && !a.name) return yes('node creates its lease');
    if (a.name !== node) return no;
    return ['get', 'create', 'update', 'patch', 'delete'].includes(a.verb) ? yes('own node lease') : no;
  }

  private pods(a: Attributes, node: string): Decision {
    const sub = a.subresource ?? '';
    if (sub === '' && read.includes(a.verb)) return yes('node reads pods');
    // Mirror pods: NodeRestriction admission checks the pod is bound to this node.
    if (sub === '' && a.verb === 'create') return yes('node creates mirror pods');
    const allowed =
      (sub === '' && a.verb === 'delete') ||
      (sub === 'status' && ['get', 'update', 'patch'].includes(a.verb)) ||
      (sub === 'eviction' && a.verb === 'create');
    if (!allowed || !a.name || !a.namespace) return no;
    const pod = this.pod(a.namespace, a.name);
    return pod && boundTo(pod, node) ? yes(`pod bound to node "${node}"`) : no;
  }

  /** get of a Secret/ConfigMap/PVC that some pod bound to this node references. */
  private referenced(a: Attributes, node: string, kind: RefKind): Decision {
    if (a.verb !== 'get' || !a.name || !a.namespace) return no;
    const name = a.name;
    const pods = this.podsOn(node, a.namespace);
    if (pods.some((p) => podReferences(p)[kind].has(name)))
      return yes(`referenced by a pod bound to node "${node}"`);
    if (kind === 'secrets' && this.serviceAccountPullSecret(pods, a.namespace, name))
      return yes(`an imagePullSecret of the service account of a pod bound to node "${node}"`);
    return no;
  }

  /** Whether `name` is an imagePullSecret of the service account of one of `pods`. */
  private serviceAccountPullSecret(pods: KubeObject[], namespace: string, name: string): boolean {
    const sas = this.source().cacheFor('', 'serviceaccounts');
    const names = new Set(pods.map((p) => podReferences(p).serviceAccount));
    for (const sa of names) {
      const obj = sas.get(objectKey('', 'serviceaccounts', namespace, sa))?.obj as
        { imagePullSecrets?: unknown } | undefined;
      const refs = Array.isArray(obj?.imagePullSecrets) ? (obj.imagePullSecrets as unknown[]) : [];
      if (refs.some((r) => (r as { name?: unknown } | null)?.name === name)) return true;
    }
    return false;
  }

  /** get of a PersistentVolume bound to a claim some pod on this node uses. */
  private volume(a: Attributes, node: string): Decision {
    if (a.verb !== 'get' || !a.name) return no;
    const pvcs = this.source().cacheFor('', 'persistentvolumeclaims');
    for (const pod of this.podsOn(node)) {
      const ns = pod.metadata.namespace ?? '';
      for (const claim of podReferences(pod).persistentVolumeClaims) {
        const pvc = pvcs.get(objectKey('', 'persistentvolumeclaims', ns, claim))?.obj;
        if ((pvc?.spec as { volumeName?: unknown } | undefined)?.volumeName === a.name)
          return yes(`bound to a claim of a pod on node "${node}"`);
      }
    }
    return no;
  }

  /** create serviceaccounts/token for the service account of a pod bound to this node. */
  private token(a: Attributes, node: string): Decision {
    if (a.verb !== 'create' || !a.name || !a.namespace) return no;
    const found = this.podsOn(node, a.namespace).some((p) => podReferences(p).serviceAccount === a.name);
    return found ? yes(`service account of a pod bound to node "${node}"`) : no;
  }

  /** get of the service account of a pod bound to this node (for its imagePullSecrets). */
  private serviceAccount(a: Attributes, node: string): Decision {
    if (!a.name || !a.namespace) return no;
    const found = this.podsOn(node, a.namespace).some((p) => podReferences(p).serviceAccount === a.name);
    return found ? yes(`service account of a pod bound to node "${node}"`) : no;
  }

  private pod(namespace: string, name: string): KubeObject | undefined {
    return this.source()
      .cacheFor('', 'pods')
      .get(objectKey('', 'pods', namespace, name))?.obj;
  }

  /** Pods bound to `node`, in one namespace or all. A scan of the cache: fine for node-sized answers. */
  private podsOn(node: string, namespace?: string): KubeObject[] {
    const cache = this.source().cacheFor('', 'pods');
    const prefix = namespace ? namespacePrefix('', 'pods', namespace) : resourcePrefix('', 'pods');
    return cache
      .list(prefix)
      .map((c) => c.obj)
      .filter((p) => boundTo(p, node));
  }
}

function boundTo(pod: KubeObject, node: string): boolean {
  return (pod.spec as { nodeName?: unknown } | undefined)?.nodeName === node;
}
