/** Shared test fixtures for core/v1: minimal valid objects that tests copy and break. */
import type { KubeObject } from '../../object.ts';

type Obj = Record<string, unknown>;

/** A valid, defaulted-enough pod spec with one container and one mounted volume. */
export function podSpec(): Obj {
  return {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePolicy: 'File',
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        env: [{ name: 'MODE', value: 'prod' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
        readinessProbe: { httpGet: { port: 'http', path: '/' }, periodSeconds: 10 },
      },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
  };
}

/** A pod object around `podSpec()`. */
export function pod(spec: Obj = podSpec()): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec };
}

/** A ClusterIP service with two named ports. */
export function service(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 8080 },
        { name: 'https', port: 443, targetPort: 'https' },
      ],
    },
  };
}

/** Deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}
