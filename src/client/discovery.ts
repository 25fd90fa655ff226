/**
 * Resource discovery through the legacy endpoints: /api (core versions), /apis (groups) and one
 * APIResourceList per group/version. Answers are cached per group/version; a kind that is not found
 * refreshes the cache once (a CRD may have appeared) before giving up with 404.
 */
import { StatusError } from '../api/errors.ts';
import { formatApiVersion, isObject, parseApiVersion } from '../api/object.ts';

/** One entry of an APIResourceList, as discovery serves it. */
export interface DiscoveredResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

/** A served group/version and its resources (subresources such as `pods/status` included). */
export interface DiscoveredGroupVersion {
  groupVersion: string;
  resources: DiscoveredResource[];
}

type GetJson = (path: string) => Promise<unknown>;

function asResources(v: unknown): DiscoveredResource[] {
  if (!isObject(v) || !Array.isArray(v.resources)) return [];
  return v.resources.filter(
    (r): r is DiscoveredResource => isObject(r) && typeof r.name === 'string' && typeof r.kind === 'string',
  );
}

/** Cached discovery over a JSON getter (the Client supplies one). */
export class Discovery {
  private readonly get: GetJson;
  private readonly byGroupVersion = new Map<string, Promise<DiscoveredResource[]>>();
  private groups: Promise<string[]> | undefined;

  constructor(get: GetJson) {
    this.get = get;
  }

  /** Every served groupVersion (preferred or not), core first. */
  groupVersions(): Promise<string[]> {
    this.groups ??= (async () => {
      const [core, apis] = await Promise.all([this.get('/api'), this.get('/apis')]);
      const out: string[] = [];
      if (isObject(core) && Array.isArray(core.versions))
        for (const v of core.versions) if (typeof v === 'string') out.push(v);
      if (isObject(apis) && Array.isArray(apis.groups)) {
        for (const g of apis.groups) {
          if (!isObject(g) || !Array.isArray(g.versions)) continue;
          for (const v of g.versions)
            if (isObject(v) && typeof v.groupVersion === 'string') out.push(v.groupVersion);
        }
      }
      return out;
    })();
    this.groups.catch(() => (this.groups = undefined));
    return this.groups;
  }

  /** The resources of one groupVersion (cached; a failed fetch is not cached). */
  resources(apiVersion: string): Promise<DiscoveredResource[]> {
    let p = this.byGroupVersion.get(apiVersion);
    if (!p) {
      const { group, version } = parseApiVersion(apiVersion);
      p = this.get(group === '' ? `/api/${version}` : `/apis/${group}/${version}`).then(asResources);
      p.catch(() => this.byGroupVersion.delete(apiVersion));
      this.byGroupVersion.set(apiVersion, p);
    }
    return p;
  }

  /** All served groupVersions with their resources. */
  async all(): Promise<DiscoveredGroupVersion[]> {
    const gvs = await this.groupVersions();
    return Promise.all(gvs.map(async (gv) => ({ groupVersion: gv, resources: await this.resources(gv) })));
  }

  /** The top-level resource serving `kind` in `apiVersion`; 404 StatusError when none does. */
  async resourceFor(apiVersion: string, kind: string): Promise<DiscoveredResource> {
    const gv = formatApiVersion(parseApiVersion(apiVersion).group, parseApiVersion(apiVersion).version);
    const find = async (): Promise<DiscoveredResource | undefined> =>
      (
        await this.resources(gv).catch((err: unknown) => {
          if (err instanceof StatusError && err.code === 404) return [];
          throw err;
        })
      ).find((r) => r.kind === kind && !r.name.includes('/'));
    let r = await find();
    if (!r) {
      this.invalidate();
      r = await find();
    }
    if (!r)
      throw new StatusError(404, 'NotFound', `no matches for kind "${kind}" in version "${apiVersion}"`);
    return r;
  }

  /** Forgets everything cached (after CRDs change). */
  invalidate(): void {
    this.byGroupVersion.clear();
    this.groups = undefined;
  }
}
