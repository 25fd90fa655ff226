/**
 * Blob reads and deletes: GET/HEAD `/v2/<name>/blobs/<digest>` (with a single Range → 206 and
 * Content-Range; an unsatisfiable one → 416) and DELETE, which removes only this repository's link —
 * the bytes go at the next garbage collection, once nothing links or references them. A repository
 * only reads blobs pushed or mounted into it; a manifest digest read through the blobs endpoint is
 * served too, as distribution does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryContext } from '../context.ts';
import { RegistryError } from '../errors.ts';
import { checkName, requireAccess, send } from '../http.ts';
import { linkIfUpstreamHas, proxyBlob, proxyNamespace } from '../proxy/pull-through.ts';
import { parseRangeHeader } from '../range.ts';
import { parseDigest, type Digest } from '../reference.ts';

/** A blob link whose last use is older than this is refreshed on HEAD/GET (restarts gc's grace). */
const TOUCH_AFTER_MS = 60_000;

/** The digest in a blob URL, or DIGEST_INVALID. */
export function blobDigest(s: string): Digest {
  const d = parseDigest(s);
  if (!d) throw new RegistryError('DIGEST_INVALID', `invalid or unsupported digest ${JSON.stringify(s)}`);
  return d;
}

/** GET or HEAD a blob. */
export async function getBlob(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  digestParam: string,
): Promise<void> {
  checkName(name);
  await requireAccess(ctx, req, [{ type: 'repository', name, actions: ['pull'] }]);
  const digest = blobDigest(digestParam);
  const common = {
    'Docker-Content-Digest': digest.value,
    ETag: `"${digest.value}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'max-age=31536000',
  };
  let link = ctx.meta.blobLink(name, digest.value);
  let info = link ? await ctx.blobs.stat(digest) : undefined;
  const cache = !link || !info ? proxyNamespace(ctx, name) : undefined;
  if (cache && !ctx.meta.manifestByDigest(name, digest.value)) {
    const have = await ctx.blobs.stat(digest);
    if (have && (await linkIfUpstreamHas(ctx, cache, name, digest, have.size))) {
      link = ctx.meta.blobLink(name, digest.value);
      info = have;
    } else {
      return proxyBlob(ctx, cache, req, res, name, digest);
    }
  }
  if (!link || !info) {
    const manifest = ctx.meta.manifestByDigest(name, digest.value);
    if (!manifest) throw new RegistryError('BLOB_UNKNOWN', `blob ${digest.value} unknown to ${name}`);
    // HEAD: node drops the body but keeps the Content-Length, as a HEAD answer should.
    send(res, 200, { ...common, 'Content-Type': manifest.mediaType }, manifest.content);
    return;
  }
  if (Date.now() - link.linkedAt > TOUCH_AFTER_MS) ctx.meta.touchBlobLink(name, digest.value);

  const want = parseRangeHeader(req.headers.range, info.size);
  if (want.kind === 'unsatisfiable') {
    throw new RegistryError('BLOB_UNKNOWN', `range not satisfiable for a blob of ${info.size} bytes`, {
      status: 416,
      headers: { 'Content-Range': `bytes */${info.size}` },
    });
  }
  const range = want.kind === 'partial' ? want.range : undefined;
  const length = range ? range.end - range.start + 1 : info.size;
  res.writeHead(range ? 206 : 200, {
    'Docker-Distribution-API-Version': 'registry/2.0',
    ...common,
    'Content-Type': 'application/octet-stream',
    'Content-Length': length,
    ...(range ? { 'Content-Range': `bytes ${range.start}-${range.end}/${info.size}` } : {}),
  });
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return;
  }
  try {
    // Always a range: the size is known from the stat above, so the store need not fstat again.
    await ctx.blobs.copyTo(digest, res, range ?? { start: 0, end: info.size - 1 });
    res.end();
  } catch (err) {
    // The client went away mid-transfer: nothing to answer, the headers are already sent.
    ctx.log.debug({ err, digest: digest.value, name }, 'blob transfer ended early');
    res.destroy();
  }
}

/** DELETE a blob from a repository (202), or BLOB_UNKNOWN. */
export async function deleteBlob(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  digestParam: string,
): Promise<void> {
  checkName(name);
  await requireAccess(ctx, req, [{ type: 'repository', name, actions: ['delete'] }]);
  const digest = blobDigest(digestParam);
  if (!ctx.meta.unlinkBlob(name, digest.value))
    throw new RegistryError('BLOB_UNKNOWN', `blob ${digest.value} unknown to ${name}`);
  send(res, 202, { 'Docker-Content-Digest': digest.value });
}
