/**
 * The kinds the console knows: one descriptor each (group, version, resource, scope), and the URL
 * rules that turn a descriptor plus namespace/name into an API path. Kept as data so a new page
 * needs one line here, not another URL builder.
 */

/** What addresses a kind on the API. */
export interface ResourceKind {
  kind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural lower-case resource name, as in the URL. */
  resource: string;
  namespaced: boolean;
}

const k = (
  kind: string,
  group: string,
  version: string,
  resource: string,
  namespaced: boolean,
): ResourceKind => ({
  kind,
  group,
  version,
  resource,
  namespaced,
});

/** The console's kinds, keyed by resource name. */
export const kinds = {
  namespaces: k('Namespace', '', 'v1', 'namespaces', false),
  nodes: k('Node', '', 'v1', 'nodes', false),
  pods: k('Pod', '', 'v1', 'pods', true),
  services: k('Service', '', 'v1', 'services', true),
  ingresses: k('Ingress', 'networking.k8s.io', 'v1', 'ingresses', true),
  configmaps: k('ConfigMap', '', 'v1', 'configmaps', true),
  secrets: k('Secret', '', 'v1', 'secrets', true),
  events: k('Event', '', 'v1', 'events', true),
  persistentvolumeclaims: k('PersistentVolumeClaim', '', 'v1', 'persistentvolumeclaims', true),
  persistentvolumes: k('PersistentVolume', '', 'v1', 'persistentvolumes', false),
  storageclasses: k('StorageClass', 'storage.k8s.io', 'v1', 'storageclasses', false),
  deployments: k('Deployment', 'apps', 'v1', 'deployments', true),
  replicasets: k('ReplicaSet', 'apps', 'v1', 'replicasets', true),
  controllerrevisions: k('ControllerRevision', 'apps', 'v1', 'controllerrevisions', true),
  statefulsets: k('StatefulSet', 'apps', 'v1', 'statefulsets', true),
  daemonsets: k('DaemonSet', 'apps', 'v1', 'daemonsets', true),
  jobs: k('Job', 'batch', 'v1', 'jobs', true),
  cronjobs: k('CronJob', 'batch', 'v1', 'cronjobs', true),
} as const satisfies Record<string, ResourceKind>;

export type KnownResource = keyof typeof kinds;

/** The descriptor for a resource name from a URL, or undefined. */
export function kindByResource(resource: string): ResourceKind | undefined {
  return Object.hasOwn(kinds, resource) ? kinds[resource as KnownResource] : undefined;
}

/** The descriptor for an apiVersion + kind pair (as in a manifest), or undefined. */
export function kindByApiVersion(apiVersion: string, kind: string): ResourceKind | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return Object.values(kinds).find((r) => r.kind === kind && r.group === group && r.version === version);
}

/** `apps/v1` or `v1`. */
export function apiVersionOf(r: ResourceKind): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/**
 * The API path of a collection (no name) or an object. A namespaced kind without a namespace
 * addresses all namespaces (list/watch only).
 */
export function resourcePath(
  r: ResourceKind,
  opts: { namespace?: string; name?: string; subresource?: string } = {},
): string {
  const root = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && opts.namespace ? `/namespaces/${encodeURIComponent(opts.namespace)}` : '';
  let path = `${root}${ns}/${r.resource}`;
  if (opts.name !== undefined) path += `/${encodeURIComponent(opts.name)}`;
  if (opts.subresource !== undefined) path += `/${opts.subresource}`;
  return path;
}

/** The console server's proxy URL for `apiPath` on `cluster`. */
export function clusterUrl(
  cluster: string,
  apiPath: string,
  query?: Record<string, string | undefined>,
): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) q.set(key, value);
  const qs = q.toString();
  return `/api/clusters/${encodeURIComponent(cluster)}/k8s${apiPath}${qs ? `?${qs}` : ''}`;
}
