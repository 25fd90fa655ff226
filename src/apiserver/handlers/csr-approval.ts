/**
 * certificatesigningrequests/approval: the one way to add or change a request's Approved or Denied
 * condition (`kubectl certificate approve|deny` PUTs here). Only those conditions are taken from the
 * body; spec, metadata and the other status fields stay as stored. A body resourceVersion makes it a
 * compare-and-swap, as kubectl's retry-on-conflict expects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, conflictModified, methodNotAllowed } from '../../api/errors.ts';
import type { KindDef } from '../../api/kinds/types.ts';
import { isObject, type KubeObject } from '../../api/object.ts';
import { applyJsonPatch } from '../../api/patch/jsonpatch.ts';
import { mergePatch } from '../../api/patch/mergepatch.ts';
import { decodeBody, parseJson, patchTypeOf, readBody } from '../http/body.ts';
import { writeJson } from '../http/respond.ts';
import type { ResourceRequest } from '../request-info.ts';
import { requestContext, type ResourceHandlerContext } from './resource.ts';

const approvalTypes = new Set(['Approved', 'Denied']);

function conditions(o: unknown): Record<string, unknown>[] {
  const status = isObject(o) ? o.status : undefined;
  const list = isObject(status) ? status.conditions : undefined;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

/** `cur` with its Approved/Denied conditions replaced by those in `want` (timestamps defaulted). */
export function withApproval(cur: KubeObject, want: unknown, now: string): KubeObject {
  const next = structuredClone(cur);
  const kept = conditions(cur).filter((c) => !approvalTypes.has(String(c.type)));
  const approval = conditions(want)
    .filter((c) => approvalTypes.has(String(c.type)))
    .map((c) => {
      const prev = conditions(cur).find((p) => p.type === c.type);
      const changed = !prev || prev.status !== c.status;
      return {
        ...c,
        lastUpdateTime: c.lastUpdateTime ?? now,
        lastTransitionTime: c.lastTransitionTime ?? (changed ? now : (prev?.lastTransitionTime ?? now)),
      };
    });
  const status = (isObject(next.status) ? next.status : {}) as Record<string, unknown>;
  status.conditions = [...approval, ...kept];
  next.status = status;
  return next;
}

export async function handleCsrApproval(
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
  kind: KindDef,
  c: ResourceHandlerContext,
  q: URLSearchParams,
): Promise<void> {
  const rs = c.api.storeFor(kind);
  const served = (o: KubeObject) => ({ apiVersion: 'certificates.k8s.io/v1', kind: kind.kind, ...o });
  if (info.verb === 'get') return writeJson(res, 200, served(await rs.get('', info.name)));
  if (info.verb !== 'update' && info.verb !== 'patch')
    throw methodNotAllowed(`${info.verb} is not supported on certificatesigningrequests/approval`);
  const ctx = requestContext(c.user, q, req.headers['user-agent']);
  const raw = await readBody(req);
  const patchType = info.verb === 'patch' ? patchTypeOf(req.headers['content-type']) : undefined;
  const input: unknown =
    info.verb === 'update'
      ? decodeBody(raw, req.headers['content-type'] || 'application/json')
      : parseJson(raw.toString('utf8'));
  const r = await rs.guaranteedUpdate('', info.name, ctx, 'approval', false, async (cur) => {
    if (!cur) return undefined;
    let want: unknown = input;
    if (info.verb === 'update') {
      const rv = isObject(input) && isObject(input.metadata) ? input.metadata.resourceVersion : undefined;
      if (rv !== undefined && rv !== cur.metadata.resourceVersion)
        throw conflictModified(kind.resource, kind.group, info.name);
    } else if (patchType === 'json') want = applyJsonPatch(cur, input);
    else if (patchType === 'merge' || patchType === 'strategic') want = mergePatch(cur, input);
    else throw badRequest('unsupported patch type for certificatesigningrequests/approval');
    return withApproval(cur, want, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
  });
  writeJson(res, 200, served(r.obj));
}
