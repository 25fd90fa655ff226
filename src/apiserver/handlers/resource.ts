/**
 * The HTTP side of resource requests: maps verb + URL to the generic store, reads query parameters,
 * negotiates the answer (object, Table, metadata) and writes it. Subresources other than status are
 * handed to the handlers registered for them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, methodNotAllowed, notFound, StatusError } from '../../api/errors.ts';
import type { KindDef } from '../../api/kinds/types.ts';
import { formatApiVersion, type KubeObject } from '../../api/object.ts';
import type { Api } from '../api.ts';
import type { UserInfo } from '../authn/user.ts';
import { decodeBody, patchTypeOf, readBody } from '../http/body.ts';
import { renderingFor, type Rendering } from '../http/negotiate.ts';
import { writeJoined, writeJson, writeText } from '../http/respond.ts';
import type { RequestContext, FieldValidation } from '../registry/context.ts';
import { deleteObject, deleteOptionsFrom } from '../registry/delete.ts';
import { list, listQueryFrom, watch, type ListResult } from '../registry/list.ts';
import { applyObject } from '../registry/apply.ts';
import { patchObject } from '../registry/patch.ts';
import type { ResourceStore } from '../registry/resource-store.ts';
import type { ResourceRequest } from '../request-info.ts';
import { includeObjectFrom, partialObjectMetadata, table } from '../tables.ts';
import { WatchStream } from './watch-stream.ts';
import type { EventSink } from '../../client/object-watch.ts';

export interface ResourceHandlerContext {
  api: Api;
  user: UserInfo;
  /** Handlers for subresources other than status, keyed `group/resource/subresource`. */
  subresources: Map<string, SubresourceHandler>;
  onWatch?: (delta: 1 | -1, resource: string) => void;
  /** The in-process receiver this watch request names, if any (ApiServer.inProcess.takeSink). */
  takeEventSink?: () => EventSink | undefined;
}

export type SubresourceHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
  kind: KindDef,
  c: ResourceHandlerContext,
  q: URLSearchParams,
) => Promise<void>;

export function requestContext(user: UserInfo, q: URLSearchParams, userAgent?: string): RequestContext {
  const dry = q.getAll('dryRun');
  for (const d of dry)
    if (d !== 'All') throw badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  const fv = q.get('fieldValidation') ?? 'Warn';
  if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
    throw badRequest(
      `fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  const fieldManager = q.get('fieldManager') ?? undefined;
  if (fieldManager !== undefined && fieldManager.length > 128)
    throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return {
    user,
    dryRun: dry.length > 0,
    fieldManager,
    userAgent,
    fieldValidation: fv as FieldValidation,
    warnings: [],
  };
}

/** ?force= of a PATCH: only an apply patch may set it. */
function forceFrom(q: URLSearchParams, apply: boolean): boolean {
  const v = q.get('force');
  if (v === null) return false;
  if (!apply)
    throw new StatusError(422, 'Invalid', 'force: Forbidden: may not be specified for non-apply patch', {
      causes: [
        {
          reason: 'FieldValueForbidden',
          message: 'Forbidden: may not be specified for non-apply patch',
          field: 'force',
        },
      ],
    });
  if (v !== 'true' && v !== 'false')
    throw badRequest(`force: Invalid value: ${JSON.stringify(v)}: must be true or false`);
  return v === 'true';
}

function setWarnings(res: ServerResponse, ctx: RequestContext): void {
  if (ctx.warnings.length)
    res.setHeader(
      'Warning',
      ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
}

/** Writes one object in the negotiated rendering. */
function writeObject(
  res: ServerResponse,
  code: number,
  kind: KindDef,
  obj: KubeObject,
  rendering: Rendering,
  q: URLSearchParams,
): void {
  if (rendering === 'table') {
    writeJson(
      res,
      code,
      table(kind, [obj], { resourceVersion: obj.metadata.resourceVersion }, includeObjectFrom(q)),
    );
  } else if (rendering === 'metadata') {
    writeJson(res, code, partialObjectMetadata(obj));
  } else {
    writeJson(res, code, obj);
  }
}

function writeList(
  res: ServerResponse,
  kind: KindDef,
  r: ListResult,
  rendering: Rendering,
  q: URLSearchParams,
): void {
  const meta: Record<string, unknown> = { resourceVersion: r.resourceVersion };
  if (r.continue) meta.continue = r.continue;
  if (r.remainingItemCount !== undefined) meta.remainingItemCount = r.remainingItemCount;
  if (rendering === 'table') {
    writeJson(res, 200, table(kind, r.items, meta, includeObjectFrom(q)));
    return;
  }
  if (rendering === 'metadata') {
    writeJson(res, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: meta,
      items: r.items.map(partialObjectMetadata),
    });
    return;
  }
  // Objects are written from their cached JSON text: a 10,000-item list is not re-encoded, nor
  // joined into one string (writeJoined).
  const head = `{"kind":${JSON.stringify(kind.listKind)},"apiVersion":${JSON.stringify(formatApiVersion(kind.group, kind.version))},"metadata":${JSON.stringify(meta)},"items":[`;
  const parts: string[] = [];
  if (r.cached) for (const c of r.cached) parts.push(c.json());
  else for (const o of r.items) parts.push(JSON.stringify(o));
  writeJoined(res, 200, head, parts, ']}');
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return decodeBody(await readBody(req), req.headers['content-type']);
}

async function readOptionalBody(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  if (body.length === 0) return undefined;
  return decodeBody(body, req.headers['content-type'] || 'application/json');
}

export async function handleResource(
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
  kind: KindDef,
  c: ResourceHandlerContext,
  q: URLSearchParams,
): Promise<void> {
  if (kind.virtual) {
    // Reviews (POST-only) and read-only kinds like metrics.k8s.io: answered by a handler, nothing stored.
    const h = c.subresources.get(`${kind.group}/${kind.resource}/`);
    const served = (kind.verbs ?? ['create']).includes(info.verb) && !(info.verb === 'create' && info.name);
    if (!h || !served || info.subresource) {
      throw methodNotAllowed(
        `${info.verb} is not supported on ${kind.resource}${kind.group ? '.' + kind.group : ''}`,
      );
    }
    return h(req, res, info, kind, c, q);
  }
  if (info.subresource && info.subresource !== 'status') {
    const h = c.subresources.get(`${kind.group}/${kind.resource}/${info.subresource}`);
    if (!h || !info.name) throw notFound(`${kind.resource}/${info.subresource}`, kind.group, info.name);
    return h(req, res, info, kind, c, q);
  }
  if (info.subresource === 'status' && !kind.hasStatus)
    throw notFound(`${kind.resource}/status`, kind.group, info.name);
  if (
    kind.namespaced &&
    !info.namespace &&
    info.verb !== 'list' &&
    info.verb !== 'watch' &&
    info.verb !== 'deletecollection' &&
    !kind.virtual
  ) {
    throw notFound(kind.resource, kind.group, info.name);
  }
  if (!kind.namespaced && info.namespace) throw notFound(kind.resource, kind.group, info.name);
  const rs = c.api.storeFor(kind);
  const rendering = renderingFor(req.headers.accept);
  const sub = info.subresource === 'status' ? 'status' : '';
  switch (info.verb) {
    case 'get': {
      const { obj, cached } = await rs.getEntry(
        info.namespace,
        info.name,
        q.get('resourceVersion') ?? undefined,
      );
      if (cached && rendering === 'object') return writeText(res, 200, cached.json());
      return writeObject(res, 200, kind, obj, rendering, q);
    }
    case 'list': {
      const r = await list(rs, info.namespace, listQueryFrom(q));
      return writeList(res, kind, r, rendering, q);
    }
    case 'watch':
      return startWatch(req, res, info, kind, rs, c, q, rendering);
    case 'create': {
      if (sub) throw methodNotAllowed(`create is not supported on ${kind.resource}/status`);
      const ctx = requestContext(c.user, q, req.headers['user-agent']);
      const body = await readJsonBody(req);
      const r = await rs.create(info.namespace, body, ctx);
      setWarnings(res, ctx);
      const text = ctx.dryRun ? undefined : rs.writtenJson(r.obj);
      if (text !== undefined) return writeText(res, 201, text);
      return writeObject(res, 201, kind, r.obj, 'object', q);
    }
    case 'update': {
      const ctx = requestContext(c.user, q, req.headers['user-agent']);
      const body = await readJsonBody(req);
      const r = await rs.update(info.namespace, info.name, body, ctx, sub);
      setWarnings(res, ctx);
      return writeObject(res, r.created ? 201 : 200, kind, r.obj, 'object', q);
    }
    case 'patch': {
      const ctx = requestContext(c.user, q, req.headers['user-agent']);
      const type = patchTypeOf(req.headers['content-type']);
      const force = forceFrom(q, type === 'apply');
      const body = await readBody(req);
      const r =
        type === 'apply'
          ? await applyObject(rs, info.namespace, info.name, body, ctx, sub, force)
          : await patchObject(rs, info.namespace, info.name, type, body, ctx, sub);
      setWarnings(res, ctx);
      return writeObject(res, r.created ? 201 : 200, kind, r.obj, 'object', q);
    }
    case 'delete': {
      if (sub) throw methodNotAllowed(`delete is not supported on ${kind.resource}/status`);
      const ctx = requestContext(c.user, q, req.headers['user-agent']);
      const opts = deleteOptionsFrom(await readOptionalBody(req), q);
      if (opts.dryRun?.length) ctx.dryRun = true;
      const r = await deleteObject(rs, info.namespace, info.name, opts, ctx);
      if (!r.deleted)
        return writeObject(
          res,
          opts.propagationPolicy === 'Foreground' ? 202 : 200,
          kind,
          r.obj,
          'object',
          q,
        );
      if (kind.group === '' && kind.resource === 'pods')
        return writeObject(res, 200, kind, r.obj, 'object', q);
      return writeJson(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name: info.name,
          group: kind.group || undefined,
          kind: kind.resource,
          uid: r.obj.metadata.uid,
        },
      });
    }
    case 'deletecollection': {
      const ctx = requestContext(c.user, q, req.headers['user-agent']);
      const opts = deleteOptionsFrom(await readOptionalBody(req), q);
      if (opts.dryRun?.length) ctx.dryRun = true;
      const r = await list(rs, info.namespace, {
        ...listQueryFrom(q),
        limit: undefined,
        continue: undefined,
      });
      const deleted: KubeObject[] = [];
      for (const o of r.items) {
        try {
          const d = await deleteObject(rs, o.metadata.namespace ?? '', o.metadata.name!, opts, ctx);
          deleted.push(d.obj);
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        }
      }
      return writeList(res, kind, { items: deleted, resourceVersion: r.resourceVersion }, 'object', q);
    }
  }
}

async function startWatch(
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
  kind: KindDef,
  rs: ResourceStore,
  c: ResourceHandlerContext,
  q: URLSearchParams,
  rendering: Rendering,
): Promise<void> {
  let fieldSelector = q.get('fieldSelector') ?? undefined;
  if (info.name) {
    // GET .../NAME?watch=true: a watch scoped to one object.
    fieldSelector = [fieldSelector, `metadata.name=${info.name}`].filter(Boolean).join(',');
  }
  const timeout = q.get('timeoutSeconds');
  if (timeout !== null && !/^\d+$/.test(timeout))
    throw badRequest(`invalid timeoutSeconds: ${JSON.stringify(timeout)}`);
  // Without a client timeout, watches end after 30–60 minutes (spread so clients do not reconnect together).
  const timeoutSeconds = timeout !== null ? Number(timeout) : 1800 + Math.floor(Math.random() * 1800);
  const sendInitialEvents = q.get('sendInitialEvents') === 'true';
  let stop: (() => void) | undefined;
  c.onWatch?.(1, kind.resource);
  const stream = new WatchStream(req, res, {
    kind,
    rendering,
    // Tables are for people; an in-process component asks for objects or their metadata.
    sink: rendering === 'table' ? undefined : c.takeEventSink?.(),
    include: includeObjectFrom(q),
    bookmarks: q.get('allowWatchBookmarks') === 'true',
    timeoutSeconds,
    revision: () => rs.cache.revision,
    onClose: () => {
      stop?.();
      c.onWatch?.(-1, kind.resource);
    },
  });
  try {
    const w = await watch(
      rs,
      info.namespace,
      {
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector,
        resourceVersion: q.get('resourceVersion') ?? undefined,
        sendInitialEvents,
      },
      stream,
    );
    stop = w.stop;
    if (sendInitialEvents) stream.bookmark({ 'k8s.io/initial-events-end': 'true' });
    if (res.writableEnded) w.stop();
  } catch (err) {
    if (err instanceof StatusError) stream.end(err);
    else throw err;
  }
}
