/**
 * Whether a CRD's names may be served: its plural, singular, short names, kind and list kind must not
 * already be in use in its group (by a built-in kind or another CRD's accepted names), and its short
 * names must not shadow a built-in short name anywhere (kubectl would resolve them to the built-in).
 * The reasons are Kubernetes' NamesAccepted reasons (PluralConflict, SingularConflict, …).
 */
import type { KindDef } from '../../api/kinds/types.ts';

/** CustomResourceDefinitionNames, as requested in spec.names or accepted in status.acceptedNames. */
export interface CrdNames {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
}

/** Names held by someone else in the CRD's group, and short names held by built-ins anywhere. */
export interface NamesInUse {
  /** Resources (plural or singular) and short names of the group's other kinds. */
  resources: Set<string>;
  /** Kind and list kind names of the group's other kinds. */
  kinds: Set<string>;
  /** Short names of built-in kinds in every group. */
  builtinShortNames: Set<string>;
}

export interface NamesVerdict {
  accepted: boolean;
  reason: string;
  message: string;
}

/** Reads names from a names object (spec.names / status.acceptedNames), filling Kubernetes' defaults. */
export function readNames(v: unknown): CrdNames {
  const o = (v !== null && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const s = (x: unknown) => (typeof x === 'string' ? x : '');
  const list = (x: unknown) => (Array.isArray(x) ? x.filter((e): e is string => typeof e === 'string') : []);
  const kind = s(o.kind);
  return {
    plural: s(o.plural),
    singular: s(o.singular) || kind.toLowerCase(),
    kind,
    listKind: s(o.listKind) || (kind ? `${kind}List` : ''),
    shortNames: list(o.shortNames),
    categories: list(o.categories),
  };
}

/** Adds what a kind holds to `used`. */
export function addKindNames(
  used: NamesInUse,
  k: Pick<KindDef, 'resource' | 'singular' | 'kind' | 'listKind' | 'shortNames'>,
): void {
  used.resources.add(k.resource);
  if (k.singular) used.resources.add(k.singular);
  for (const s of k.shortNames ?? []) used.resources.add(s);
  used.kinds.add(k.kind);
  used.kinds.add(k.listKind);
}

/** Decides NamesAccepted for `names` given what is in use. */
export function checkNames(names: CrdNames, used: NamesInUse): NamesVerdict {
  const inUse = (what: string) => `"${what}" is already in use`;
  if (used.resources.has(names.plural))
    return { accepted: false, reason: 'PluralConflict', message: inUse(names.plural) };
  if (used.resources.has(names.singular))
    return { accepted: false, reason: 'SingularConflict', message: inUse(names.singular) };
  for (const s of names.shortNames) {
    if (used.resources.has(s) || used.builtinShortNames.has(s))
      return { accepted: false, reason: 'ShortNamesConflict', message: inUse(s) };
  }
  if (used.kinds.has(names.kind))
    return { accepted: false, reason: 'KindConflict', message: inUse(names.kind) };
  if (used.kinds.has(names.listKind))
    return { accepted: false, reason: 'ListKindConflict', message: inUse(names.listKind) };
  return { accepted: true, reason: 'NoConflicts', message: 'no conflicts found' };
}
