/**
 * Discovery, in both forms kubectl reads: aggregated (apidiscovery.k8s.io/v2, one document for /api and
 * one for /apis) and the legacy lists (APIVersions, APIGroupList, APIGroup, APIResourceList). Both are
 * derived from the kind registry and rebuilt only when it changes.
 */
import { createHash } from 'node:crypto';
import type { KindDef, Subresource } from '../../api/kinds/types.ts';
import type { KindRegistry } from '../../api/kinds/registry.ts';
import { formatApiVersion } from '../../api/object.ts';

export const defaultVerbs = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

function verbsOf(k: KindDef): string[] {
  return k.verbs ?? (k.virtual ? ['create'] : defaultVerbs);
}

/** Every subresource of a kind, status and scale included, with the kind each answers with. */
export function subresourcesOf(k: KindDef): Subresource[] {
  const out: Subresource[] = [];
  if (k.hasStatus) {
    out.push({
      name: 'status',
      responseKind: { group: k.group, version: k.version, kind: k.kind },
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (k.scale) {
    out.push({
      name: 'scale',
      responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      verbs: ['get', 'patch', 'update'],
    });
  }
  for (const s of k.subresources ?? []) if (!out.some((x) => x.name === s.name)) out.push(s);
  return out;
}

function storageVersionHash(k: KindDef): string {
  return createHash('sha256').update(`${k.group}/${k.version}/${k.kind}`).digest('base64').slice(0, 11);
}

function discoveryResource(k: KindDef) {
  const r: Record<string, unknown> = {
    resource: k.resource,
    responseKind: { group: k.group, version: k.version, kind: k.kind },
    scope: k.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: k.singular,
    verbs: verbsOf(k),
  };
  if (k.shortNames?.length) r.shortNames = k.shortNames;
  if (k.categories?.length) r.categories = k.categories;
  const subs = subresourcesOf(k);
  if (subs.length) {
    r.subresources = subs.map((s) => ({ subresource: s.name, responseKind: s.responseKind, verbs: s.verbs }));
  }
  return r;
}

export class Discovery {
  private readonly registry: KindRegistry;
  private cache = new Map<string, string>();

  constructor(registry: KindRegistry) {
    this.registry = registry;
  }

  /** Forget cached documents (after kinds were added or removed). */
  invalidate(): void {
    this.cache = new Map();
  }

  private memo(key: string, build: () => unknown): string {
    let v = this.cache.get(key);
    if (v === undefined) {
      v = JSON.stringify(build());
      this.cache.set(key, v);
    }
    return v;
  }

  /** apidiscovery.k8s.io/v2 APIGroupDiscoveryList for /api (legacy = true) or /apis. */
  aggregated(legacy: boolean): string {
    return this.memo(`agg:${legacy}`, () => ({
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
      metadata: {},
      items: this.registry
        .groups()
        .filter((g) => (g.group === '') === legacy)
        .map((g) => ({
          metadata: { name: g.group },
          versions: g.versions.map((v) => ({
            version: v,
            resources: this.registry.kindsOf(g.group, v).map(discoveryResource),
            freshness: 'Current',
          })),
        })),
    }));
  }

  apiVersions(serverAddress: string): string {
    return this.memo(`versions:${serverAddress}`, () => ({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    }));
  }

  private group(name: string) {
    const g = this.registry.groups().find((x) => x.group === name);
    if (!g) return undefined;
    const versions = g.versions.map((v) => ({ groupVersion: formatApiVersion(name, v), version: v }));
    return { name, versions, preferredVersion: versions[0] };
  }

  apiGroupList(): string {
    return this.memo('groups', () => ({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: this.registry
        .groups()
        .filter((g) => g.group !== '')
        .map((g) => this.group(g.group)),
    }));
  }

  apiGroup(name: string): string | undefined {
    if (!this.group(name) || name === '') return undefined;
    return this.memo(`group:${name}`, () => ({ kind: 'APIGroup', apiVersion: 'v1', ...this.group(name) }));
  }

  /** APIResourceList of one group/version, subresources listed as `resource/sub`. */
  resourceList(group: string, version: string): string | undefined {
    const kinds = this.registry.kindsOf(group, version);
    if (kinds.length === 0) return undefined;
    return this.memo(`resources:${group}/${version}`, () => ({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: formatApiVersion(group, version),
      resources: kinds.flatMap((k) => {
        const main: Record<string, unknown> = {
          name: k.resource,
          singularName: k.singular,
          namespaced: k.namespaced,
          kind: k.kind,
          verbs: verbsOf(k),
        };
        if (k.shortNames?.length) main.shortNames = k.shortNames;
        if (k.categories?.length) main.categories = k.categories;
        if (!k.virtual) main.storageVersionHash = storageVersionHash(k);
        return [
          main,
          ...subresourcesOf(k).map((s) => {
            const r: Record<string, unknown> = {
              name: `${k.resource}/${s.name}`,
              singularName: '',
              namespaced: k.namespaced,
              kind: s.responseKind.kind,
              verbs: s.verbs,
            };
            if (s.responseKind.group !== k.group || s.responseKind.version !== k.version) {
              r.group = s.responseKind.group;
              r.version = s.responseKind.version;
            }
            return r;
          }),
        ];
      }),
    }));
  }
}
