/**
 * YAML in the console: objects shown as YAML (without managedFields, which only tools read), and
 * manifests typed by the user parsed into one object with a clear message when they are not a
 * single Kubernetes object of a kind the console can create.
 */
import { parseAllDocuments, stringify } from 'yaml';
import { kindByApiVersion, resourcePath, type ResourceKind } from '../api/kinds.ts';
import type { KubeObject } from '../api/types.ts';

/** `obj` as YAML; metadata.managedFields is dropped unless asked for. */
export function toYaml(obj: KubeObject, opts: { managedFields?: boolean } = {}): string {
  let shown: KubeObject = obj;
  if (!opts.managedFields && obj.metadata?.managedFields) {
    const { managedFields: _dropped, ...metadata } = obj.metadata;
    shown = { ...obj, metadata };
  }
  return stringify(shown, { lineWidth: 0 });
}

/** A manifest ready to POST, or why it is not. */
export type ParsedManifest =
  | { ok: true; object: KubeObject; kind: ResourceKind; namespace?: string; collectionPath: string }
  | { ok: false; error: string };

/** Parses one YAML (or JSON) document into an object the console can create in `defaultNamespace`. */
export function parseManifest(text: string, defaultNamespace = 'default'): ParsedManifest {
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  if (docs.length === 0) return { ok: false, error: 'the manifest is empty' };
  if (docs.length > 1)
    return { ok: false, error: 'one object at a time: the manifest has several documents' };
  const doc = docs[0];
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0].line;
    return {
      ok: false,
      error: line ? `line ${line}: ${e.message.split('\n')[0]}` : e.message.split('\n')[0],
    };
  }
  const value: unknown = doc.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'the manifest must be a mapping (apiVersion, kind, metadata, ...)' };
  }
  const obj = value as Partial<KubeObject>;
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    return { ok: false, error: 'apiVersion and kind are required' };
  }
  const meta = obj.metadata as { name?: unknown; generateName?: unknown; namespace?: unknown } | undefined;
  if (
    typeof meta !== 'object' ||
    meta === null ||
    (typeof meta.name !== 'string' && typeof meta.generateName !== 'string')
  ) {
    return { ok: false, error: 'metadata.name is required' };
  }
  const kind = kindByApiVersion(obj.apiVersion, obj.kind);
  if (!kind)
    return { ok: false, error: `the console cannot create ${obj.kind} (${obj.apiVersion}) yet; use kubectl` };
  const namespace = kind.namespaced
    ? typeof meta.namespace === 'string' && meta.namespace !== ''
      ? meta.namespace
      : defaultNamespace
    : undefined;
  return {
    ok: true,
    object: obj as KubeObject,
    kind,
    namespace,
    collectionPath: resourcePath(kind, { namespace }),
  };
}
