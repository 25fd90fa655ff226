/**
 * The default RBAC policy every cluster starts with, under the names Kubernetes users know:
 * cluster-admin (bound to system:masters), the user-facing admin/edit/view roles (aggregated from
 * the system:aggregate-to-* roles by label, so CRDs can extend them the same way), system:basic-user,
 * system:discovery, system:public-info-viewer (bound to every authenticated, and for public info also
 * unauthenticated, user), system:monitoring and system:node. `ensureBootstrapPolicy` creates what is
 * missing at start; it never overwrites objects an administrator changed.
 */
import { StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import type { Api } from '../api.ts';
import { groupAuthenticated, groupMasters, groupUnauthenticated } from '../authn/user.ts';
import { systemContext } from '../registry/context.ts';
import { ruleToJson, type PolicyRule } from './rules.ts';

export const rbacGroup = 'rbac.authorization.k8s.io';
/** Labels that feed the aggregated user-facing roles. */
export const aggregateToAdmin = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const aggregateToEdit = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const aggregateToView = 'rbac.authorization.k8s.io/aggregate-to-view';

const bootstrapLabels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const autoupdate = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];

function rule(
  verbs: string[],
  apiGroups: string[],
  resources: string[],
  resourceNames: string[] = [],
): PolicyRule {
  return { verbs, apiGroups, resources, resourceNames, nonResourceURLs: [] };
}

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs, apiGroups: [], resources: [], resourceNames: [], nonResourceURLs };
}

function clusterRole(
  name: string,
  rules: PolicyRule[],
  extra: { labels?: Record<string, string>; aggregate?: string } = {},
): KubeObject {
  const obj: KubeObject = {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...bootstrapLabels, ...extra.labels }, annotations: { ...autoupdate } },
    rules: rules.map(ruleToJson),
  };
  if (extra.aggregate)
    obj.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [extra.aggregate]: 'true' } }] };
  return obj;
}

function clusterRoleBinding(name: string, role: string, groups: string[]): KubeObject {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...bootstrapLabels }, annotations: { ...autoupdate } },
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role },
    subjects: groups.map((g) => ({ apiGroup: rbacGroup, kind: 'Group', name: g })),
  };
}

/** What view grants: read access to the common namespaced workload objects, never secrets. */
function viewRules(): PolicyRule[] {
  return [
    rule(
      read,
      [''],
      [
        'pods',
        'pods/log',
        'pods/status',
        'configmaps',
        'endpoints',
        'persistentvolumeclaims',
        'persistentvolumeclaims/status',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'replicationcontrollers/status',
        'serviceaccounts',
        'services',
        'services/status',
        'bindings',
        'events',
        'limitranges',
        'resourcequotas',
        'resourcequotas/status',
        'namespaces/status',
      ],
    ),
    rule(read, [''], ['namespaces']),
    rule(read, ['discovery.k8s.io'], ['endpointslices']),
    rule(
      read,
      ['apps'],
      [
        'controllerrevisions',
        'daemonsets',
        'daemonsets/status',
        'deployments',
        'deployments/scale',
        'deployments/status',
        'replicasets',
        'replicasets/scale',
        'replicasets/status',
        'statefulsets',
        'statefulsets/scale',
        'statefulsets/status',
      ],
    ),
    rule(read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
    rule(read, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
    rule(read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
    rule(read, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
  ];
}

/** What edit adds to view: changing workloads and reading/writing secrets, but no RBAC. */
function editRules(): PolicyRule[] {
  return [
    rule(['impersonate'], [''], ['serviceaccounts']),
    rule(write, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
    rule(['create'], [''], ['pods/eviction']),
    rule([...write, ...read], [''], ['secrets']),
    rule(read, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
    rule(
      write,
      [''],
      [
        'configmaps',
        'events',
        'persistentvolumeclaims',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'serviceaccounts',
        'services',
        'services/proxy',
        'endpoints',
      ],
    ),
    rule(['create'], [''], ['serviceaccounts/token']),
    rule(
      write,
      ['apps'],
      [
        'daemonsets',
        'deployments',
        'deployments/rollback',
        'deployments/scale',
        'replicasets',
        'replicasets/scale',
        'statefulsets',
        'statefulsets/scale',
      ],
    ),
    rule(write, ['autoscaling'], ['horizontalpodautoscalers']),
    rule(write, ['batch'], ['cronjobs', 'jobs']),
    rule(write, ['policy'], ['poddisruptionbudgets']),
    rule(write, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
    rule(write, ['discovery.k8s.io'], ['endpointslices']),
    rule(
      ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      ['coordination.k8s.io'],
      ['leases'],
    ),
  ];
}

/** What admin adds to edit: roles and bindings within the namespace, and access reviews there. */
function adminRules(): PolicyRule[] {
  return [
    rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
    rule([...write, ...read], [rbacGroup], ['rolebindings', 'roles']),
  ];
}

/** The static rules of system:node. The node authorizer narrows them to the node's own objects. */
export function nodeRules(): PolicyRule[] {
  return [
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
    rule(read, [''], ['services', 'endpoints']),
    rule(['create', 'get', 'list', 'watch', 'update', 'patch'], [''], ['nodes']),
    rule(['update', 'patch'], [''], ['nodes/status']),
    rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']),
    rule([...read, 'delete'], [''], ['pods']),
    rule(['update', 'patch'], [''], ['pods/status']),
    rule(['create'], [''], ['pods/eviction']),
    rule(read, ['discovery.k8s.io'], ['endpointslices']),
    rule(['get', 'create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
    rule(['create'], [''], ['serviceaccounts/token']),
    rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
    rule(read, ['node.k8s.io'], ['runtimeclasses']),
  ];
}

const discoveryURLs = [
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/healthz',
  '/livez',
  '/readyz',
  '/openapi',
  '/openapi/*',
  '/version',
  '/version/',
];
const publicInfoURLs = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

/** The default ClusterRoles, in creation order. */
export function bootstrapClusterRoles(): KubeObject[] {
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    clusterRole('admin', [], { aggregate: aggregateToAdmin }),
    clusterRole('edit', [], { labels: { [aggregateToAdmin]: 'true' }, aggregate: aggregateToEdit }),
    clusterRole('view', [], { labels: { [aggregateToEdit]: 'true' }, aggregate: aggregateToView }),
    clusterRole('system:aggregate-to-admin', adminRules(), { labels: { [aggregateToAdmin]: 'true' } }),
    clusterRole('system:aggregate-to-edit', editRules(), { labels: { [aggregateToEdit]: 'true' } }),
    clusterRole('system:aggregate-to-view', viewRules(), { labels: { [aggregateToView]: 'true' } }),
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    clusterRole('system:discovery', [urls(['get'], discoveryURLs)]),
    clusterRole('system:public-info-viewer', [urls(['get'], publicInfoURLs)]),
    clusterRole('system:monitoring', [
      urls(
        ['get'],
        ['/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*'],
      ),
    ]),
    clusterRole('system:node', nodeRules()),
  ];
}

/** The default ClusterRoleBindings. system:node binds nobody: nodes get their rules from the node authorizer. */
export function bootstrapClusterRoleBindings(): KubeObject[] {
  return [
    clusterRoleBinding('cluster-admin', 'cluster-admin', [groupMasters]),
    clusterRoleBinding('system:basic-user', 'system:basic-user', [groupAuthenticated]),
    clusterRoleBinding('system:discovery', 'system:discovery', [groupAuthenticated]),
    clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [
      groupAuthenticated,
      groupUnauthenticated,
    ]),
    clusterRoleBinding('system:monitoring', 'system:monitoring', ['system:monitoring']),
    clusterRoleBinding('system:node', 'system:node', []),
  ];
}

/** Creates each default ClusterRole and ClusterRoleBinding that does not exist yet. */
export async function ensureBootstrapPolicy(api: Api): Promise<void> {
  const ensure = async (resource: string, obj: KubeObject): Promise<void> => {
    const rs = api.resource(rbacGroup, resource);
    try {
      await rs.get('', obj.metadata.name!);
      return;
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
    try {
      await rs.create('', obj, systemContext());
    } catch (err) {
      // Another API server on the same datastore may have created it meanwhile.
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  };
  for (const r of bootstrapClusterRoles()) await ensure('clusterroles', r);
  for (const b of bootstrapClusterRoleBindings()) await ensure('clusterrolebindings', b);
}
