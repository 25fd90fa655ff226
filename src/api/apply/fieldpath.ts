/**
 * Field sets in the FieldsV1 format that managedFields carry, used directly as the in-memory form so
 * that decoding and encoding managedFields costs nothing. A set is a tree of path elements:
 *
 *   `f:name`              a field of a struct or a key of a map
 *   `k:{"name":"web"}`    an element of an associative list, by its key fields (sorted by name)
 *   `v:"x"`               an element of a set-like list, by its value
 *   `i:3`                 an element by index (not produced here: other lists are atomic)
 *
 * A node is a member of the set when it is a leaf (`{}`) or holds the `.` marker; inner nodes
 * without `.` only lead to members below them. Set operations never mutate their inputs.
 */
import { isObject } from '../object.ts';

/** One node of a field set; the root is never itself a member. */
export type FieldSet = { [element: string]: FieldSet };

const SELF = '.';

/** True when the node at this position is itself in the set. */
export function isMember(node: FieldSet): boolean {
  for (const k in node) return k === SELF || Object.hasOwn(node, SELF);
  return true;
}

/** True when the set has no members. */
export function isEmpty(set: FieldSet): boolean {
  for (const k in set) if (k !== SELF) return false;
  return true;
}

/** Builds a node from its membership and children; undefined when it would hold nothing. */
function node(member: boolean, children: FieldSet | undefined): FieldSet | undefined {
  if (!children || isEmpty(children)) return member ? {} : undefined;
  if (!member) return children;
  return { [SELF]: {}, ...children };
}

function childEntries(n: FieldSet): [string, FieldSet][] {
  return Object.entries(n).filter(([k]) => k !== SELF);
}

/** Members of `a` or `b`. */
export function union(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(b)) return a;
  if (isEmpty(a)) return b;
  const out: FieldSet = {};
  for (const [k, v] of childEntries(a)) out[k] = v;
  for (const [k, v] of childEntries(b)) {
    const mine = out[k];
    out[k] = mine ? node(isMember(mine) || isMember(v), union(mine, v))! : v;
  }
  return out;
}

/** Members of `a` that are not members of `b`. */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(b) || isEmpty(a)) return a;
  const out: FieldSet = {};
  for (const [k, v] of childEntries(a)) {
    const other = b[k];
    if (!other) {
      out[k] = v;
      continue;
    }
    const n = node(isMember(v) && !isMember(other), difference(v, other));
    if (n) out[k] = n;
  }
  return out;
}

/** Members of both `a` and `b`. */
export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = {};
  if (isEmpty(a) || isEmpty(b)) return out;
  for (const [k, v] of childEntries(a)) {
    const other = b[k];
    if (!other) continue;
    const n = node(isMember(v) && isMember(other), intersection(v, other));
    if (n) out[k] = n;
  }
  return out;
}

/** True when both sets have exactly the same members. */
export function equalSets(a: FieldSet, b: FieldSet): boolean {
  const ka = Object.keys(a).filter((k) => k !== SELF);
  const kb = Object.keys(b).filter((k) => k !== SELF);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    const x = a[k];
    const y = b[k];
    if (!y || isMember(x) !== isMember(y) || !equalSets(x, y)) return false;
  }
  return true;
}

/** Adds the path `elements` (a member) to `set` in place; returns the member's node. */
export function insert(set: FieldSet, elements: readonly string[]): FieldSet {
  let cur = set;
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    let next = cur[e];
    if (!next) {
      next = {};
      cur[e] = next;
    } else if (i === elements.length - 1 && !isEmpty(next)) {
      next[SELF] = {};
    } else if (i < elements.length - 1 && isEmpty(next)) {
      // A leaf that gains children stays a member.
      next[SELF] = {};
    }
    cur = next;
  }
  return cur;
}

/** The node at `elements`, if the set reaches that far. */
export function lookup(set: FieldSet, elements: readonly string[]): FieldSet | undefined {
  let cur: FieldSet | undefined = set;
  for (const e of elements) {
    cur = cur[e];
    if (!cur) return undefined;
  }
  return cur;
}

/** `f:name` */
export function fieldElement(name: string): string {
  return 'f:' + name;
}

/** `v:<json>` */
export function valueElement(value: unknown): string {
  return 'v:' + JSON.stringify(value);
}

/** `k:{...}` with the key fields in name order, as Kubernetes writes them. */
export function keyElement(keys: Record<string, unknown>): string {
  const names = Object.keys(keys).sort();
  return 'k:{' + names.map((n) => `${JSON.stringify(n)}:${JSON.stringify(keys[n])}`).join(',') + '}';
}

/** One path element in the human form Kubernetes uses in conflict messages. */
export function elementString(e: string): string {
  const body = e.slice(2);
  switch (e.slice(0, 2)) {
    case 'f:':
      return '.' + body;
    case 'v:':
      return `[=${body}]`;
    case 'i:':
      return `[${body}]`;
    case 'k:': {
      try {
        const keys = JSON.parse(body) as Record<string, unknown>;
        return (
          '[' +
          Object.keys(keys)
            .sort()
            .map((k) => `${k}=${JSON.stringify(keys[k])}`)
            .join(',') +
          ']'
        );
      } catch {
        return `[${body}]`;
      }
    }
    default:
      return e;
  }
}

/** A path such as `.spec.template.spec.containers[name="web"].image`. */
export function pathString(elements: readonly string[]): string {
  return elements.map(elementString).join('');
}

/** Every member's path, depth first in key order. */
export function members(set: FieldSet): string[][] {
  const out: string[][] = [];
  const walk = (n: FieldSet, path: string[]): void => {
    for (const k of Object.keys(n).sort()) {
      if (k === SELF) continue;
      const child = n[k];
      const p = [...path, k];
      if (isMember(child)) out.push(p);
      walk(child, p);
    }
  };
  walk(set, []);
  return out;
}

/**
 * Checks that a decoded fieldsV1 value has the set's shape (objects all the way down, known element
 * prefixes) and returns it as a FieldSet; undefined when it does not.
 */
export function parseFieldSet(v: unknown): FieldSet | undefined {
  if (!isObject(v)) return undefined;
  for (const [k, child] of Object.entries(v)) {
    if (k !== SELF && !/^[fkvi]:/.test(k)) return undefined;
    if (parseFieldSet(child) === undefined) return undefined;
  }
  return v as FieldSet;
}

/** The set in Kubernetes' serialized order: `.` first, then elements sorted; a fresh copy. */
export function sortedFieldSet(set: FieldSet): FieldSet {
  const out: FieldSet = {};
  if (Object.hasOwn(set, SELF)) out[SELF] = {};
  for (const k of Object.keys(set).sort()) if (k !== SELF) out[k] = sortedFieldSet(set[k]);
  return out;
}
