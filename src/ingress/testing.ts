/**
 * Builders for the ingress tests: Services, EndpointSlices, Ingresses and Secrets as plain objects,
 * and a ModelInput over them (what the informers' caches provide in the controller).
 */
import type { ModelInput } from './model.ts';
import type { EndpointSlice, Ingress, IngressBackend, Secret, Service } from './types.ts';

export const backend = (service: string, port: number | string = 80): IngressBackend => ({
  service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } },
});

export function service(name: string, namespace = 'default'): Service {
  return {
    metadata: { name, namespace },
    spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

export function slice(svc: string, ips: string[], port = 8080, namespace = 'default'): EndpointSlice {
  return {
    metadata: { name: `${svc}-abc`, namespace, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port }],
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
  };
}

export type PathSpec = [path: string, pathType: string, service: string];

export function ingress(
  name: string,
  opts: {
    namespace?: string;
    created?: string;
    annotations?: Record<string, string>;
    rules?: { host?: string; paths: PathSpec[] }[];
    defaultBackend?: string;
    tls?: { hosts: string[]; secretName: string }[];
  },
): Ingress {
  return {
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      creationTimestamp: opts.created ?? '2025-01-01T00:00:00Z',
      annotations: opts.annotations,
    },
    spec: {
      ...(opts.defaultBackend ? { defaultBackend: backend(opts.defaultBackend) } : {}),
      ...(opts.tls ? { tls: opts.tls } : {}),
      rules: (opts.rules ?? []).map((r) => ({
        ...(r.host !== undefined ? { host: r.host } : {}),
        http: { paths: r.paths.map(([path, pathType, svc]) => ({ path, pathType, backend: backend(svc) })) },
      })),
    },
  };
}

export function secret(
  name: string,
  type: string,
  data: Record<string, string>,
  namespace = 'default',
): Secret {
  const enc: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) enc[k] = Buffer.from(v).toString('base64');
  return { metadata: { name, namespace }, type, data: enc };
}

/** A ModelInput over plain lists. */
export function input(
  ingresses: Ingress[],
  objs: { services?: Service[]; slices?: EndpointSlice[]; secrets?: Secret[] } = {},
): ModelInput {
  const key = (o: { metadata: { namespace?: string; name?: string } }) =>
    `${o.metadata.namespace}/${o.metadata.name}`;
  return {
    ingresses,
    getService: (ns, name) => (objs.services ?? []).find((s) => key(s) === `${ns}/${name}`),
    endpointSlices: (ns, svc) =>
      (objs.slices ?? []).filter(
        (s) => s.metadata.namespace === ns && s.metadata.labels?.['kubernetes.io/service-name'] === svc,
      ),
    getSecret: (ns, name) => (objs.secrets ?? []).find((s) => key(s) === `${ns}/${name}`),
  };
}

/** Services `a`, `b`, `c` with one endpoint each (10.0.0.1, .2, .3). */
export function threeServices(): { services: Service[]; slices: EndpointSlice[] } {
  return {
    services: ['a', 'b', 'c'].map((n) => service(n)),
    slices: ['a', 'b', 'c'].map((n, i) => slice(n, [`10.0.0.${i + 1}`])),
  };
}
