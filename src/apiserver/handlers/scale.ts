/**
 * The /scale subresource (autoscaling/v1 Scale) of kinds with a ScaleRule: GET reads replicas and the
 * selector; PUT and PATCH change only spec.replicas of the parent, through the parent's update path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, conflictModified, invalid, StatusError } from '../../api/errors.ts';
import type { KindDef, ScaleRule } from '../../api/kinds/types.ts';
import { isObject, type KubeObject } from '../../api/object.ts';
import { applyJsonPatch } from '../../api/patch/jsonpatch.ts';
import { mergePatch } from '../../api/patch/mergepatch.ts';
import { decodeBody, parseJson, patchTypeOf, readBody } from '../http/body.ts';
import { rejectedPatch } from '../registry/patch.ts';
import { writeJson } from '../http/respond.ts';
import type { ResourceRequest } from '../request-info.ts';
import { requestContext, type ResourceHandlerContext } from './resource.ts';
import { selectorString } from '../registry/filter.ts';

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const p of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (!isObject(cur[p])) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** The Scale view of an object. */
export function scaleOf(obj: KubeObject, rule: ScaleRule): Record<string, unknown> {
  // The selector path may hold a string (custom resources), a LabelSelector (apps) or a plain
  // label map (replication controllers); Scale carries the string form.
  let selector = getPath(obj, rule.labelSelectorPath ?? 'spec.selector');
  if (isObject(selector)) {
    selector =
      'matchLabels' in selector || 'matchExpressions' in selector
        ? selectorString(selector)
        : selectorString({ matchLabels: selector });
  }
  const status: Record<string, unknown> = { replicas: Number(getPath(obj, rule.statusReplicasPath) ?? 0) };
  if (typeof selector === 'string' && selector) status.selector = selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: Number(getPath(obj, rule.specReplicasPath) ?? 0) },
    status,
  };
}

export async function handleScale(
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
  kind: KindDef,
  c: ResourceHandlerContext,
  q: URLSearchParams,
): Promise<void> {
  const rule = kind.scale;
  if (!rule) throw new StatusError(404, 'NotFound', `${kind.resource}/scale not found`);
  const rs = c.api.storeFor(kind);
  if (info.verb === 'get') {
    writeJson(res, 200, scaleOf(await rs.get(info.namespace, info.name), rule));
    return;
  }
  if (info.verb !== 'update' && info.verb !== 'patch')
    throw new StatusError(405, 'MethodNotAllowed', `${info.verb} is not supported on scale`);
  const ctx = requestContext(c.user, q, req.headers['user-agent']);
  const raw = await readBody(req);
  const patchType = info.verb === 'patch' ? patchTypeOf(req.headers['content-type']) : undefined;
  const input =
    info.verb === 'update' ? decodeBody(raw, req.headers['content-type']) : parseJson(raw.toString('utf8'));
  const r = await rs.guaranteedUpdate(info.namespace, info.name, ctx, '', false, async (cur) => {
    if (!cur) return undefined;
    const current = scaleOf(cur, rule);
    let want: unknown;
    if (info.verb === 'update') {
      want = input;
      const rv = isObject(input) && isObject(input.metadata) ? input.metadata.resourceVersion : undefined;
      if (rv !== undefined && rv !== cur.metadata.resourceVersion)
        throw conflictModified(kind.resource, kind.group, info.name);
    } else if (patchType === 'json' || patchType === 'merge' || patchType === 'strategic') {
      try {
        want = patchType === 'json' ? applyJsonPatch(current, input) : mergePatch(current, input);
      } catch (err) {
        throw rejectedPatch(err);
      }
    } else {
      throw badRequest('unsupported patch type for scale');
    }
    const replicas = isObject(want) && isObject(want.spec) ? want.spec.replicas : undefined;
    if (replicas === undefined) return cur;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', 'autoscaling', info.name, [
        {
          type: 'FieldValueInvalid',
          field: 'spec.replicas',
          message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        },
      ]);
    }
    const next = JSON.parse(JSON.stringify(cur)) as KubeObject;
    setPath(next as unknown as Record<string, unknown>, rule.specReplicasPath, replicas);
    return next;
  });
  writeJson(res, 200, scaleOf(r.obj, rule));
}
