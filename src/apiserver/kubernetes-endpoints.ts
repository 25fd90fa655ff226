/**
 * The API server publishes where it listens: the Endpoints and the EndpointSlice of the
 * default/kubernetes Service point at its advertised address and port (and the Service's
 * targetPort follows that port), so in-cluster clients reaching kubernetes.default find it. The
 * endpoint controllers never touch these: the Service has no selector, and the slice carries no
 * managed-by label of theirs. Written at every start, since the address or port may have changed.
 */
import { networkInterfaces } from 'node:os';
import { StatusError } from '../api/errors.ts';
import { isIPv4 } from '../api/validation/names.ts';
import type { KubeObject } from '../api/object.ts';
import type { Api } from './api.ts';
import { systemContext } from './registry/context.ts';

const ns = 'default';
const name = 'kubernetes';

/**
 * The IPv4 address to publish for `host` (the advertised or listening host): itself when it is an
 * IPv4 literal other than 0.0.0.0, else this machine's first external IPv4, else loopback.
 */
export function publishedAddress(host: string): string {
  if (isIPv4(host) && host !== '0.0.0.0') return host;
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

/** Creates or corrects the default/kubernetes Endpoints and EndpointSlice and the Service's targetPort. */
export async function ensureApiServerEndpoints(api: Api, ip: string, port: number): Promise<void> {
  const ports = [{ name: 'https', port, protocol: 'TCP' }];
  await upsert(api, '', 'endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: ns, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip }], ports }],
  });
  await upsert(api, 'discovery.k8s.io', 'endpointslices', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports,
  });
  const services = api.resource('', 'services');
  const svc = await services.get(ns, name);
  const spec = (svc.spec ?? {}) as { ports?: { name?: string; targetPort?: unknown }[] };
  const https = spec.ports?.find((p) => p.name === 'https');
  if (https && https.targetPort !== port) {
    https.targetPort = port;
    await services.update(ns, name, svc, systemContext());
  }
}

/** Creates `obj`, or replaces the fields it names on the existing object when they differ. */
async function upsert(api: Api, group: string, resource: string, obj: KubeObject): Promise<void> {
  const rs = api.resource(group, resource);
  let cur: KubeObject;
  try {
    cur = await rs.get(ns, name);
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
    await rs.create(ns, obj, systemContext());
    return;
  }
  const next = structuredClone(cur);
  next.metadata.labels = { ...next.metadata.labels, ...obj.metadata.labels };
  for (const [k, v] of Object.entries(obj))
    if (k !== 'metadata' && k !== 'apiVersion' && k !== 'kind') next[k] = v;
  if (JSON.stringify(next) === JSON.stringify(cur)) return;
  await rs.update(ns, name, next, systemContext());
}
