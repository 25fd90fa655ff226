/**
 * The pull-through cache: a namespace configured with an upstream serves what it has and fetches
 * the rest. Manifests by digest are fetched once (content-addressed, never stale). A tag is served
 * from the cache while younger than the namespace's TTL; after that it is compared with the
 * upstream (HEAD, then GET when it moved) — and when the upstream cannot be reached the cached
 * manifest is served anyway. A missing blob is streamed from the upstream to the client while it is
 * written to an upload, then verified against its digest and committed like a pushed blob, so the
 * next pull is local. Manifests are stored without their blobs (they come on demand).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, type Writable } from 'node:stream';
import type { RegistryContext } from '../context.ts';
import { RegistryError } from '../errors.ts';
import { commitBlob } from '../handlers/uploads.ts';
import { MAX_MANIFEST_BYTES, parseManifest } from '../manifest.ts';
import { bareMediaType } from '../media-types.ts';
import type { Digest, Reference } from '../reference.ts';
import type { StoredManifest } from '../storage/metadata.ts';
import type { Namespace, ProxyConfig } from '../storage/namespaces.ts';
import { upstreamRepository, UpstreamClient } from './upstream.ts';

/** Upstream clients by namespace, rebuilt when a namespace's configuration changes. */
export class UpstreamPool {
  private readonly clients = new Map<string, { key: string; client: UpstreamClient }>();

  /** The client for `ns` (which must be a proxy namespace). */
  get(ns: Namespace & { proxy: ProxyConfig }): UpstreamClient {
    const key = JSON.stringify(ns.proxy);
    const seen = this.clients.get(ns.name);
    if (seen && seen.key === key) return seen.client;
    const client = new UpstreamClient(ns.proxy);
    this.clients.set(ns.name, { key, client });
    return client;
  }
}

/** The namespace of `repo` when it is a pull-through cache. */
export function proxyNamespace(
  ctx: RegistryContext,
  repo: string,
): (Namespace & { proxy: ProxyConfig }) | undefined {
  const i = repo.indexOf('/');
  if (i < 0) return undefined;
  const ns = ctx.namespaces.get(repo.slice(0, i));
  return ns?.proxy ? (ns as Namespace & { proxy: ProxyConfig }) : undefined;
}

function unreachable(ns: Namespace, err: unknown): RegistryError {
  return new RegistryError(
    'UNKNOWN',
    `upstream of namespace ${ns.name} is unavailable: ${err instanceof Error ? err.message : String(err)}`,
    { status: 502 },
  );
}

/** GETs a manifest upstream, checks it, stores it in `repo` (and tags it); returns what was stored. */
async function fetchManifest(
  ctx: RegistryContext,
  ns: Namespace & { proxy: ProxyConfig },
  repo: string,
  reference: string,
  opts: { expected?: Digest; tag?: string },
): Promise<StoredManifest> {
  const client = ctx.upstreams.get(ns);
  const upRepo = upstreamRepository(ns.proxy.url, repo);
  let res: Response;
  try {
    res = await client.manifest(upRepo, reference, 'GET');
  } catch (err) {
    throw unreachable(ns, err);
  }
  if (res.status === 404) {
    await res.body?.cancel();
    throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} unknown to ${upRepo} upstream`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw unreachable(ns, new Error(`answered ${res.status} for ${upRepo}:${reference}`));
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MAX_MANIFEST_BYTES) throw unreachable(ns, new Error('manifest larger than 4 MiB'));
  const algorithm = opts.expected?.algorithm ?? 'sha256';
  const digest = `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
  if (opts.expected && opts.expected.value !== digest)
    throw unreachable(ns, new Error(`upstream manifest has digest ${digest}, not ${opts.expected.value}`));
  const parsed = parseManifest(body, bareMediaType(res.headers.get('content-type') ?? undefined));
  ctx.meta.putManifest(repo, digest, body, parsed, opts.tag, { lazyReferences: true });
  if (opts.tag !== undefined) ctx.meta.markProxyChecked(repo, opts.tag);
  ctx.log.info({ repo, reference, digest }, 'pull-through cache stored a manifest');
  return { digest, mediaType: parsed.mediaType, content: body };
}

/** Compares a cached tag with the upstream; returns the manifest to serve. */
async function revalidateTag(
  ctx: RegistryContext,
  ns: Namespace & { proxy: ProxyConfig },
  repo: string,
  tag: string,
  local: StoredManifest | undefined,
): Promise<StoredManifest> {
  try {
    if (local) {
      const head = await ctx.upstreams.get(ns).manifest(upstreamRepository(ns.proxy.url, repo), tag, 'HEAD');
      await head.body?.cancel();
      if (head.ok && head.headers.get('docker-content-digest') === local.digest) {
        ctx.meta.markProxyChecked(repo, tag);
        return local;
      }
    }
    return await fetchManifest(ctx, ns, repo, tag, { tag });
  } catch (err) {
    if (!local) throw err instanceof RegistryError ? err : unreachable(ns, err);
    // Serving a stale tag beats failing the pull while the upstream is away.
    ctx.log.warn({ err, repo, tag }, 'upstream unavailable; serving the cached tag');
    return local;
  }
}

/** The manifest `ref` of cache repository `repo`: from the cache, or fetched as described above. */
export async function proxyManifest(
  ctx: RegistryContext,
  ns: Namespace & { proxy: ProxyConfig },
  repo: string,
  ref: Reference,
): Promise<StoredManifest> {
  if (ref.kind === 'digest') {
    const local = ctx.meta.manifestByDigest(repo, ref.digest.value);
    return local ?? fetchManifest(ctx, ns, repo, ref.digest.value, { expected: ref.digest });
  }
  const local = ctx.meta.manifestByTag(repo, ref.tag);
  const fresh = local && ctx.now() - ctx.meta.proxyCheckedAt(repo, ref.tag) < ns.proxy.ttlSeconds * 1000;
  return fresh ? local : revalidateTag(ctx, ns, repo, ref.tag, local);
}

/** Resolves once `w` can take more, or has closed (a client that went away). */
function drained(w: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.on('drain', done);
    w.on('close', done);
  });
}

/**
 * Serves a blob `repo` does not have yet from the upstream (GET: streamed while cached; HEAD: the
 * upstream's answer only). A Range is ignored on a miss (200 with the whole blob, which the spec
 * allows). The cache is filled even if the client goes away midway.
 */
export async function proxyBlob(
  ctx: RegistryContext,
  ns: Namespace & { proxy: ProxyConfig },
  req: IncomingMessage,
  res: ServerResponse,
  repo: string,
  digest: Digest,
): Promise<void> {
  const upRepo = upstreamRepository(ns.proxy.url, repo);
  const client = ctx.upstreams.get(ns);
  let up: Response;
  try {
    up = await client.blob(upRepo, digest.value, req.method === 'HEAD' ? 'HEAD' : 'GET');
  } catch (err) {
    throw unreachable(ns, err);
  }
  if (!up.ok || !up.body) {
    await up.body?.cancel();
    if (up.status === 404 || up.ok)
      throw new RegistryError('BLOB_UNKNOWN', `blob ${digest.value} unknown to ${upRepo} upstream`);
    throw unreachable(ns, new Error(`answered ${up.status} for blob ${digest.value}`));
  }
  const length = up.headers.get('content-length');
  res.writeHead(200, {
    'Docker-Distribution-API-Version': 'registry/2.0',
    'Docker-Content-Digest': digest.value,
    'Content-Type': 'application/octet-stream',
    ...(length !== null ? { 'Content-Length': length } : {}),
  });
  if (req.method === 'HEAD') {
    await up.body.cancel();
    res.end();
    return;
  }
  const id = await ctx.blobs.startUpload();
  ctx.meta.recordUpload(id, repo);
  const pass = new PassThrough({ highWaterMark: 1 << 20 });
  const appending = ctx.blobs.append(id, pass);
  appending.catch((err: unknown) => pass.destroy(err as Error));
  let stored = false;
  let streamed = false;
  // The last chunk is held back until the blob is committed: a client that has every byte knows
  // the cache has the blob too (its next pull may already find the upstream gone).
  let held: Uint8Array | undefined;
  try {
    for await (const chunk of up.body) {
      if (!pass.destroyed && !pass.write(chunk)) await drained(pass);
      if (held && !res.destroyed && !res.write(held)) await drained(res);
      held = chunk;
      if (pass.destroyed && res.destroyed) break;
    }
    streamed = true;
    pass.end();
    await appending;
    await commitBlob(ctx, repo, id, digest);
    stored = true;
    ctx.log.info({ repo, digest: digest.value }, 'pull-through cache stored a blob');
  } catch (err) {
    ctx.log.warn({ err, repo, digest: digest.value }, 'pull-through blob was not cached');
  } finally {
    if (!stored) {
      await ctx.blobs.cancelUpload(id).catch(() => false);
      ctx.meta.forgetUpload(id);
    }
  }
  // A client still here gets its end only now, so once it has the blob the cache has it too.
  if (streamed) res.end(held);
  else res.destroy();
}

/**
 * For a HEAD/GET of a blob the cache repository lacks while the bytes are already stored (another
 * repository has them): link them once the upstream confirms `repo` has that digest — a digest
 * alone must not open another namespace's blob to this one.
 */
export async function linkIfUpstreamHas(
  ctx: RegistryContext,
  ns: Namespace & { proxy: ProxyConfig },
  repo: string,
  digest: Digest,
  size: number,
): Promise<boolean> {
  try {
    const head = await ctx.upstreams
      .get(ns)
      .blob(upstreamRepository(ns.proxy.url, repo), digest.value, 'HEAD');
    await head.body?.cancel();
    if (!head.ok) return false;
    ctx.meta.linkBlob(repo, digest.value, size);
    return true;
  } catch (err) {
    ctx.log.debug({ err, repo, digest: digest.value }, 'upstream HEAD failed');
    return false;
  }
}
