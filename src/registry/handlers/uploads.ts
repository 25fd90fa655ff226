/**
 * Blob pushes. POST `/v2/<name>/blobs/uploads/` opens a session (202 + Location), or with `?digest=`
 * takes the whole blob in one request (201), or with `?mount=&from=` links a blob the source
 * repository already has (201; when it has not, a new session, 202). PATCH appends a chunk — with
 * `Content-Range: start-end` it must start exactly at the current size, else 416 — GET reports the
 * size so an interrupted client can resume, PUT `?digest=` (optionally with a last chunk) verifies
 * and stores the blob, DELETE cancels. A wrong digest is DIGEST_INVALID and nothing is stored.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryContext } from '../context.ts';
import { isNoSpace, noSpaceError, RegistryError } from '../errors.ts';
import { checkName, hasBody, requireAccess, send } from '../http.ts';
import { parseContentRange } from '../range.ts';
import { QuotaExceededError } from '../quota.ts';
import { isValidName, namespaceOf, type Digest } from '../reference.ts';
import { DigestMismatchError, UploadUnknownError } from '../storage/blob-store.ts';
import { UploadBusyError } from '../storage/fs-blob-store.ts';
import { fitsAboveReserve } from '../storage/free-space.ts';
import { BlobBeingDeletedError } from '../storage/metadata.ts';
import { blobDigest } from './blobs.ts';

const uploadUrl = (name: string, id: string): string => `/v2/${name}/blobs/uploads/${id}`;
const blobUrl = (name: string, digest: string): string => `/v2/${name}/blobs/${digest}`;
/** The Range header of an upload status: `0-<last byte>`; distribution sends 0-0 for an empty one. */
const rangeOf = (size: number): string => `0-${Math.max(0, size - 1)}`;

function unknownUpload(id: string): RegistryError {
  return new RegistryError('BLOB_UPLOAD_UNKNOWN', `upload ${id} unknown to registry`);
}

/** Maps storage failures to the spec's errors; anything else is rethrown as is. */
function storageError(err: unknown, id: string): unknown {
  if (err instanceof UploadUnknownError) return unknownUpload(id);
  if (err instanceof UploadBusyError)
    return new RegistryError('BLOB_UPLOAD_INVALID', err.message, { status: 416 });
  if (isNoSpace(err)) return noSpaceError();
  return err;
}

/** The quota that applies to a repository's namespace, if any. */
export function quotaOf(
  ctx: RegistryContext,
  repo: string,
): { namespace: string; limit: number } | undefined {
  if (!repo.includes('/')) return undefined;
  const ns = ctx.namespaces.get(namespaceOf(repo));
  return ns && ns.quotaBytes !== null ? { namespace: ns.name, limit: ns.quotaBytes } : undefined;
}

/** The spec's DENIED error for a write past a namespace's quota. */
export function quotaDenied(err: QuotaExceededError): RegistryError {
  return new RegistryError('DENIED', err.message, {
    detail: { namespace: err.namespace, usedBytes: err.used, quotaBytes: err.limit, blobBytes: err.adding },
  });
}

/** Refuses writes into a pull-through cache namespace (it fills itself from its upstream). */
export function requireWritable(ctx: RegistryContext, repo: string): void {
  const ns = repo.includes('/') ? ctx.namespaces.get(namespaceOf(repo)) : undefined;
  if (ns?.proxy)
    throw new RegistryError(
      'DENIED',
      `namespace ${ns.name} is a pull-through cache of ${ns.proxy.url}; it cannot be pushed to`,
    );
}

/**
 * Links a blob into a repository, waiting while the collector is removing the same digest, and
 * refusing (DENIED) a link that would take the namespace past its quota.
 */
async function linkWhenFree(ctx: RegistryContext, repo: string, digest: string, size: number): Promise<void> {
  const quota = quotaOf(ctx, repo);
  for (let attempt = 0; ; attempt++) {
    try {
      ctx.meta.linkBlob(repo, digest, size, quota);
      return;
    } catch (err) {
      if (err instanceof QuotaExceededError) throw quotaDenied(err);
      if (!(err instanceof BlobBeingDeletedError) || attempt >= 600) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Verifies an upload against `digest`, then stores and links it into `name`. Throws DIGEST_INVALID
 * on a mismatch (the upload is discarded) and DENIED past the namespace's quota (the upload stays,
 * so a client may retry after space is freed).
 */
export async function commitBlob(
  ctx: RegistryContext,
  name: string,
  id: string,
  digest: Digest,
): Promise<void> {
  let size: number;
  try {
    ({ size } = await ctx.blobs.verifyUpload(id, digest));
  } catch (err) {
    if (err instanceof DigestMismatchError) {
      ctx.meta.forgetUpload(id);
      throw new RegistryError('DIGEST_INVALID', err.message, {
        detail: { expected: digest.value, actual: err.actual },
      });
    }
    throw storageError(err, id);
  }
  // Link first, then make the bytes visible: the collector never deletes a linked digest, and
  // while it is deleting this digest the link waits (see gc.ts).
  await linkWhenFree(ctx, name, digest.value, size);
  try {
    await ctx.blobs.commitUpload(id, digest);
  } catch (err) {
    ctx.meta.unlinkBlob(name, digest.value);
    throw storageError(err, id);
  }
  ctx.meta.forgetUpload(id);
}

/** Appends the request body to an upload, enforcing Content-Range order. Returns the new size. */
async function appendChunk(
  ctx: RegistryContext,
  req: IncomingMessage,
  name: string,
  id: string,
  digest?: Digest,
): Promise<number> {
  const size = await ctx.blobs.uploadSize(id);
  if (size === undefined) throw unknownUpload(id);
  const header = req.headers['content-range'];
  let limit: number | undefined;
  if (header !== undefined) {
    const range = parseContentRange(header);
    if (!range)
      throw new RegistryError('BLOB_UPLOAD_INVALID', `invalid Content-Range ${JSON.stringify(header)}`);
    if (range.start !== size) {
      throw new RegistryError(
        'BLOB_UPLOAD_INVALID',
        `chunk starts at ${range.start}, upload has ${size} bytes`,
        {
          status: 416,
          headers: { Location: uploadUrl(name, id), Range: rangeOf(size), 'Docker-Upload-UUID': id },
        },
      );
    }
    limit = range.end - range.start + 1;
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) !== limit) {
      throw new RegistryError(
        'SIZE_INVALID',
        `Content-Length ${declared} does not match Content-Range ${header}`,
      );
    }
  }
  // Refuse early a chunk that cannot fit (the final check is at commit, inside the link transaction).
  const quota = quotaOf(ctx, name);
  const incoming = limit ?? Number(req.headers['content-length'] ?? 0);
  if (quota && incoming > 0 && !(digest && ctx.meta.namespaceHasBlob(quota.namespace, digest.value))) {
    const used = ctx.meta.namespaceUsage(quota.namespace);
    if (used + size + incoming > quota.limit)
      throw quotaDenied(new QuotaExceededError(quota.namespace, used, quota.limit, size + incoming));
  }
  await requireRoom(ctx, Number.isFinite(incoming) ? incoming : 0);
  try {
    // A request body's chunks are each the parser's own copy, read by nobody after us.
    return await ctx.blobs.append(id, req, limit, { releaseChunks: true });
  } catch (err) {
    throw storageError(err, id);
  }
}

/**
 * Refuses (507, the full-disk answer) an upload whose `incoming` bytes would leave less free space
 * on the blob volume than the configured reserve (storage/free-space.ts).
 */
async function requireRoom(ctx: RegistryContext, incoming: number): Promise<void> {
  const space = await ctx.blobs.volumeSpace?.();
  const { fits, reserve } = fitsAboveReserve(space, ctx.spaceReserve, incoming);
  if (fits) return;
  ctx.log.warn(
    { freeBytes: space?.free, incomingBytes: incoming, reserveBytes: reserve },
    'upload refused: it would eat into the free-space reserve of the registry volume',
  );
  throw noSpaceError();
}

/** The upload id in a URL, checked against the repository it was opened for. */
function ownUpload(ctx: RegistryContext, name: string, id: string): void {
  if (ctx.meta.uploadRepository(id) !== name) throw unknownUpload(id);
}

/** POST /v2/<name>/blobs/uploads/ — session, monolithic (?digest=) or mount (?mount=&from=). */
export async function startUpload(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  query: URLSearchParams,
): Promise<void> {
  checkName(name);
  const mount = query.get('mount');
  const from = query.get('from');
  await requireAccess(ctx, req, [{ type: 'repository', name, actions: ['pull', 'push'] }]);
  requireWritable(ctx, name);
  if (mount !== null && from !== null && isValidName(from) && from !== name) {
    const digest = blobDigest(mount);
    const fromAllowed = await ctx.authorize(req, [{ type: 'repository', name: from, actions: ['pull'] }]);
    const link = fromAllowed.allowed ? ctx.meta.blobLink(from, digest.value) : undefined;
    if (link && (await ctx.blobs.stat(digest))) {
      await linkWhenFree(ctx, name, digest.value, link.size);
      send(res, 201, { Location: blobUrl(name, digest.value), 'Docker-Content-Digest': digest.value });
      return;
    }
  }
  const digestParam = query.get('digest');
  const digest = digestParam === null ? undefined : blobDigest(digestParam);
  // A session is refused up front once the volume is down to its reserve.
  if (!digest) await requireRoom(ctx, 0);
  let id: string;
  try {
    id = await ctx.blobs.startUpload();
  } catch (err) {
    throw storageError(err, '');
  }
  ctx.meta.recordUpload(id, name);
  if (digest) {
    try {
      await appendChunk(ctx, req, name, id, digest);
      await commitBlob(ctx, name, id, digest);
    } catch (err) {
      await ctx.blobs.cancelUpload(id).catch(() => false);
      ctx.meta.forgetUpload(id);
      throw err;
    }
    send(res, 201, { Location: blobUrl(name, digest.value), 'Docker-Content-Digest': digest.value });
    return;
  }
  send(res, 202, { Location: uploadUrl(name, id), Range: '0-0', 'Docker-Upload-UUID': id });
}

/** PATCH /v2/<name>/blobs/uploads/<id> — one chunk. */
export async function patchUpload(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  id: string,
): Promise<void> {
  checkName(name);
  await requireAccess(ctx, req, [{ type: 'repository', name, actions: ['pull', 'push'] }]);
  ownUpload(ctx, name, id);
  const size = await appendChunk(ctx, req, name, id);
  send(res, 202, { Location: uploadUrl(name, id), Range: rangeOf(size), 'Docker-Upload-UUID': id });
}

/** PUT /v2/<name>/blobs/uploads/<id>?digest= — optional last chunk, verify, store. */
export async function putUpload(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  id: string,
  query: URLSearchParams,
): Promise<void> {
  checkName(name);
  await requireAccess(ctx, req, [{ type: 'repository', name, actions: ['pull', 'push'] }]);
  ownUpload(ctx, name, id);
  const digestParam = query.get('digest');
  if (digestParam === null)
    throw new RegistryError('DIGEST_INVALID', 'the digest query parameter is required');
  const digest = blobDigest(digestParam);
  if (hasBody(req) || req.headers['content-range'] !== undefined)
    await appendChunk(ctx, req, name, id, digest);
  await commitBlob(ctx, name, id, digest);
  send(res, 201, { Location: blobUrl(name, digest.value), 'Docker-Content-Digest': digest.value });
}

/** GET /v2/<name>/blobs/uploads/<id> — how much has arrived (204 + Range). */
export async function uploadStatus(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  id: string,
): Promise<void> {
  checkName(name);
  await requireAccess(ctx, req, [{ type: 'repository', name, actions: ['pull', 'push'] }]);
  ownUpload(ctx, name, id);
  const size = await ctx.blobs.uploadSize(id);
  if (size === undefined) throw unknownUpload(id);
  send(res, 204, { Location: uploadUrl(name, id), Range: rangeOf(size), 'Docker-Upload-UUID': id });
}

/** DELETE /v2/<name>/blobs/uploads/<id> — cancel (204). */
export async function cancelUpload(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  id: string,
): Promise<void> {
  checkName(name);
  await requireAccess(ctx, req, [{ type: 'repository', name, actions: ['pull', 'push'] }]);
  ownUpload(ctx, name, id);
  let existed: boolean;
  try {
    existed = await ctx.blobs.cancelUpload(id);
  } catch (err) {
    throw storageError(err, id);
  }
  ctx.meta.forgetUpload(id);
  if (!existed) throw unknownUpload(id);
  send(res, 204);
}
