/** Shared test objects for the networking kinds. */
import type { KubeObject } from '../../object.ts';

export const CREATED = '2024-05-01T10:00:00Z';
/** Five minutes after CREATED. */
export const NOW = Date.parse(CREATED) + 5 * 60_000;

export function ingressFixture(): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: CREATED },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['example.com'], secretName: 'web-tls' }],
      rules: [
        {
          host: 'example.com',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: '10.0.0.5' }] } },
  };
}

export function networkPolicyFixture(): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'db', namespace: 'default', creationTimestamp: CREATED },
    spec: {
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'api' } } }], ports: [{ port: 5432 }] }],
    },
  };
}
