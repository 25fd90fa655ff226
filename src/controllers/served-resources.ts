/**
 * What the API serves right now, read fresh from legacy discovery (no cache: controllers call this
 * to notice CRDs coming and going). One entry per resource in its group's preferred version, so an
 * object served under several versions is seen once. Group versions that fail to answer are listed
 * in `failed` rather than thrown, so a caller can work with the rest and decide how careful to be.
 */
import { formatApiVersion, isObject } from '../api/object.ts';
import type { Client } from '../client/client.ts';

/** One top-level resource (no subresources) in its group's preferred version. */
export interface ServedResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

export interface ServedResources {
  resources: ServedResource[];
  /** groupVersions whose resource list could not be read. */
  failed: { groupVersion: string; error: unknown }[];
}

/** `group/resource` ("resource" for the core group): a stable key across versions. */
export function groupResource(r: { group: string; resource: string }): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** True when the resource supports every verb in `verbs`. */
export function supports(r: ServedResource, ...verbs: string[]): boolean {
  return verbs.every((v) => r.verbs.includes(v));
}

async function preferredGroupVersions(client: Client): Promise<string[]> {
  const [core, apis] = await Promise.all([client.getJson('/api'), client.getJson('/apis')]);
  const out: string[] = [];
  if (isObject(core) && Array.isArray(core.versions) && typeof core.versions[0] === 'string')
    out.push(core.versions[0]);
  if (isObject(apis) && Array.isArray(apis.groups)) {
    for (const g of apis.groups) {
      if (!isObject(g)) continue;
      const preferred = isObject(g.preferredVersion) ? g.preferredVersion.groupVersion : undefined;
      const first =
        Array.isArray(g.versions) && isObject(g.versions[0]) ? g.versions[0].groupVersion : undefined;
      const gv = typeof preferred === 'string' ? preferred : first;
      if (typeof gv === 'string') out.push(gv);
    }
  }
  return out;
}

/** Reads /api, /apis and each preferred groupVersion; throws only when the roots cannot be read. */
export async function servedResources(client: Client): Promise<ServedResources> {
  const gvs = await preferredGroupVersions(client);
  const out: ServedResources = { resources: [], failed: [] };
  await Promise.all(
    gvs.map(async (gv) => {
      const slash = gv.indexOf('/');
      const [group, version] = slash < 0 ? ['', gv] : [gv.slice(0, slash), gv.slice(slash + 1)];
      let doc: unknown;
      try {
        doc = await client.getJson(group === '' ? `/api/${version}` : `/apis/${group}/${version}`);
      } catch (error) {
        out.failed.push({ groupVersion: formatApiVersion(group, version), error });
        return;
      }
      if (!isObject(doc) || !Array.isArray(doc.resources)) return;
      for (const r of doc.resources) {
        if (!isObject(r) || typeof r.name !== 'string' || r.name.includes('/') || typeof r.kind !== 'string')
          continue;
        const verbs = Array.isArray(r.verbs) ? r.verbs.filter((v): v is string => typeof v === 'string') : [];
        out.resources.push({
          group,
          version,
          resource: r.name,
          kind: r.kind,
          namespaced: r.namespaced === true,
          verbs,
        });
      }
    }),
  );
  out.resources.sort((a, b) => (groupResource(a) < groupResource(b) ? -1 : 1));
  return out;
}
