/**
 * PATCH: JSON patch, JSON merge patch and strategic merge patch applied to the current object, then
 * written through the same update path as PUT (so every strategy rule holds). A patch that carries
 * metadata.resourceVersion is conditional; otherwise it is re-applied to the newest object on a lost race.
 */
import { StatusError, badRequest } from '../../api/errors.ts';
import { isObject, type KubeObject } from '../../api/object.ts';
import { applyJsonPatch } from '../../api/patch/jsonpatch.ts';
import { mergePatch } from '../../api/patch/mergepatch.ts';
import { strategicMergePatch } from '../../api/patch/strategic.ts';
import type { PatchType } from '../http/body.ts';
import { parseJson } from '../http/body.ts';
import type { RequestContext } from './context.ts';
import { decodeForWrite } from './decode.ts';
import type { ResourceStore, WriteResult } from './resource-store.ts';

/** The patched copy of `cur` (a JSON, merge or strategic merge patch); 422 when it cannot apply. */
export function applyPatch(rs: ResourceStore, type: PatchType, cur: KubeObject, patch: unknown): unknown {
  const base = JSON.parse(JSON.stringify(cur)) as KubeObject;
  try {
    switch (type) {
      case 'json':
        return applyJsonPatch(base, patch);
      case 'merge':
        return mergePatch(base, patch);
      case 'strategic': {
        const schema = rs.registry.definitions[rs.kind.schema];
        return schema
          ? strategicMergePatch(base, patch, schema, rs.registry.definitions)
          : mergePatch(base, patch);
      }
      default:
        throw badRequest(`patch type ${type} is not supported here`);
    }
  } catch (err) {
    throw rejectedPatch(err);
  }
}

/** A patch that could not be applied (malformed, or a failed test/remove): 422, as Kubernetes answers. */
export function rejectedPatch(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  return new StatusError(
    422,
    'Invalid',
    `the server rejected our request due to an error in our request: ${(err as Error).message}`,
  );
}

export async function patchObject(
  rs: ResourceStore,
  namespace: string,
  name: string,
  type: PatchType,
  body: Buffer,
  ctx: RequestContext,
  subresource: '' | 'status',
): Promise<WriteResult> {
  const patch = parseJson(body.toString('utf8'));
  if (type === 'json' ? !Array.isArray(patch) : !isObject(patch)) {
    throw badRequest(
      type === 'json' ? 'a JSON patch must be an array of operations' : 'a merge patch must be a JSON object',
    );
  }
  let conditional = false;
  if (type !== 'json') {
    const meta = (patch as { metadata?: { resourceVersion?: unknown } }).metadata;
    conditional = isObject(meta) && typeof meta.resourceVersion === 'string';
  }
  return rs.guaranteedUpdate(namespace, name, ctx, subresource, conditional, async (cur) => {
    if (!cur)
      throw new StatusError(
        404,
        'NotFound',
        `${rs.kind.resource}${rs.kind.group ? '.' + rs.kind.group : ''} "${name}" not found`,
        { name, kind: rs.kind.resource, group: rs.kind.group || undefined },
      );
    const patched = applyPatch(rs, type, cur, patch);
    const obj = decodeForWrite(patched, rs.kind, rs.registry.definitions, ctx);
    if (obj.metadata.name !== name) throw badRequest('metadata.name may not be changed by a patch');
    if (rs.kind.namespaced && obj.metadata.namespace !== namespace)
      throw badRequest('metadata.namespace may not be changed by a patch');
    const rv = obj.metadata.resourceVersion;
    if (rv !== cur.metadata.resourceVersion) {
      if (conditional || type === 'json') {
        if (rv !== undefined) {
          throw new StatusError(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${rs.kind.resource}${rs.kind.group ? '.' + rs.kind.group : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
            { name, kind: rs.kind.resource, group: rs.kind.group || undefined },
          );
        }
      }
      obj.metadata.resourceVersion = cur.metadata.resourceVersion;
    }
    return obj;
  });
}
