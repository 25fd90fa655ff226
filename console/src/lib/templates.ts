/**
 * Starter manifests for "create from YAML" on each list page: the smallest object of the kind that
 * the API accepts and that does something visible, in the namespace the page shows.
 */

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const podSpec = (indent: string, name: string, image: string, extra: string[] = []) => [
  `${indent}spec:`,
  ...extra.map((e) => `${indent}  ${e}`),
  `${indent}  containers:`,
  `${indent}    - name: ${name}`,
  `${indent}      image: ${image}`,
];

/** A StatefulSet of one nginx pod. */
export function statefulSetTemplate(namespace: string): string {
  return lines(
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata:',
    '  name: db',
    `  namespace: ${namespace}`,
    'spec:',
    '  serviceName: db',
    '  replicas: 1',
    '  selector:',
    '    matchLabels:',
    '      app: db',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: db',
    ...podSpec('    ', 'db', 'nginx:1.27'),
  );
}

/** A DaemonSet running one pod per node. */
export function daemonSetTemplate(namespace: string): string {
  return lines(
    'apiVersion: apps/v1',
    'kind: DaemonSet',
    'metadata:',
    '  name: agent',
    `  namespace: ${namespace}`,
    'spec:',
    '  selector:',
    '    matchLabels:',
    '      app: agent',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: agent',
    ...podSpec('    ', 'agent', 'busybox:1.36'),
  );
}

/** A Job that prints a line and ends. */
export function jobTemplate(namespace: string): string {
  return lines(
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: hello',
    `  namespace: ${namespace}`,
    'spec:',
    '  template:',
    ...podSpec('    ', 'hello', 'busybox:1.36', ['restartPolicy: Never']),
    '          command: ["echo", "hello"]',
  );
}

/** A CronJob that runs a Job every five minutes. */
export function cronJobTemplate(namespace: string): string {
  return lines(
    'apiVersion: batch/v1',
    'kind: CronJob',
    'metadata:',
    '  name: hello',
    `  namespace: ${namespace}`,
    'spec:',
    '  schedule: "*/5 * * * *"',
    '  jobTemplate:',
    '    spec:',
    '      template:',
    ...podSpec('        ', 'hello', 'busybox:1.36', ['restartPolicy: OnFailure']),
    '              command: ["echo", "hello"]',
  );
}

/** A ClusterIP Service in front of pods labelled app=web. */
export function serviceTemplate(namespace: string): string {
  return lines(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: web',
    `  namespace: ${namespace}`,
    'spec:',
    '  type: ClusterIP',
    '  selector:',
    '    app: web',
    '  ports:',
    '    - port: 80',
    '      targetPort: 80',
  );
}

/** A ConfigMap with one key. */
export function configMapTemplate(namespace: string): string {
  return lines(
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: settings',
    `  namespace: ${namespace}`,
    'data:',
    '  LOG_LEVEL: info',
  );
}

/** An Opaque Secret written with stringData (the server encodes it). */
export function secretTemplate(namespace: string): string {
  return lines(
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: credentials',
    `  namespace: ${namespace}`,
    'type: Opaque',
    'stringData:',
    '  password: change-me',
  );
}

/** A claim of 1 GiB, bound by the default StorageClass (or a matching volume). */
export function persistentVolumeClaimTemplate(namespace: string): string {
  return lines(
    'apiVersion: v1',
    'kind: PersistentVolumeClaim',
    'metadata:',
    '  name: data',
    `  namespace: ${namespace}`,
    'spec:',
    '  accessModes: ["ReadWriteOnce"]',
    '  resources:',
    '    requests:',
    '      storage: 1Gi',
  );
}

/** A 1 GiB hostPath volume that a claim can bind. */
export function persistentVolumeTemplate(): string {
  return lines(
    'apiVersion: v1',
    'kind: PersistentVolume',
    'metadata:',
    '  name: pv-data',
    'spec:',
    '  capacity:',
    '    storage: 1Gi',
    '  accessModes: ["ReadWriteOnce"]',
    '  persistentVolumeReclaimPolicy: Retain',
    '  hostPath:',
    '    path: /var/lib/berth/volumes/pv-data',
  );
}

/**
 * A second local-path class that keeps the data when the claim goes (the cluster's own
 * `local-path` class deletes it), handing claims to the provisioner once a pod uses them.
 */
export function storageClassTemplate(): string {
  return lines(
    'apiVersion: storage.k8s.io/v1',
    'kind: StorageClass',
    'metadata:',
    '  name: local-path-retain',
    'provisioner: berth.io/local-path',
    'reclaimPolicy: Retain',
    'volumeBindingMode: WaitForFirstConsumer',
  );
}

/** An Ingress sending web.example to the Service web on port 80. */
export function ingressTemplate(namespace: string): string {
  return lines(
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata:',
    '  name: web',
    `  namespace: ${namespace}`,
    'spec:',
    '  rules:',
    '    - host: web.example',
    '      http:',
    '        paths:',
    '          - path: /',
    '            pathType: Prefix',
    '            backend:',
    '              service:',
    '                name: web',
    '                port:',
    '                  number: 80',
  );
}
