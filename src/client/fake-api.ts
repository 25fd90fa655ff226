/**
 * An in-memory API behind the Transport interface, for unit tests of everything built on the
 * client (informers, controllers, leader election, events). It keeps objects in a Map with one
 * global resourceVersion counter, serves get/list (paging, label and name/namespace field
 * selectors)/create/update/status/patch (merge, json; strategic treated as merge)/delete/watch and
 * the legacy discovery documents, and records every call in `actions` so tests can assert on what
 * a controller did. Test knobs: `compact`, `expireWatches`, `closeWatches`, `bookmark`, `reactors`.
 */
import {
  alreadyExists,
  badRequest,
  conflictModified,
  expired,
  notFound,
  StatusError,
  type Status,
} from '../api/errors.ts';
import type { KubeObject } from '../api/object.ts';
import { formatApiVersion, isObject } from '../api/object.ts';
import { applyJsonPatch } from '../api/patch/jsonpatch.ts';
import { mergePatch } from '../api/patch/mergepatch.ts';
import { matchesLabels, parseLabelSelector } from '../api/selectors/labels.ts';
import type { Transport, TransportRequest, TransportResponse, TransportStream } from './transport.ts';

/** A resource the fake serves. */
export interface FakeResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

export const defaultFakeResources: FakeResource[] = [
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true },
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
  },
  { group: '', version: 'v1', resource: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false },
  {
    group: '',
    version: 'v1',
    resource: 'replicationcontrollers',
    kind: 'ReplicationController',
    namespaced: true,
  },
  { group: '', version: 'v1', resource: 'resourcequotas', kind: 'ResourceQuota', namespaced: true },
  { group: '', version: 'v1', resource: 'limitranges', kind: 'LimitRange', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  {
    group: 'apps',
    version: 'v1',
    resource: 'controllerrevisions',
    kind: 'ControllerRevision',
    namespaced: true,
  },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true },
  { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true },
  {
    group: 'policy',
    version: 'v1',
    resource: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    namespaced: true,
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
  },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    resource: 'storageclasses',
    kind: 'StorageClass',
    namespaced: false,
  },
  {
    group: 'scheduling.k8s.io',
    version: 'v1',
    resource: 'priorityclasses',
    kind: 'PriorityClass',
    namespaced: false,
  },
  {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  },
];

/** One recorded call. */
export interface FakeAction {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
  resource: string;
  namespace: string;
  name?: string;
  subresource?: string;
  body?: unknown;
}

interface Parsed {
  res: FakeResource;
  namespace: string;
  name?: string;
  subresource?: string;
}

interface Change {
  rv: number;
  res: FakeResource;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

interface Watcher {
  res: FakeResource;
  namespace: string;
  bookmarks: boolean;
  send(line: unknown): void;
  end(): void;
}

/** A hook that may answer a request before the fake does (return undefined to pass). */
export type FakeReactor = (req: TransportRequest, action: FakeAction) => TransportResponse | undefined;

const json = (status: number, body: unknown): TransportResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(body)),
});
const fail = (err: StatusError): TransportResponse => json(err.code, err.status);
const success: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };

/** The fake API. Objects are stored and returned as deep copies, as over a real wire. */
export class FakeApi implements Transport {
  readonly actions: FakeAction[] = [];
  readonly reactors: FakeReactor[] = [];
  /** Watches from a resourceVersion older than this get 410 (as an ERROR event, or HTTP when `expireOverHttp`). */
  compactedBelow = 0;
  expireOverHttp = false;
  private readonly resources: FakeResource[];
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: Change[] = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 1;
  private uid = 0;

  constructor(resources: FakeResource[] = defaultFakeResources) {
    this.resources = resources;
  }

  /** The current (latest) resourceVersion. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Number of open watch streams. */
  get openWatches(): number {
    return this.watchers.size;
  }

  /** Stored objects of one resource (copies), in key order. */
  list(resource: string, namespace = ''): KubeObject[] {
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(`${resource}/${namespace ? namespace + '/' : ''}`))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, o]) => structuredClone(o));
  }

  /** Actions of some verbs, for short assertions; omit verbs for all but get/list/watch. */
  writes(): FakeAction[] {
    return this.actions.filter((a) => a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch');
  }

  /** Forgets history so that watches from any older resourceVersion answer 410 Expired. */
  compact(): void {
    this.compactedBelow = this.rv;
    this.history.length = 0;
  }

  /** Sends an ERROR 410 event to every open watch and ends them. */
  expireWatches(): void {
    for (const w of [...this.watchers]) {
      w.send({ type: 'ERROR', object: expired('too old resource version').status });
      w.end();
    }
  }

  /** Ends every open watch normally (as a server-side timeout would). */
  closeWatches(): void {
    for (const w of [...this.watchers]) w.end();
  }

  /** Sends a BOOKMARK at the current resourceVersion to watches that asked for them. */
  bookmark(): void {
    for (const w of this.watchers) {
      if (!w.bookmarks) continue;
      const apiVersion = formatApiVersion(w.res.group, w.res.version);
      w.send({
        type: 'BOOKMARK',
        object: { kind: w.res.kind, apiVersion, metadata: { resourceVersion: this.resourceVersion } },
      });
    }
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const disc = this.discovery(req.path);
    if (disc) return json(200, disc);
    const p = this.parse(req.path);
    if (!p)
      return fail(
        new StatusError(404, 'NotFound', `the server could not find the requested resource (${req.path})`),
      );
    const action = this.action(req, p);
    this.actions.push(action);
    for (const r of this.reactors) {
      const out = r(req, action);
      if (out) return out;
    }
    try {
      return this.serve(req, p, action);
    } catch (err) {
      if (err instanceof StatusError) return fail(err);
      return fail(badRequest(err instanceof Error ? err.message : String(err)));
    }
  }

  async stream(req: TransportRequest): Promise<TransportStream> {
    const p = this.parse(req.path);
    const q = req.query ?? new URLSearchParams();
    if (!p || p.name !== undefined) return bufferStream(await this.request(req));
    const action: FakeAction = { verb: 'watch', resource: p.res.resource, namespace: p.namespace };
    this.actions.push(action);
    for (const r of this.reactors) {
      const out = r(req, action);
      if (out) return bufferStream(out);
    }
    const from = q.get('resourceVersion');
    const tooOld = from !== null && from !== '' && from !== '0' && Number(from) < this.compactedBelow;
    if (tooOld && this.expireOverHttp)
      return bufferStream(fail(expired(`too old resource version: ${from}`)));
    const chunks: Buffer[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const w: Watcher = {
      res: p.res,
      namespace: p.namespace,
      bookmarks: q.get('allowWatchBookmarks') === 'true',
      send: (line) => {
        if (ended) return;
        chunks.push(Buffer.from(JSON.stringify(line) + '\n'));
        wake?.();
      },
      end: () => {
        ended = true;
        this.watchers.delete(w);
        wake?.();
      },
    };
    req.signal?.addEventListener('abort', () => w.end(), { once: true });
    if (tooOld) {
      w.send({ type: 'ERROR', object: expired(`too old resource version: ${from}`).status });
      w.end();
    } else {
      if (from === null || from === '' || from === '0') {
        for (const o of this.list(p.res.resource, p.namespace)) w.send({ type: 'ADDED', object: o });
      } else {
        for (const c of this.history)
          if (c.rv > Number(from) && this.matches(w, c)) w.send({ type: c.type, object: c.object });
      }
      this.watchers.add(w);
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      close: () => w.end(),
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const next = chunks.shift();
          if (next) {
            yield next;
            continue;
          }
          if (ended) return;
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
      },
    };
  }

  private matches(w: Watcher, c: Change): boolean {
    return c.res === w.res && (w.namespace === '' || c.object.metadata.namespace === w.namespace);
  }

  private record(res: FakeResource, type: Change['type'], object: KubeObject): void {
    const c: Change = { rv: this.rv, res, type, object: structuredClone(object) };
    this.history.push(c);
    for (const w of this.watchers) if (this.matches(w, c)) w.send({ type, object: c.object });
  }

  private key(p: Parsed, name: string): string {
    return `${p.res.resource}/${p.res.namespaced ? p.namespace + '/' : ''}${name}`;
  }

  private serve(req: TransportRequest, p: Parsed, a: FakeAction): TransportResponse {
    const q = req.query ?? new URLSearchParams();
    const stored = p.name !== undefined ? this.objects.get(this.key(p, p.name)) : undefined;
    const gone = (): StatusError => notFound(p.res.resource, p.res.group, p.name ?? '');
    switch (a.verb) {
      case 'get':
        if (!stored) throw gone();
        return json(200, stored);
      case 'list':
        return json(200, this.listBody(p, q));
      case 'create': {
        if (!isObject(a.body) || !isObject(a.body.metadata))
          throw badRequest('body must be an object with metadata');
        const obj = structuredClone(a.body) as KubeObject;
        let name = obj.metadata.name;
        if (!name && obj.metadata.generateName)
          name = obj.metadata.generateName + (++this.uid).toString(36).padStart(5, 'x');
        if (!name) throw badRequest('metadata.name: Required value');
        if (this.objects.has(this.key(p, name))) throw alreadyExists(p.res.resource, p.res.group, name);
        if (q.get('dryRun')) return json(201, obj);
        Object.assign(obj.metadata, {
          name,
          uid: `uid-${++this.uid}`,
          resourceVersion: String(++this.rv),
          creationTimestamp: new Date(0).toISOString().replace('.000', ''),
          ...(p.res.namespaced ? { namespace: p.namespace } : {}),
        });
        obj.apiVersion = formatApiVersion(p.res.group, p.res.version);
        obj.kind = p.res.kind;
        this.objects.set(this.key(p, name), obj);
        this.record(p.res, 'ADDED', obj);
        return json(201, obj);
      }
      case 'update':
      case 'patch': {
        if (!stored) throw gone();
        let next: KubeObject;
        if (a.verb === 'update') {
          const body = structuredClone(a.body) as KubeObject;
          next = p.subresource === 'status' ? { ...stored, status: body.status } : body;
        } else {
          const ct = req.contentType ?? '';
          const patch: unknown = Buffer.isBuffer(a.body) ? JSON.parse(a.body.toString('utf8')) : a.body;
          next = (
            ct.includes('json-patch') ? applyJsonPatch(stored, patch) : mergePatch(stored, patch)
          ) as KubeObject;
        }
        const want = next.metadata?.resourceVersion;
        if (want !== undefined && want !== '' && want !== stored.metadata.resourceVersion) {
          throw conflictModified(p.res.resource, p.res.group, p.name ?? '');
        }
        if (q.get('dryRun')) return json(200, next);
        next.metadata = {
          ...next.metadata,
          name: stored.metadata.name,
          namespace: stored.metadata.namespace,
          uid: stored.metadata.uid,
        };
        next.metadata.resourceVersion = String(++this.rv);
        next.apiVersion = stored.apiVersion;
        next.kind = stored.kind;
        this.objects.set(this.key(p, p.name ?? ''), next);
        this.record(p.res, 'MODIFIED', next);
        return json(200, next);
      }
      case 'delete': {
        if (!stored) throw gone();
        const pre = isObject(a.body) && isObject(a.body.preconditions) ? a.body.preconditions : {};
        if (
          typeof pre.resourceVersion === 'string' &&
          pre.resourceVersion !== stored.metadata.resourceVersion
        ) {
          throw conflictModified(p.res.resource, p.res.group, p.name ?? '');
        }
        this.objects.delete(this.key(p, p.name ?? ''));
        const last = structuredClone(stored);
        last.metadata.resourceVersion = String(++this.rv);
        this.record(p.res, 'DELETED', last);
        return json(200, { ...success, details: { name: p.name, kind: p.res.resource } });
      }
      default:
        throw badRequest(`unsupported verb ${a.verb}`);
    }
  }

  private listBody(p: Parsed, q: URLSearchParams): unknown {
    const labels = parseLabelSelector(q.get('labelSelector') ?? '');
    const fields = (q.get('fieldSelector') ?? '')
      .split(',')
      .filter(Boolean)
      .map((f) => f.split('='));
    let items = this.list(p.res.resource, p.namespace).filter(
      (o) =>
        matchesLabels(labels, o.metadata.labels) &&
        fields.every(([f, v]) => (f === 'metadata.name' ? o.metadata.name : o.metadata.namespace) === v),
    );
    const token = q.get('continue');
    const listRv = token ? JSON.parse(Buffer.from(token, 'base64url').toString()).rv : this.resourceVersion;
    if (token) {
      if (Number(listRv) < this.compactedBelow)
        throw expired('The provided continue parameter is too old to display a consistent list result.');
      const after: string = JSON.parse(Buffer.from(token, 'base64url').toString()).after;
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after);
    }
    const limit = Number(q.get('limit') ?? 0);
    const metadata: Record<string, unknown> = { resourceVersion: listRv };
    if (limit > 0 && items.length > limit) {
      items = items.slice(0, limit);
      const last = items[items.length - 1];
      const after = `${last.metadata.namespace ?? ''}/${last.metadata.name}`;
      metadata.continue = Buffer.from(JSON.stringify({ rv: listRv, after })).toString('base64url');
    }
    return {
      apiVersion: formatApiVersion(p.res.group, p.res.version),
      kind: `${p.res.kind}List`,
      metadata,
      items,
    };
  }

  private action(req: TransportRequest, p: Parsed): FakeAction {
    const verbs: Record<string, FakeAction['verb']> = {
      POST: 'create',
      PUT: 'update',
      PATCH: 'patch',
      DELETE: 'delete',
    };
    const verb =
      req.method === 'GET' ? (p.name === undefined ? 'list' : 'get') : (verbs[req.method] ?? 'get');
    const a: FakeAction = { verb, resource: p.res.resource, namespace: p.namespace };
    if (p.name !== undefined) a.name = p.name;
    if (p.subresource) a.subresource = p.subresource;
    if (req.body !== undefined)
      a.body = Buffer.isBuffer(req.body) ? JSON.parse(req.body.toString('utf8')) : structuredClone(req.body);
    return a;
  }

  private parse(path: string): Parsed | undefined {
    const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api') [group, version, rest] = ['', segs[1], segs.slice(2)];
    else if (segs[0] === 'apis') [group, version, rest] = [segs[1], segs[2], segs.slice(3)];
    else return undefined;
    let namespace = '';
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const res = this.resources.find(
      (r) => r.group === group && r.version === version && r.resource === rest[0],
    );
    if (!res || rest.length > 3) return undefined;
    const out: Parsed = { res, namespace };
    if (rest[1] !== undefined) out.name = rest[1];
    if (rest[2] !== undefined) out.subresource = rest[2];
    return out;
  }

  private discovery(path: string): unknown {
    const gvs = [...new Set(this.resources.map((r) => formatApiVersion(r.group, r.version)))];
    if (path === '/api') return { kind: 'APIVersions', versions: gvs.filter((gv) => !gv.includes('/')) };
    if (path === '/apis') {
      const groups = gvs
        .filter((gv) => gv.includes('/'))
        .map((gv) => {
          const [name, version] = gv.split('/');
          return {
            name,
            versions: [{ groupVersion: gv, version }],
            preferredVersion: { groupVersion: gv, version },
          };
        });
      return { kind: 'APIGroupList', apiVersion: 'v1', groups };
    }
    const m = /^\/(?:api\/(v[^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!m) return undefined;
    const gv = m[1] ?? `${m[2]}/${m[3]}`;
    const resources = this.resources
      .filter((r) => formatApiVersion(r.group, r.version) === gv)
      .map((r) => ({
        name: r.resource,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      }));
    return resources.length
      ? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources }
      : undefined;
  }
}

/** A finished response presented as a stream (errors of streaming calls). */
function bufferStream(res: TransportResponse): TransportStream {
  return {
    status: res.status,
    headers: res.headers,
    close: () => {},
    async *[Symbol.asyncIterator]() {
      yield res.body;
    },
  };
}
