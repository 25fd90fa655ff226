/**
 * The bootstrap RBAC policy of the control plane's own components, under Kubernetes' names:
 * `system:controller:<account>` for every controller (bound to the service account
 * kube-system/<account> it acts as, see src/controllers/identities.ts), `system:kube-controller-manager`
 * (leader election and the shared informers), `system:kube-scheduler` and `system:volume-scheduler`
 * (both bound to the user system:kube-scheduler). Each role holds the verbs its component's code
 * actually uses — nothing is in system:masters — plus the event-recording rule every one shares.
 * Where Kubernetes has the same controller the rules follow its bootstrap policy; Berth-only
 * controllers (tokens-controller, local-path-provisioner, volume-protection-controller) follow what
 * their code calls.
 */
import type { PolicyRule } from './rules.ts';

/** A subject of a ClusterRoleBinding. */
export interface PolicySubject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

/** One ClusterRole and the subjects its same-named ClusterRoleBinding names. */
export interface ComponentGrant {
  role: string;
  rules: PolicyRule[];
  subjects: PolicySubject[];
}

/** The prefix of every controller's role name. */
export const controllerRolePrefix = 'system:controller:';

const read = ['get', 'list', 'watch'];

function rule(
  verbs: string[],
  apiGroups: string[],
  resources: string[],
  resourceNames: string[] = [],
): PolicyRule {
  return { verbs, apiGroups, resources, resourceNames, nonResourceURLs: [] };
}

/** Recording events (the recorder creates them and patches repeats). */
function eventsRule(): PolicyRule {
  return rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']);
}

/** The rules of each controller's role, by the kube-system service account it runs as. */
function controllerRules(): Record<string, PolicyRule[]> {
  return {
    'generic-garbage-collector': [
      // Monitors every resource, reads owners live, patches ownerReferences/finalizers, deletes.
      rule([...read, 'patch', 'update', 'delete'], ['*'], ['*']),
    ],
    'namespace-controller': [
      rule([...read, 'delete'], [''], ['namespaces']),
      rule(['update'], [''], ['namespaces/finalize']),
      rule(['update', 'patch'], [''], ['namespaces/status']),
      rule([...read, 'delete', 'deletecollection'], ['*'], ['*']),
    ],
    'replicaset-controller': [
      rule([...read, 'update'], ['apps'], ['replicasets']),
      rule(['update'], ['apps'], ['replicasets/status', 'replicasets/finalizers']),
      rule(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
    ],
    'deployment-controller': [
      rule([...read, 'update', 'patch'], ['apps'], ['deployments']),
      rule(['update'], ['apps'], ['deployments/status', 'deployments/finalizers']),
      rule([...read, 'create', 'update', 'patch', 'delete'], ['apps'], ['replicasets']),
      rule([...read, 'update'], [''], ['pods']),
    ],
    'job-controller': [
      rule([...read, 'update', 'patch'], ['batch'], ['jobs']),
      rule(['update'], ['batch'], ['jobs/status', 'jobs/finalizers']),
      rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
    ],
    'cronjob-controller': [
      rule([...read, 'update'], ['batch'], ['cronjobs']),
      rule(['update'], ['batch'], ['cronjobs/status', 'cronjobs/finalizers']),
      rule([...read, 'create', 'update', 'delete', 'patch'], ['batch'], ['jobs']),
      rule(['list', 'watch', 'delete'], [''], ['pods']),
    ],
    'ttl-after-finished-controller': [rule([...read, 'delete'], ['batch'], ['jobs'])],
    'disruption-controller': [
      rule(read, ['apps'], ['deployments', 'replicasets', 'statefulsets']),
      rule(read, [''], ['replicationcontrollers']),
      rule(read, ['policy'], ['poddisruptionbudgets']),
      rule(['update'], ['policy'], ['poddisruptionbudgets/status']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(['get'], ['*'], ['*/scale']),
    ],
    'horizontal-pod-autoscaler': [
      rule(read, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
      rule(['get', 'update'], ['*'], ['*/scale']),
      rule(['list', 'watch'], [''], ['pods']),
      rule(['list', 'watch'], ['metrics.k8s.io'], ['pods']),
      rule(read, ['custom.metrics.k8s.io', 'external.metrics.k8s.io'], ['*']),
    ],
    'statefulset-controller': [
      rule(read, ['apps'], ['statefulsets']),
      rule(['update'], ['apps'], ['statefulsets/status', 'statefulsets/finalizers']),
      rule([...read, 'create', 'delete', 'update', 'patch'], [''], ['pods']),
      rule(['update'], [''], ['pods/finalizers']),
      rule([...read, 'create', 'delete', 'update', 'patch'], ['apps'], ['controllerrevisions']),
      // Claims from volumeClaimTemplates; patch sets the retention policy's ownerReferences.
      rule([...read, 'create', 'update', 'patch', 'delete'], [''], ['persistentvolumeclaims']),
    ],
    'daemon-set-controller': [
      rule(read, ['apps'], ['daemonsets']),
      rule(['update'], ['apps'], ['daemonsets/status', 'daemonsets/finalizers']),
      rule(['list', 'watch'], [''], ['nodes']),
      rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
      rule(['create'], [''], ['pods/binding']),
      rule([...read, 'create', 'delete', 'update', 'patch'], ['apps'], ['controllerrevisions']),
    ],
    // Node IPAM, node lifecycle and taint eviction.
    'node-controller': [
      rule([...read, 'update', 'delete', 'patch'], [''], ['nodes']),
      rule(['patch', 'update'], [''], ['nodes/status']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule([...read, 'delete'], [''], ['pods']),
    ],
    'endpoint-controller': [
      rule(read, [''], ['services', 'pods']),
      rule([...read, 'create', 'update', 'delete'], [''], ['endpoints']),
      rule(['create'], [''], ['endpoints/restricted']),
    ],
    'endpointslice-controller': [
      rule(read, [''], ['services', 'pods', 'nodes']),
      rule(['update'], [''], ['services/finalizers']),
      rule([...read, 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
    ],
    'service-account-controller': [rule(['create'], [''], ['serviceaccounts'])],
    'root-ca-cert-publisher': [rule(['create', 'update'], [''], ['configmaps'])],
    // Legacy service-account token Secrets: fills them in, deletes those of vanished accounts.
    'tokens-controller': [
      rule([...read, 'update', 'delete'], [''], ['secrets']),
      rule(read, [''], ['serviceaccounts']),
    ],
    'persistent-volume-binder': [
      rule([...read, 'update', 'create', 'delete'], [''], ['persistentvolumes']),
      rule(['update'], [''], ['persistentvolumes/status']),
      rule([...read, 'update'], [''], ['persistentvolumeclaims']),
      rule(['update'], [''], ['persistentvolumeclaims/status']),
      rule([...read, 'create', 'delete'], [''], ['pods']),
      rule(read, ['storage.k8s.io'], ['storageclasses']),
      rule(['list', 'watch'], [''], ['nodes']),
    ],
    'local-path-provisioner': [
      rule([...read, 'create', 'delete'], [''], ['persistentvolumes']),
      // Cleanup pods remove a deleted volume's directory on its node.
      rule([...read, 'create', 'delete'], [''], ['pods']),
      rule(read, [''], ['persistentvolumeclaims', 'nodes']),
      rule(read, ['storage.k8s.io'], ['storageclasses']),
    ],
    // Kubernetes' pvc-protection and pv-protection controllers in one.
    'volume-protection-controller': [
      rule([...read, 'update'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
      rule(read, [''], ['pods']),
    ],
    'resourcequota-controller': [
      // Usage can be counted on any resource.
      rule(['list', 'watch'], ['*'], ['*']),
      rule(['update'], [''], ['resourcequotas/status']),
    ],
    // The CSR approver and signer.
    'certificate-controller': [
      rule([...read, 'delete'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      rule(
        ['update', 'patch'],
        ['certificates.k8s.io'],
        ['certificatesigningrequests/status', 'certificatesigningrequests/approval'],
      ),
      rule(
        ['approve'],
        ['certificates.k8s.io'],
        ['signers'],
        ['kubernetes.io/kube-apiserver-client-kubelet'],
      ),
      rule(
        ['sign'],
        ['certificates.k8s.io'],
        ['signers'],
        [
          'kubernetes.io/legacy-unknown',
          'kubernetes.io/kube-apiserver-client',
          'kubernetes.io/kube-apiserver-client-kubelet',
          'kubernetes.io/kubelet-serving',
        ],
      ),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ],
  };
}

/** `system:controller:<account>` for every controller, bound to ServiceAccount kube-system/<account>. */
export function controllerGrants(): ComponentGrant[] {
  return Object.entries(controllerRules()).map(([account, rules]) => ({
    role: `${controllerRolePrefix}${account}`,
    rules: [...rules, eventsRule()],
    subjects: [{ kind: 'ServiceAccount', name: account, namespace: 'kube-system' }],
  }));
}

/** The controller manager's and the scheduler's own roles. */
export function componentGrants(): ComponentGrant[] {
  const leaseRules = (name: string): PolicyRule[] => [
    rule(['create'], ['coordination.k8s.io'], ['leases']),
    rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], [name]),
  ];
  return [
    {
      role: 'system:kube-controller-manager',
      rules: [
        eventsRule(),
        ...leaseRules('kube-controller-manager'),
        // The shared informers every controller registers with.
        rule(['list', 'watch'], ['*'], ['*']),
        rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
        rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      ],
      subjects: [{ kind: 'User', name: 'system:kube-controller-manager' }],
    },
    {
      role: 'system:kube-scheduler',
      rules: [
        eventsRule(),
        ...leaseRules('kube-scheduler'),
        rule(read, [''], ['nodes']),
        rule(['delete', ...read], [''], ['pods']),
        rule(['create'], [''], ['bindings', 'pods/binding']),
        rule(['patch', 'update'], [''], ['pods/status']),
        rule(['list', 'watch'], [''], ['replicationcontrollers', 'services', 'namespaces']),
        rule(['list', 'watch'], ['apps'], ['replicasets', 'statefulsets']),
        rule(['list', 'watch'], ['policy'], ['poddisruptionbudgets']),
        rule(['list', 'watch'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
        rule(read, ['storage.k8s.io'], ['csinodes', 'csidrivers', 'csistoragecapacities']),
        rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
        rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      ],
      subjects: [{ kind: 'User', name: 'system:kube-scheduler' }],
    },
    {
      // Binding claims to volumes for pods with WaitForFirstConsumer claims.
      role: 'system:volume-scheduler',
      rules: [
        rule([...read, 'patch', 'update'], [''], ['persistentvolumes', 'persistentvolumeclaims']),
        rule(read, ['storage.k8s.io'], ['storageclasses']),
      ],
      subjects: [{ kind: 'User', name: 'system:kube-scheduler' }],
    },
  ];
}
