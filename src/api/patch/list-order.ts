/**
 * Element order after a strategic merge of a list. The patch decides the order of the elements it
 * names (by `$setElementOrder/<list>`, or by its own order); elements only the server has keep
 * their relative order and stay near the neighbours they had in the live list. kubectl relies on
 * this so that `apply` reorders containers to match the manifest without dropping or shuffling
 * what other writers added.
 */

/** A comparable identity for a list element: its merge key value, or the value itself. */
export type ElementKey = (item: unknown) => string | undefined;

/** Identity by merge key (map elements) or by value (primitive elements). */
export function elementKey(mergeKey: string | undefined): ElementKey {
  return (item) => {
    if (mergeKey === undefined)
      return item === null || typeof item !== 'object' ? JSON.stringify(item) : undefined;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
    const v = (item as Record<string, unknown>)[mergeKey];
    return v === undefined ? undefined : JSON.stringify(v);
  };
}

function positions(list: readonly unknown[], key: ElementKey): Map<string, number> {
  const at = new Map<string, number>();
  list.forEach((item, i) => {
    const k = key(item);
    if (k !== undefined && !at.has(k)) at.set(k, i);
  });
  return at;
}

/**
 * Orders `merged` (the merged elements: live ones first in live order, then new ones) so that the
 * elements named in `wanted` follow its order and the others are woven back in by their position
 * in `live`.
 */
export function orderElements(
  merged: readonly unknown[],
  wanted: readonly unknown[],
  live: readonly unknown[],
  key: ElementKey,
): unknown[] {
  const wantedAt = positions(wanted, key);
  const liveAt = positions(live, key);
  const named: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const item of merged) {
    const k = key(item);
    if (k !== undefined && wantedAt.has(k)) named.push(item);
    else serverOnly.push(item);
  }
  named.sort((a, b) => wantedAt.get(key(a)!)! - wantedAt.get(key(b)!)!);

  // Weave: take a server-only element first only when both are in the live list and it came
  // first there; otherwise the patch's element goes first.
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < named.length) {
    if (j >= named.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(named[j++]);
    else {
      const ka = key(serverOnly[i]);
      const kb = key(named[j]);
      const li = ka === undefined ? undefined : liveAt.get(ka);
      const ri = kb === undefined ? undefined : liveAt.get(kb);
      if (li !== undefined && ri !== undefined && li < ri) out.push(serverOnly[i++]);
      else out.push(named[j++]);
    }
  }
  return out;
}
