/**
 * The parts of create and update every kind shares, as Kubernetes' generic registry does them:
 * uid, creationTimestamp, generation, generateName, server-owned metadata kept across updates, and
 * the rule that a spec change (anything outside metadata and status) bumps metadata.generation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { KindDef } from '../../api/kinds/types.ts';
import type { KubeObject } from '../../api/object.ts';

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function nowTimestamp(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  // Every write stamps a time; within one second the text is the same, so it is formatted once.
  if (second !== lastSecond) {
    lastSecond = second;
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return lastText;
}
let lastSecond = NaN;
let lastText = '';

const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName + 5 random characters from Kubernetes' consonant-and-digit alphabet. */
export function generatedName(base: string): string {
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += nameAlphabet[b % nameAlphabet.length];
  // Kubernetes keeps the generated name within 63 characters by trimming the base.
  return base.slice(0, 58) + suffix;
}

/** Fills server-owned metadata on a new object and clears what a client may not set. */
export function prepareMetaForCreate(kind: KindDef, obj: KubeObject, now = Date.now()): void {
  const m = obj.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = nowTimestamp(now);
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  if (kind.hasStatus) {
    m.generation = 1;
    if (!kind.keepStatusOnCreate) delete obj.status;
  } else {
    delete m.generation;
  }
  if (!m.name && m.generateName) m.name = generatedName(m.generateName);
}

/** Everything but metadata and status: a change here is a spec change. */
function specPart(obj: KubeObject): string {
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(obj).sort()) {
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') rest[k] = obj[k];
  }
  return stableStringify(rest);
}

/** Copies server-owned metadata from the stored object and bumps generation on spec changes. */
export function prepareMetaForUpdate(kind: KindDef, obj: KubeObject, old: KubeObject): void {
  const m = obj.metadata;
  const o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  if (kind.hasStatus) {
    m.generation = o.generation ?? 1;
    if (specPart(obj) !== specPart(old)) m.generation += 1;
  } else {
    delete m.generation;
  }
}

/** JSON with object keys in sorted order, so equal values give equal text. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** True when two objects are the same apart from resourceVersion (a no-op update). */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return stableStringify(strip(a)) === stableStringify(strip(b));
}
