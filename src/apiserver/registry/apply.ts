/**
 * PATCH with `application/apply-patch+yaml`: server-side apply. The body is a partial object (YAML
 * or JSON) naming only the fields its manager cares about; it is merged into the live object by
 * schema (see src/api/apply), creating the object when it is absent, and the result goes through
 * the same update path as every write. Requires ?fieldManager=; ?force=true takes over conflicting
 * fields instead of answering 409.
 */
import { parse } from 'yaml';
import { applyConfig } from '../../api/apply/apply.ts';
import { baseManagedFields, encodeManagedFields } from '../../api/apply/managedfields.ts';
import { badRequest, conflictModified, notFound } from '../../api/errors.ts';
import { formatApiVersion, isObject, type KubeObject } from '../../api/object.ts';
import type { RequestContext } from './context.ts';
import { decodeForWrite } from './decode.ts';
import { setManagedFields } from './field-manager.ts';
import { nowTimestamp } from './meta.ts';
import type { ResourceStore, WriteResult } from './resource-store.ts';

/** Parses an apply body: one YAML (or JSON) document holding an object with apiVersion and kind. */
export function parseApplyBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  let doc: unknown;
  try {
    // kubectl sends JSON (which is YAML); parsing it as JSON first is much cheaper.
    doc = JSON.parse(text);
  } catch {
    try {
      doc = parse(text, { version: '1.1' });
    } catch (err) {
      throw badRequest(`error decoding YAML: ${(err as Error).message}`);
    }
  }
  if (!isObject(doc)) throw badRequest('the body of an apply patch must be an object');
  if (typeof doc.apiVersion !== 'string' || !doc.apiVersion)
    throw badRequest('apiVersion must be set in an apply patch');
  if (typeof doc.kind !== 'string' || !doc.kind) throw badRequest('kind must be set in an apply patch');
  return doc;
}

const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** The client-side apply record on a live object, if it parses as an object. */
function lastAppliedOf(live: KubeObject | undefined): Record<string, unknown> | undefined {
  const text = live?.metadata.annotations?.[lastAppliedAnnotation];
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Server-side apply of `body` (see the file comment); creates the object when it is absent. */
export async function applyObject(
  rs: ResourceStore,
  namespace: string,
  name: string,
  body: Buffer,
  ctx: RequestContext,
  subresource: '' | 'status',
  force: boolean,
): Promise<WriteResult> {
  const manager = ctx.fieldManager;
  if (!manager) throw badRequest('fieldManager: Required value: is required for apply patch');
  const config = decodeForWrite(parseApplyBody(body), rs.kind, rs.registry.definitions, ctx);
  const meta = config.metadata;
  if (meta.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  if (meta.name !== undefined && meta.name !== name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  }
  meta.name = name;
  if (rs.kind.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    meta.namespace = namespace;
  } else {
    delete meta.namespace;
  }
  const wantRv = meta.resourceVersion;
  delete meta.resourceVersion;
  const defs = rs.registry.definitions;
  const schema = defs[rs.kind.schema];
  const scope = { subresource, hasStatus: !!rs.kind.hasStatus };
  const writer = { manager, apiVersion: formatApiVersion(rs.kind.group, rs.kind.version), subresource };
  const resource = rs.kind.resource;
  const group = rs.kind.group;

  const run = (live: KubeObject | undefined): KubeObject => {
    const { obj, managed } = applyConfig({
      live,
      config,
      managed: baseManagedFields(live?.metadata.managedFields, undefined),
      writer,
      force,
      schema,
      defs,
      scope,
      now: nowTimestamp(),
      lastApplied: lastAppliedOf(live),
    });
    const out = obj as KubeObject;
    out.metadata = { ...out.metadata };
    setManagedFields(out, managed.length ? encodeManagedFields(managed) : undefined, live);
    return out;
  };

  return rs.guaranteedUpdate(
    namespace,
    name,
    ctx,
    subresource,
    wantRv !== undefined,
    async (cur) => {
      if (!cur) {
        if (subresource) throw notFound(resource, group, name);
        if (wantRv !== undefined) throw conflictModified(resource, group, name);
        return undefined;
      }
      if (wantRv !== undefined && wantRv !== cur.metadata.resourceVersion)
        throw conflictModified(resource, group, name);
      const out = run(cur);
      out.metadata.resourceVersion = cur.metadata.resourceVersion;
      return out;
    },
    () => run(undefined),
    'preset',
  );
}
