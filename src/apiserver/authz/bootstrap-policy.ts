/**
 * The default RBAC policy every cluster starts with, under the names Kubernetes users know:
 * cluster-admin (bound to system:masters), the user-facing admin/edit/view roles (aggregated from
 * the system:aggregate-to-* roles by label, so CRDs can extend them the same way), system:basic-user,
 * system:discovery, system:public-info-viewer (bound to every authenticated, and for public info also
 * unauthenticated, user), system:monitoring, system:node, and the control plane's own roles
 * (controller-roles.ts: each controller, the controller manager, the scheduler).
 * `ensureBootstrapPolicy` creates what is missing at start and tops up what lacks rules or subjects;
 * it never removes anything, nor touches objects an administrator marked autoupdate=false.
 */
import { StatusError } from '../../api/errors.ts';
import { isObject, type KubeObject } from '../../api/object.ts';
import type { Api } from '../api.ts';
import { groupAuthenticated, groupMasters, groupUnauthenticated } from '../authn/user.ts';
import { systemContext } from '../registry/context.ts';
import {
  componentGrants,
  controllerGrants,
  type ComponentGrant,
  type PolicySubject,
} from './controller-roles.ts';
import { uncovered } from './coverage.ts';
import { rulesOf, ruleToJson, type PolicyRule } from './rules.ts';

export const rbacGroup = 'rbac.authorization.k8s.io';
/** Labels that feed the aggregated user-facing roles. */
export const aggregateToAdmin = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const aggregateToEdit = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const aggregateToView = 'rbac.authorization.k8s.io/aggregate-to-view';

const bootstrapLabels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const autoupdateAnnotation = 'rbac.authorization.kubernetes.io/autoupdate';
const autoupdate = { [autoupdateAnnotation]: 'true' };

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
  return bindingTo(
    name,
    role,
    groups.map((g) => ({ kind: 'Group', name: g })),
  );
}

function bindingTo(name: string, role: string, subjects: PolicySubject[]): KubeObject {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...bootstrapLabels }, annotations: { ...autoupdate } },
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role },
    subjects: subjects.map((s) =>
      s.kind === 'ServiceAccount'
        ? { kind: s.kind, name: s.name, namespace: s.namespace }
        : { apiGroup: rbacGroup, kind: s.kind, name: s.name },
    ),
  };
}

/** The control plane's own roles: the controller manager, the scheduler and every controller. */
function componentPolicy(): ComponentGrant[] {
  return [...componentGrants(), ...controllerGrants()];
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
    // The agent's service proxy allocates LoadBalancer addresses; its NetworkPolicy controller
    // reads policies and namespace labels.
    rule(['update', 'patch'], [''], ['services/status']),
    rule(read, ['networking.k8s.io'], ['networkpolicies']),
    rule(read, [''], ['namespaces']),
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
    // metrics.k8s.io is readable by whoever can view (as metrics-server's own manifest grants).
    clusterRole('system:aggregated-metrics-reader', [rule(read, ['metrics.k8s.io'], ['pods', 'nodes'])], {
      labels: { [aggregateToView]: 'true', [aggregateToEdit]: 'true', [aggregateToAdmin]: 'true' },
    }),
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
    ...componentPolicy().map((g) => clusterRole(g.role, g.rules)),
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
    ...componentPolicy().map((g) => bindingTo(g.role, g.role, g.subjects)),
  ];
}

/**
 * What a stored default object lacks of its bootstrap version, or undefined when nothing: the
 * permissions of rules not covered (roles), the subjects not named (bindings). Only objects still
 * annotated autoupdate=true are topped up, as Kubernetes reconciles them — an administrator opts an
 * object out by setting the annotation to "false". Nothing is ever removed.
 */
export function reconciled(stored: KubeObject, wanted: KubeObject): KubeObject | undefined {
  if (stored.metadata.annotations?.[autoupdateAnnotation] !== 'true') return undefined;
  if (stored.kind === 'ClusterRole') {
    const held = rulesOf(stored);
    const missing = rulesOf(wanted).filter((r) => uncovered(held, [r]).length > 0);
    if (!missing.length) return undefined;
    const rules = Array.isArray(stored.rules) ? stored.rules : [];
    return { ...stored, rules: [...rules, ...missing.map(ruleToJson)] };
  }
  const subjects = Array.isArray(stored.subjects) ? stored.subjects : [];
  const key = (s: unknown): string => JSON.stringify(isObject(s) ? [s.kind, s.name, s.namespace ?? ''] : s);
  const have = new Set(subjects.map(key));
  const extra = (Array.isArray(wanted.subjects) ? wanted.subjects : []).filter((s) => !have.has(key(s)));
  return extra.length ? { ...stored, subjects: [...subjects, ...extra] } : undefined;
}

/**
 * Creates each default ClusterRole and ClusterRoleBinding that does not exist yet, and tops up those
 * (still autoupdate=true) that lack rules or subjects a newer Berth added — so a cluster made by an
 * older version gets the permissions its controllers now need.
 */
export async function ensureBootstrapPolicy(api: Api): Promise<void> {
  const ensure = async (resource: string, obj: KubeObject): Promise<void> => {
    const rs = api.resource(rbacGroup, resource);
    const name = obj.metadata.name!;
    let stored: KubeObject | undefined;
    try {
      stored = await rs.get('', name);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
    try {
      if (!stored) {
        await rs.create('', obj, systemContext());
        return;
      }
      const next = reconciled(stored, obj);
      if (next) await rs.update('', name, next, systemContext());
    } catch (err) {
      // Another API server on the same datastore may have written it meanwhile.
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  };
  for (const r of bootstrapClusterRoles()) await ensure('clusterroles', r);
  for (const b of bootstrapClusterRoleBindings()) await ensure('clusterrolebindings', b);
}
