/**
 * Manifests: GET/HEAD by tag or digest (served byte for byte with the stored media type, subject to
 * Accept — see media-types.ts), PUT by tag or digest (validated, size-capped at 4 MiB → 413, every
 * referenced blob and child manifest must already be in the repository → MANIFEST_BLOB_UNKNOWN; a
 * `subject` is acknowledged with OCI-Subject), DELETE by digest (the manifest and its tags; refused
 * while an index in the repository lists it) or by tag (only the tag, as spec 1.1 allows).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryContext } from '../context.ts';
import { RegistryError } from '../errors.ts';
import { API_VERSION_HEADER, checkName, readBody, requireAccess, requireRepository, send } from '../http.ts';
import { MAX_MANIFEST_BYTES, parseManifest } from '../manifest.ts';
import { acceptsManifest, bareMediaType } from '../media-types.ts';
import { proxyManifest, proxyNamespace } from '../proxy/pull-through.ts';
import { parseReference, type Reference } from '../reference.ts';
import type { StoredManifest } from '../storage/metadata.ts';
import { requireWritable } from './uploads.ts';

function reference(s: string): Reference {
  const ref = parseReference(s);
  if (!ref) throw new RegistryError('MANIFEST_INVALID', `invalid tag or digest ${JSON.stringify(s)}`);
  return ref;
}

/** GET or HEAD a manifest. */
export async function getManifest(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  refParam: string,
): Promise<void> {
  checkName(name);
  const pending = requireAccess(ctx, req, [{ type: 'repository', name, actions: ['pull'] }]);
  if (pending) await pending;
  const ref = reference(refParam);
  const cache = proxyNamespace(ctx, name);
  const stored = cache
    ? await proxyManifest(ctx, cache, name, ref)
    : ref.kind === 'tag'
      ? ctx.meta.manifestByTag(name, ref.tag)
      : ctx.meta.manifestByDigest(name, ref.digest.value);
  if (!stored) {
    requireRepository(ctx, name);
    throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${refParam} unknown to ${name}`);
  }
  if (!acceptsManifest(req.headers.accept, stored.mediaType)) {
    throw new RegistryError(
      'MANIFEST_UNKNOWN',
      `manifest is ${stored.mediaType}, which the Accept header does not allow`,
    );
  }
  const r = manifestResponse(stored);
  res.writeHead(200, r.headers);
  res.end(r.body, 'latin1');
}

/**
 * The response of a stored manifest, built once per (cached) manifest: its headers, and its bytes
 * as a latin1 string (byte for byte the same), which Node sends in one write together with the
 * header block instead of a writev of the two.
 */
const responses = new WeakMap<StoredManifest, { headers: Record<string, string | number>; body: string }>();

function manifestResponse(m: StoredManifest): { headers: Record<string, string | number>; body: string } {
  let r = responses.get(m);
  if (!r) {
    r = {
      headers: {
        ...API_VERSION_HEADER,
        'Content-Length': m.content.byteLength,
        'Content-Type': m.mediaType,
        'Docker-Content-Digest': m.digest,
        ETag: `"${m.digest}"`,
      },
      body: Buffer.from(m.content.buffer, m.content.byteOffset, m.content.byteLength).toString('latin1'),
    };
    responses.set(m, r);
  }
  return r;
}

/** PUT a manifest by tag or digest. */
export async function putManifest(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  refParam: string,
): Promise<void> {
  checkName(name);
  await requireAccess(ctx, req, [{ type: 'repository', name, actions: ['pull', 'push'] }]);
  requireWritable(ctx, name);
  const ref = reference(refParam);
  const body = await readBody(req, MAX_MANIFEST_BYTES).catch((err: unknown) => {
    if (err instanceof RegistryError) {
      throw new RegistryError('SIZE_INVALID', `manifest exceeds the ${MAX_MANIFEST_BYTES}-byte limit`, {
        status: 413,
      });
    }
    throw err;
  });
  const algorithm = ref.kind === 'digest' ? ref.digest.algorithm : 'sha256';
  const digest = `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
  if (ref.kind === 'digest' && ref.digest.value !== digest) {
    throw new RegistryError('DIGEST_INVALID', `manifest has digest ${digest}, not ${ref.digest.value}`);
  }
  const parsed = parseManifest(body, bareMediaType(req.headers['content-type']));
  ctx.meta.putManifest(name, digest, body, parsed, ref.kind === 'tag' ? ref.tag : undefined);
  ctx.log.debug({ name, digest, tag: ref.kind === 'tag' ? ref.tag : undefined }, 'manifest pushed');
  send(res, 201, {
    Location: `/v2/${name}/manifests/${digest}`,
    'Docker-Content-Digest': digest,
    ...(parsed.subject ? { 'OCI-Subject': parsed.subject.digest } : {}),
  });
}

/** DELETE a manifest (by digest) or a tag. */
export async function deleteManifest(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  refParam: string,
): Promise<void> {
  checkName(name);
  await requireAccess(ctx, req, [{ type: 'repository', name, actions: ['delete'] }]);
  const ref = reference(refParam);
  if (ref.kind === 'tag') {
    if (!ctx.meta.deleteTag(name, ref.tag)) {
      requireRepository(ctx, name);
      throw new RegistryError('MANIFEST_UNKNOWN', `tag ${ref.tag} unknown to ${name}`);
    }
    send(res, 202);
    return;
  }
  const result = ctx.meta.deleteManifest(name, ref.digest.value);
  if (!result.deleted) {
    if (result.referencedBy) {
      throw new RegistryError(
        'DENIED',
        `manifest ${ref.digest.value} is listed by index ${result.referencedBy}; delete the index first`,
        { status: 409, detail: { referencedBy: result.referencedBy } },
      );
    }
    requireRepository(ctx, name);
    throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${ref.digest.value} unknown to ${name}`);
  }
  send(res, 202);
}
