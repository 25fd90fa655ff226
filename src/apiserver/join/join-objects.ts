/**
 * What a cluster needs so nodes can join with a bootstrap token, created at start when missing:
 * - kube-public/cluster-info, a ConfigMap whose `kubeconfig` names the API server and embeds the
 *   cluster CA (what kubeadm publishes). Joining agents read it and check the CA against the
 *   --ca-cert-hash pin. It is rewritten when the CA or the address changes.
 * - a Role/RoleBinding letting every authenticated user (bootstrap-token users included; Berth has no
 *   anonymous access) read that one ConfigMap, as Kubernetes lets anyone read it;
 * - the system:node-bootstrapper ClusterRole (create and read CertificateSigningRequests) bound to
 *   group system:bootstrappers, so a bootstrap token can ask for a node certificate and nothing else.
 */
import { stringify } from 'yaml';
import { StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import type { Api } from '../api.ts';
import { groupAuthenticated } from '../authn/user.ts';
import { groupBootstrappers } from '../authn/bootstrap-token.ts';
import { systemContext } from '../registry/context.ts';

export const clusterInfoNamespace = 'kube-public';
export const clusterInfoName = 'cluster-info';

const rbac = 'rbac.authorization.k8s.io';
const labels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

/** The kubeconfig text cluster-info carries: one cluster, no users. */
export function clusterInfoKubeconfig(server: string, caCertPem: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: '',
        cluster: { 'certificate-authority-data': Buffer.from(caCertPem).toString('base64'), server },
      },
    ],
    contexts: [],
    'current-context': '',
    preferences: {},
    users: [],
  });
}

/** The objects `ensureJoinObjects` keeps, as [group, resource, namespace, object]. */
export function joinObjects(server: string, caCertPem: string): [string, string, string, KubeObject][] {
  const group = (name: string) => ({ apiGroup: rbac, kind: 'Group', name });
  return [
    [
      '',
      'configmaps',
      clusterInfoNamespace,
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: clusterInfoName, namespace: clusterInfoNamespace },
        data: { kubeconfig: clusterInfoKubeconfig(server, caCertPem) },
      },
    ],
    [
      rbac,
      'roles',
      clusterInfoNamespace,
      {
        apiVersion: `${rbac}/v1`,
        kind: 'Role',
        metadata: { name: 'berth:cluster-info-reader', namespace: clusterInfoNamespace, labels },
        rules: [
          { apiGroups: [''], resources: ['configmaps'], resourceNames: [clusterInfoName], verbs: ['get'] },
        ],
      },
    ],
    [
      rbac,
      'rolebindings',
      clusterInfoNamespace,
      {
        apiVersion: `${rbac}/v1`,
        kind: 'RoleBinding',
        metadata: { name: 'berth:cluster-info-reader', namespace: clusterInfoNamespace, labels },
        roleRef: { apiGroup: rbac, kind: 'Role', name: 'berth:cluster-info-reader' },
        subjects: [group(groupAuthenticated)],
      },
    ],
    [
      rbac,
      'clusterroles',
      '',
      {
        apiVersion: `${rbac}/v1`,
        kind: 'ClusterRole',
        metadata: { name: 'system:node-bootstrapper', labels },
        rules: [
          {
            apiGroups: ['certificates.k8s.io'],
            resources: ['certificatesigningrequests'],
            verbs: ['create', 'get', 'list', 'watch'],
          },
        ],
      },
    ],
    [
      rbac,
      'clusterrolebindings',
      '',
      {
        apiVersion: `${rbac}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'berth:node-bootstrapper', labels },
        roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'system:node-bootstrapper' },
        subjects: [group(groupBootstrappers)],
      },
    ],
  ];
}

/**
 * Creates the join objects that are missing; rewrites cluster-info when its kubeconfig differs
 * (new address or CA). RBAC objects an administrator changed are left alone.
 */
export async function ensureJoinObjects(api: Api, server: string, caCertPem: string): Promise<void> {
  for (const [group, resource, ns, obj] of joinObjects(server, caCertPem)) {
    const rs = api.resource(group, resource);
    let cur: KubeObject | undefined;
    try {
      cur = await rs.get(ns, obj.metadata.name!);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
    try {
      if (!cur) await rs.create(ns, obj, systemContext());
      else if (resource === 'configmaps' && JSON.stringify(cur.data) !== JSON.stringify(obj.data))
        await rs.update(ns, obj.metadata.name!, { ...cur, data: obj.data }, systemContext());
    } catch (err) {
      // Another API server on the same datastore may have written it meanwhile.
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  }
}
