/**
 * Subresources of core kinds served by the API server itself: pods/binding (the scheduler's write),
 * pods/eviction (in eviction.ts),
 * serviceaccounts/token (TokenRequest: a bound, expiring JWT), and namespaces/finalize (the namespace
 * controller's last step). Streams (log, exec, attach, portforward) are proxied to the node agent
 * (pod-streams.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, conflict, invalid, StatusError } from '../../api/errors.ts';
import { isObject, type KubeObject } from '../../api/object.ts';
import { signServiceAccountToken } from '../authn/serviceaccount-token.ts';
import { decodeBody, readBody } from '../http/body.ts';
import { writeJson } from '../http/respond.ts';
import { requestContext, type SubresourceHandler } from './resource.ts';
import type { ResourceRequest } from '../request-info.ts';

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const b = decodeBody(await readBody(req), req.headers['content-type']);
  if (!isObject(b)) throw badRequest('the request body must be a JSON object');
  return b;
}

function onlyCreate(info: ResourceRequest): void {
  if (info.verb !== 'create')
    throw new StatusError(
      405,
      'MethodNotAllowed',
      `${info.verb} is not supported on ${info.resource}/${info.subresource}`,
    );
}

/**
 * POST pods/NAME/binding: sets spec.nodeName once (a pod already bound answers 409) and the
 * PodScheduled condition. Binding is the one sanctioned change of a pod's node, so it writes the
 * stored pod directly (compare-and-swap on its revision) rather than through the pod update rules,
 * which forbid changing spec.nodeName.
 */
export const podBinding: SubresourceHandler = async (req, res, info, kind, c, q) => {
  onlyCreate(info);
  const body = await bodyOf(req);
  const target = isObject(body.target) ? body.target : undefined;
  const node = typeof target?.name === 'string' ? target.name : '';
  if (!node)
    throw invalid('Binding', '', info.name, [
      { type: 'FieldValueRequired', field: 'target.name', message: 'Required value' },
    ]);
  const ctx = requestContext(c.user, q);
  const rs = c.api.storeFor(kind);
  for (let attempt = 0; ; attempt++) {
    const { obj: cur, rev } = await rs.read(info.namespace, info.name);
    const spec = (cur.spec ?? {}) as { nodeName?: string };
    if (cur.metadata.deletionTimestamp)
      throw conflict('pods', '', info.name, 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName)
      throw conflict(
        'pods',
        '',
        info.name,
        `pod ${info.name} is already assigned to node "${spec.nodeName}"`,
      );
    const next = JSON.parse(JSON.stringify(cur)) as KubeObject;
    (next.spec as { nodeName?: string }).nodeName = node;
    const status = (next.status ?? {}) as { conditions?: unknown[] };
    const conditions = (status.conditions ?? []).filter((x) => !(isObject(x) && x.type === 'PodScheduled'));
    conditions.push({
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    status.conditions = conditions;
    next.status = status;
    if (ctx.dryRun) break;
    try {
      await rs.writeRaw(info.namespace, info.name, next, rev);
      break;
    } catch (err) {
      // Another writer got there first (a status update, say): read again and retry.
      if (attempt < 5 && err instanceof StatusError && err.code === 409) continue;
      throw err;
    }
  }
  writeJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
};

/** POST serviceaccounts/NAME/token: a TokenRequest answered with a signed, expiring token. */
export function serviceAccountToken(signingKey: string): SubresourceHandler {
  return async (req, res, info, kind, c) => {
    onlyCreate(info);
    const body = await bodyOf(req);
    const spec = isObject(body.spec) ? body.spec : {};
    const expiration = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600;
    if (expiration < 600) {
      throw invalid('TokenRequest', 'authentication.k8s.io', info.name, [
        {
          type: 'FieldValueInvalid',
          field: 'spec.expirationSeconds',
          message: `Invalid value: ${expiration}: may not specify a duration less than 10 minutes`,
        },
      ]);
    }
    const sa = await c.api.storeFor(kind).get(info.namespace, info.name);
    const audiences =
      Array.isArray(spec.audiences) && spec.audiences.length
        ? spec.audiences.map(String)
        : ['https://kubernetes.default.svc.cluster.local'];
    let boundObject: { kind: 'Pod' | 'Secret' | 'Node'; name: string; uid: string } | undefined;
    if (isObject(spec.boundObjectRef)) {
      const b = spec.boundObjectRef;
      const bk = String(b.kind ?? '');
      if (bk !== 'Pod' && bk !== 'Secret' && bk !== 'Node')
        throw badRequest(`boundObjectRef.kind must be Pod, Secret or Node`);
      boundObject = { kind: bk, name: String(b.name ?? ''), uid: String(b.uid ?? '') };
    }
    const now = Date.now();
    const token = await signServiceAccountToken(signingKey, {
      namespace: info.namespace,
      name: info.name,
      uid: sa.metadata.uid!,
      audiences,
      expirationSeconds: expiration,
      boundObject,
      now,
    });
    writeJson(res, 201, {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: info.name, namespace: info.namespace, creationTimestamp: null },
      spec: { audiences, expirationSeconds: expiration, boundObjectRef: spec.boundObjectRef ?? null },
      status: {
        token,
        expirationTimestamp: new Date(now + expiration * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    });
  };
}

/** PUT namespaces/NAME/finalize: replaces spec.finalizers (the namespace controller empties it). */
export const namespaceFinalize: SubresourceHandler = async (req, res, info, kind, c, q) => {
  if (info.verb !== 'update')
    throw new StatusError(405, 'MethodNotAllowed', `${info.verb} is not supported on namespaces/finalize`);
  const body = await bodyOf(req);
  const finalizers =
    isObject(body.spec) && Array.isArray(body.spec.finalizers) ? body.spec.finalizers.map(String) : [];
  const ctx = requestContext(c.user, q, req.headers['user-agent']);
  const rs = c.api.storeFor(kind);
  const { obj, rev } = await rs.read('', info.name);
  const next = JSON.parse(JSON.stringify(obj)) as KubeObject;
  next.spec = { ...((next.spec as object) ?? {}), finalizers };
  if (!finalizers.length) delete (next.spec as { finalizers?: string[] }).finalizers;
  if (ctx.dryRun) return writeJson(res, 200, next);
  if (!finalizers.length && next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) {
    const gone = await rs.deleteRaw('', info.name, rev);
    return writeJson(res, 200, gone);
  }
  writeJson(res, 200, await rs.writeRaw('', info.name, next, rev));
};

/** Reads an IncomingMessage body for handlers outside this file. */
export { bodyOf };
export type { ServerResponse };
