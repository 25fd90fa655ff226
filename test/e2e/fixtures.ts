/**
 * Manifests the kubectl e2e tests apply. Written as YAML text, the way users hand them to kubectl,
 * and parameterized by namespace so each test file works in its own corner of the server.
 */

/** The multi-document application the apply test round-trips: one of each common kind. */
export function appStack(ns: string, opts: { color?: string } = {}): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
  labels: { app: web }
data:
  color: ${opts.color ?? 'blue'}
  size: "3"
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: ${ns}
type: Opaque
data:
  password: czNjcjN0
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels: { app: web }
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
      - name: app
        image: nginx:1.25
        ports:
        - containerPort: 80
          name: http
        env:
        - name: MODE
          value: prod
      - name: sidecar
        image: busybox:1.36
        command: ["sleep", "infinity"]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  selector: { app: web }
  ports:
  - name: http
    port: 80
    targetPort: http
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: ${ns}
spec:
  serviceName: db
  replicas: 1
  selector:
    matchLabels: { app: db }
  template:
    metadata:
      labels: { app: db }
    spec:
      containers:
      - name: db
        image: redis:7
        ports:
        - containerPort: 6379
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: ${ns}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: job
            image: busybox:1.36
            command: ["echo", "hello"]
`;
}

/** The lines `kubectl apply` prints for appStack, in document order, with the given verb. */
export function appStackLines(ns: string, verb: (resource: string) => string): string[] {
  return [
    `namespace/${ns}`,
    'configmap/settings',
    'secret/creds',
    'deployment.apps/web',
    'service/web',
    'statefulset.apps/db',
    'cronjob.batch/nightly',
  ].map((r) => `${r} ${verb(r)}`);
}

/** A ConfigMap manifest with labels and data, for get/label/patch/delete tests. */
export function configMap(
  ns: string,
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {},
): string {
  const map = (o: Record<string, string>): string =>
    `{ ${Object.entries(o)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join(', ')} }`;
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${ns}
  labels: ${map(labels)}
data: ${map(data)}
`;
}

/** A Deployment with two containers (app: nginx, sidecar: busybox), for patch/scale/set image tests. */
export function deployment(ns: string, name: string, replicas = 1): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels: { app: ${name} }
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
      - name: app
        image: nginx:1.25
        ports:
        - containerPort: 80
      - name: sidecar
        image: busybox:1.36
        command: ["sleep", "infinity"]
`;
}

/** A bare Pod (nothing runs it: there are no nodes), for the pod table columns. */
export function pod(ns: string, name: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels: { app: ${name} }
spec:
  containers:
  - name: app
    image: nginx:1.25
`;
}

/** A Namespace manifest. */
export function namespace(name: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
`;
}

/** Joins manifests into one multi-document YAML stream. */
export function docs(...manifests: string[]): string {
  return manifests.join('---\n');
}
