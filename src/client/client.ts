/**
 * A generic API client over any Transport: `resource(group, version, resource)` gives the verbs
 * (get, list, create, update, updateStatus, patch, delete, watch) for one resource, with failures
 * thrown as StatusError carrying the server's Status. `resourceFor(apiVersion, kind)` finds the
 * resource through discovery. Namespaced paths are used when a namespace is given; pass '' (or
 * undefined) for cluster-scoped resources and for lists across all namespaces.
 */
import type { KubeList, KubeObject } from '../api/object.ts';
import { parseApiVersion } from '../api/object.ts';
import { Discovery, type DiscoveredResource } from './discovery.ts';
import { statusErrorFromResponse } from './status.ts';
import { readAll, type Transport, type TransportRequest } from './transport.ts';
import { checkWatchEvents, decodeWatch, type WatchEvent, type WatchStream } from './watch.ts';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Start after this resourceVersion; omitted means "from now, after a synthetic ADDED per object". */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** Server-side end of the watch; the caller re-watches. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

/** Patch flavours by their Kubernetes names. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const patchContentType: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** The verbs of one resource. T is the object type; lists come back as KubeList<T>. */
export interface ResourceClient<T extends KubeObject = KubeObject> {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  get(namespace: string | undefined, name: string): Promise<T>;
  list(namespace?: string, opts?: ListOptions): Promise<KubeList<T>>;
  create(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT; the object's metadata.resourceVersion (when set) makes it a compare-and-swap. */
  update(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  updateStatus(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  patch(
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    opts?: PatchOptions & { subresource?: string },
  ): Promise<T>;
  /** Returns what the server answered: the object (when finalizers keep it) or a Success Status. */
  delete(namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<unknown>;
  /** Opens a watch; HTTP-level failures (e.g. 410) reject here, ERROR events throw while iterating. */
  watch(namespace?: string, opts?: WatchOptions): Promise<WatchStream<T>>;
}

function setQuery(
  q: URLSearchParams,
  values: Record<string, string | number | boolean | undefined>,
): URLSearchParams {
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q;
}

function writeQuery(opts: WriteOptions | undefined): URLSearchParams {
  const q = new URLSearchParams();
  if (opts?.dryRun) q.set('dryRun', 'All');
  if (opts?.fieldManager) q.set('fieldManager', opts.fieldManager);
  return q;
}

/** Entry point: wraps a Transport; one Client (and its discovery cache) per control plane. */
export class Client {
  readonly transport: Transport;
  readonly discovery: Discovery;

  constructor(transport: Transport) {
    this.transport = transport;
    this.discovery = new Discovery((path) => this.getJson(path));
  }

  /** Sends one request and parses the JSON answer; non-2xx becomes a thrown StatusError. */
  async call<R = unknown>(req: TransportRequest): Promise<R> {
    const res = await this.transport.request(req);
    if (res.status < 200 || res.status > 299)
      throw statusErrorFromResponse(res.status, res.body, `${req.method} ${req.path}`);
    if (res.body.length === 0) return undefined as R;
    return JSON.parse(res.body.toString('utf8')) as R;
  }

  /** GET of any path (discovery, /version), parsed as JSON. */
  getJson<R = unknown>(path: string): Promise<R> {
    return this.call<R>({ method: 'GET', path });
  }

  /** The verbs of resource `group/version/resource` (group '' is the core group). */
  resource<T extends KubeObject = KubeObject>(
    group: string,
    version: string,
    resource: string,
  ): ResourceClient<T> {
    return resourceClient<T>(this, group, version, resource);
  }

  /** The resource serving `kind` in `apiVersion`, found (and cached) through discovery. */
  async resourceFor<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
  ): Promise<ResourceClient<T> & { info: DiscoveredResource }> {
    const info = await this.discovery.resourceFor(apiVersion, kind);
    const { group, version } = parseApiVersion(apiVersion);
    return Object.assign(this.resource<T>(group, version, info.name), { info });
  }
}

function resourceClient<T extends KubeObject>(
  c: Client,
  group: string,
  version: string,
  resource: string,
): ResourceClient<T> {
  const root = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const path = (ns: string | undefined, name?: string, sub?: string): string => {
    let p = ns ? `${root}/namespaces/${encodeURIComponent(ns)}/${resource}` : `${root}/${resource}`;
    if (name !== undefined) {
      if (name === '') throw new Error(`${resource}: a name is required`);
      p += `/${encodeURIComponent(name)}`;
    }
    if (sub) p += `/${sub}`;
    return p;
  };
  const nameOf = (obj: T): string => obj.metadata?.name ?? '';
  const put = (ns: string | undefined, obj: T, opts: WriteOptions | undefined, sub?: string): Promise<T> =>
    c.call<T>({ method: 'PUT', path: path(ns, nameOf(obj), sub), query: writeQuery(opts), body: obj });

  return {
    group,
    version,
    resource,
    get: (ns, name) => c.call<T>({ method: 'GET', path: path(ns, name) }),
    list: (ns, opts = {}) =>
      c.call<KubeList<T>>({
        method: 'GET',
        path: path(ns),
        query: setQuery(new URLSearchParams(), {
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: opts.limit,
          continue: opts.continue,
          resourceVersion: opts.resourceVersion,
          resourceVersionMatch: opts.resourceVersionMatch,
        }),
      }),
    create: (ns, obj, opts) =>
      c.call<T>({ method: 'POST', path: path(ns), query: writeQuery(opts), body: obj }),
    update: (ns, obj, opts) => put(ns, obj, opts),
    updateStatus: (ns, obj, opts) => put(ns, obj, opts, 'status'),
    patch: (ns, name, type, body, opts) => {
      const q = writeQuery(opts);
      if (opts?.force) q.set('force', 'true');
      return c.call<T>({
        method: 'PATCH',
        path: path(ns, name, opts?.subresource),
        query: q,
        body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
        contentType: patchContentType[type],
      });
    },
    delete: (ns, name, opts = {}) => {
      const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
      if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
      if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
      if (opts.preconditions) body.preconditions = opts.preconditions;
      if (opts.dryRun) body.dryRun = ['All'];
      return c.call<unknown>({ method: 'DELETE', path: path(ns, name), body });
    },
    async watch(ns, opts = {}) {
      const query = setQuery(new URLSearchParams({ watch: 'true' }), {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        resourceVersion: opts.resourceVersion,
        allowWatchBookmarks: opts.allowWatchBookmarks,
        timeoutSeconds: opts.timeoutSeconds,
      });
      const req: TransportRequest = { method: 'GET', path: path(ns), query, signal: opts.signal };
      if (c.transport.watchObjects) {
        const s = await c.transport.watchObjects(req);
        if (s.status < 200 || s.status > 299) {
          throw statusErrorFromResponse(s.status, await s.errorBody(), `watch ${req.path}`);
        }
        async function* handed(): AsyncGenerator<WatchEvent<T>> {
          try {
            yield* checkWatchEvents<T>(s);
          } finally {
            s.close();
          }
        }
        const it = handed();
        return { close: () => s.close(), [Symbol.asyncIterator]: () => it };
      }
      const s = await c.transport.stream(req);
      if (s.status < 200 || s.status > 299) {
        throw statusErrorFromResponse(s.status, await readAll(s), `watch ${req.path}`);
      }
      // Leaving the loop early (break, throw) also closes the connection.
      async function* events(): AsyncGenerator<WatchEvent<T>> {
        try {
          yield* decodeWatch<T>(s);
        } finally {
          s.close();
        }
      }
      const it = events();
      return { close: () => s.close(), [Symbol.asyncIterator]: () => it };
    },
  };
}
