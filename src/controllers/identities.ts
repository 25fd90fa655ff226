/**
 * Who each control-plane component is when it talks to the API, as kube-controller-manager does
 * with --use-service-account-credentials: every controller acts as its own service account in
 * kube-system (`system:serviceaccount:kube-system:<account>`), so RBAC can give it only what it
 * needs, audit-style logs name it, and the events it records come from it. The accounts carry
 * Kubernetes' names where Kubernetes has the controller (deployment-controller,
 * generic-garbage-collector, ...), so policies written for Kubernetes apply unchanged. The
 * controller manager itself (leader election and the shared informers) is `system:kube-controller-manager`,
 * the scheduler `system:kube-scheduler` — plain users, as in Kubernetes. The ClusterRoles these
 * identities are bound to live in the API server's bootstrap policy (authz/controller-roles.ts).
 */

/** The controller manager's own user: leader election and the shared informers. */
export const controllerManagerUser = 'system:kube-controller-manager';
/** The scheduler's user. */
export const schedulerUser = 'system:kube-scheduler';
/** The namespace every controller's service account lives in. */
export const controllerNamespace = 'kube-system';

/**
 * Berth controller name (Controller.name) → its service account in kube-system. Several Berth
 * controllers may share one account where Kubernetes runs them under one (the node controllers
 * under node-controller, the CSR approver and signer under certificate-controller).
 */
export const controllerServiceAccounts: Readonly<Record<string, string>> = {
  'garbage-collector': 'generic-garbage-collector',
  namespace: 'namespace-controller',
  replicaset: 'replicaset-controller',
  deployment: 'deployment-controller',
  job: 'job-controller',
  cronjob: 'cronjob-controller',
  'ttl-after-finished': 'ttl-after-finished-controller',
  disruption: 'disruption-controller',
  'horizontal-pod-autoscaler': 'horizontal-pod-autoscaler',
  statefulset: 'statefulset-controller',
  daemonset: 'daemon-set-controller',
  nodeipam: 'node-controller',
  nodelifecycle: 'node-controller',
  'taint-eviction-controller': 'node-controller',
  endpoint: 'endpoint-controller',
  endpointslice: 'endpointslice-controller',
  serviceaccount: 'service-account-controller',
  'root-ca-cert-publisher': 'root-ca-cert-publisher',
  'serviceaccount-token': 'tokens-controller',
  'persistentvolume-binder': 'persistent-volume-binder',
  'local-path-provisioner': 'local-path-provisioner',
  'volume-protection': 'volume-protection-controller',
  resourcequota: 'resourcequota-controller',
  csrapproving: 'certificate-controller',
  csrsigning: 'certificate-controller',
};

/** The identity of a request, structurally the API server's UserInfo. */
export interface ControllerIdentity {
  name: string;
  groups: string[];
}

/**
 * The service account a controller acts as. A controller missing from the table gets an account
 * of its own name that no role is bound to: it fails closed (403s) rather than borrowing powers.
 */
export function controllerServiceAccount(controllerName: string): string {
  return controllerServiceAccounts[controllerName] ?? `${controllerName}-controller`;
}

/** The user (and groups) a controller's requests authenticate as. */
export function controllerIdentity(controllerName: string): ControllerIdentity {
  const sa = controllerServiceAccount(controllerName);
  return {
    name: `system:serviceaccount:${controllerNamespace}:${sa}`,
    groups: [
      'system:serviceaccounts',
      `system:serviceaccounts:${controllerNamespace}`,
      'system:authenticated',
    ],
  };
}
