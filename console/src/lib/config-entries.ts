/**
 * The key/value editor's model for ConfigMaps and Secrets: rows (key, value, text or binary) read
 * from an object, checked the way the API server checks data keys, and turned back into the object
 * to POST or PUT. Text values are kept as text; binary ones (files that are not UTF-8) as base64,
 * so a ConfigMap puts them in binaryData and a Secret stores them unchanged. A PUT body keeps the
 * object's metadata (resourceVersion included), so a concurrent change is refused with 409.
 */
import type { ConfigMap, Secret } from '../api/workload-types.ts';

/** One row of the editor. `value` is text, or base64 when `binary`. */
export interface DataEntry {
  /** Stable row identity (React key), never sent. */
  id: string;
  key: string;
  value: string;
  binary: boolean;
}

let counter = 0;

/** A new row; ids are unique within the page. */
export function newEntry(key = '', value = '', binary = false): DataEntry {
  counter += 1;
  return { id: `e${counter}`, key, value, binary };
}

/** Base64 of raw bytes. */
export function bytesToBase64(bytes: Uint8Array): string {
  let raw = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    raw += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(raw);
}

/** The bytes of a base64 string, or undefined when it is not base64. */
export function base64ToBytes(b64: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** Base64 of the UTF-8 encoding of `text` (a Secret's data value). */
export function textToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}

/** `bytes` as text when they are valid UTF-8, else undefined. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Size in bytes of a row's value as it will be stored. */
export function entrySize(e: DataEntry): number {
  if (e.binary) return base64ToBytes(e.value)?.length ?? 0;
  return new TextEncoder().encode(e.value).length;
}

/** A row from a loaded file: its name is the key, its text the value, or base64 when binary. */
export function entryFromFile(name: string, bytes: Uint8Array): DataEntry {
  const text = utf8Text(bytes);
  return text === undefined ? newEntry(name, bytesToBase64(bytes), true) : newEntry(name, text);
}

/**
 * Adds file rows: a file whose name is already a key replaces that row's value (loading a file
 * again updates it); other files are appended.
 */
export function mergeFileEntries(entries: readonly DataEntry[], files: readonly DataEntry[]): DataEntry[] {
  const out = [...entries];
  for (const f of files) {
    const at = out.findIndex((e) => e.key === f.key);
    if (at >= 0) out[at] = { ...out[at], value: f.value, binary: f.binary };
    else out.push(f);
  }
  return out;
}

/** Rows of a ConfigMap: data as text, binaryData as binary, sorted by key. */
export function entriesFromConfigMap(cm: ConfigMap | undefined): DataEntry[] {
  const rows = [
    ...Object.entries(cm?.data ?? {}).map(([k, v]) => newEntry(k, v)),
    ...Object.entries(cm?.binaryData ?? {}).map(([k, v]) => newEntry(k, v, true)),
  ];
  return rows.sort((a, b) => a.key.localeCompare(b.key));
}

/** Rows of a Secret: values decoded to text when they are UTF-8, kept as base64 otherwise. */
export function entriesFromSecret(s: Secret | undefined): DataEntry[] {
  return Object.entries(s?.data ?? {})
    .map(([k, b64]) => {
      const bytes = base64ToBytes(b64);
      const text = bytes && utf8Text(bytes);
      return text === undefined ? newEntry(k, b64, true) : newEntry(k, text);
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** Why `key` is not a valid ConfigMap/Secret data key, or undefined when it is. */
export function dataKeyError(key: string): string | undefined {
  if (key === '') return 'a key is required';
  if (key.length > 253) return 'at most 253 characters';
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) return 'letters, digits, "-", "_" and "." only';
  if (key === '.' || key === '..' || key.startsWith('..')) return 'must not be "." or start with ".."';
  return undefined;
}

/** Why `name` is not a valid object name (DNS-1123 subdomain), or undefined. */
export function objectNameError(name: string): string | undefined {
  if (name === '') return 'a name is required';
  if (name.length > 253) return 'at most 253 characters';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name))
    return 'lower-case letters, digits, "-" and ".", starting and ending with a letter or digit';
  return undefined;
}

/** Key errors by row id: invalid keys, and every row after the first that repeats a key. */
export function entryErrors(entries: readonly DataEntry[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const seen = new Set<string>();
  for (const e of entries) {
    const err = dataKeyError(e.key);
    if (err) errors[e.id] = err;
    else if (seen.has(e.key)) errors[e.id] = `duplicate key "${e.key}"`;
    seen.add(e.key);
  }
  return errors;
}

/** Name and namespace of a new object; ignored when editing (the base keeps its own). */
export interface NewObjectMeta {
  name: string;
  namespace: string;
}

/**
 * The ConfigMap to send: `base` (when editing) with its data replaced by the rows, or a new one.
 * Empty maps are left out so the object stays as kubectl would write it.
 */
export function configMapBody(
  entries: readonly DataEntry[],
  meta: NewObjectMeta,
  base?: ConfigMap,
): ConfigMap {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const e of entries) (e.binary ? binaryData : data)[e.key] = e.value;
  const {
    data: _d,
    binaryData: _b,
    ...rest
  } = base ?? {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: meta.name, namespace: meta.namespace },
  };
  return {
    ...rest,
    ...(Object.keys(data).length > 0 ? { data } : {}),
    ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
  };
}

/**
 * The Secret to send: every value base64-encoded in data (text as UTF-8, binary unchanged);
 * `type` applies to a new Secret only (the server keeps a Secret's type immutable). stringData is
 * dropped so it cannot override the rows.
 */
export function secretBody(
  entries: readonly DataEntry[],
  meta: NewObjectMeta & { type: string },
  base?: Secret,
): Secret {
  const data: Record<string, string> = {};
  for (const e of entries) data[e.key] = e.binary ? e.value : textToBase64(e.value);
  const fresh: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: meta.name, namespace: meta.namespace },
    type: meta.type || 'Opaque',
  };
  const { data: _d, stringData: _s, ...rest } = (base ?? fresh) as Secret & { stringData?: unknown };
  return { ...rest, ...(Object.keys(data).length > 0 ? { data } : {}) };
}

/** The Secret types offered when creating one; the server checks the keys each type requires. */
export const secretTypes = [
  'Opaque',
  'kubernetes.io/basic-auth',
  'kubernetes.io/ssh-auth',
  'kubernetes.io/tls',
  'kubernetes.io/dockerconfigjson',
] as const;
