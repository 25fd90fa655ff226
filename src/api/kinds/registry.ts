/**
 * The catalogue of every kind the API serves: lookups by resource (for URLs), by kind (for request
 * bodies and kubectl's mappings) and by short name, and the merged schema definitions. Built once at
 * start from the group modules; read-only afterwards. Custom resources (a later issue) will add to it
 * at run time through `add`/`remove`.
 */
import type { Definitions } from '../schema/types.ts';
import type { GroupModule, KindDef } from './types.ts';

/** Group/version pairs in the order discovery lists them (preferred version first within a group). */
export interface GroupVersions {
  group: string;
  versions: string[];
}

export class KindRegistry {
  readonly definitions: Definitions = {};
  private readonly byResource = new Map<string, KindDef>();
  private readonly byKind = new Map<string, KindDef>();
  private readonly groupOrder: GroupVersions[] = [];

  constructor(modules: GroupModule[]) {
    for (const m of modules) {
      Object.assign(this.definitions, m.definitions);
      for (const k of m.kinds) this.add(k);
    }
  }

  /** Adds a kind; a later add of the same group/version/resource replaces the earlier one. */
  add(k: KindDef): void {
    this.byResource.set(resourceKey(k.group, k.version, k.resource), k);
    this.byKind.set(kindKey(k.group, k.version, k.kind), k);
    let g = this.groupOrder.find((x) => x.group === k.group);
    if (!g) {
      g = { group: k.group, versions: [] };
      this.groupOrder.push(g);
    }
    if (!g.versions.includes(k.version)) {
      g.versions.push(k.version);
      g.versions.sort(compareVersions);
    }
  }

  remove(group: string, version: string, resource: string): void {
    const k = this.byResource.get(resourceKey(group, version, resource));
    if (!k) return;
    this.byResource.delete(resourceKey(group, version, resource));
    this.byKind.delete(kindKey(group, version, k.kind));
    const g = this.groupOrder.find((x) => x.group === group);
    if (g && !this.kinds().some((x) => x.group === group && x.version === version)) {
      g.versions = g.versions.filter((v) => v !== version);
      if (g.versions.length === 0) this.groupOrder.splice(this.groupOrder.indexOf(g), 1);
    }
  }

  byGVR(group: string, version: string, resource: string): KindDef | undefined {
    return this.byResource.get(resourceKey(group, version, resource));
  }

  byGVK(group: string, version: string, kind: string): KindDef | undefined {
    return this.byKind.get(kindKey(group, version, kind));
  }

  kinds(): KindDef[] {
    return [...this.byResource.values()];
  }

  /** Every served group with its versions, preferred (newest stable) first. */
  groups(): GroupVersions[] {
    return this.groupOrder;
  }

  kindsOf(group: string, version: string): KindDef[] {
    return this.kinds().filter((k) => k.group === group && k.version === version);
  }

  /** The group/resource whose storage holds a kind's objects. */
  storageOf(k: KindDef): { group: string; resource: string } {
    return k.storedAs ?? { group: k.group, resource: k.resource };
  }
}

function resourceKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

function kindKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/**
 * Kubernetes' version priority: GA > beta > alpha, higher numbers first (v2 > v1 > v1beta2 > v1beta1).
 */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [sa, ma, na] = rank(a);
  const [sb, mb, nb] = rank(b);
  return sb - sa || mb - ma || nb - na || a.localeCompare(b);
}
