/**
 * Listings: tags of a repository and the catalog of repositories (both in byte order, paginated with
 * `n` and `last`, a `Link: <...>; rel="next"` header when more remain, none when n=0), and the
 * referrers of a manifest (an OCI image index of descriptors, optionally filtered by artifactType).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryContext } from '../context.ts';
import { RegistryError } from '../errors.ts';
import { checkName, pageSize, requireAccess, requireRepository, sendJson } from '../http.ts';
import { OCI_INDEX } from '../media-types.ts';
import { parseDigest } from '../reference.ts';

/** Largest page served, whatever `n` asks for (and the page size when `n` is absent). */
export const MAX_PAGE = 10_000;

/** One page of `list(n + 1, last)`, with the Link header when there is more. */
function page(
  list: (n: number, last: string) => string[],
  query: URLSearchParams,
  path: string,
): { items: string[]; headers: Record<string, string> } {
  const n = pageSize(query, MAX_PAGE);
  const last = query.get('last') ?? '';
  if (n === 0) return { items: [], headers: {} };
  const size = n ?? MAX_PAGE;
  const items = list(size + 1, last);
  if (items.length <= size) return { items, headers: {} };
  items.length = size;
  const next = new URLSearchParams({ n: String(size), last: items[size - 1]! });
  return { items, headers: { Link: `<${path}?${next.toString()}>; rel="next"` } };
}

/** GET /v2/<name>/tags/list */
export async function listTags(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  query: URLSearchParams,
): Promise<void> {
  checkName(name);
  await requireAccess(ctx, req, [{ type: 'repository', name, actions: ['pull'] }]);
  requireRepository(ctx, name);
  const { items, headers } = page(
    (n, last) => ctx.meta.listTags(name, n, last),
    query,
    `/v2/${name}/tags/list`,
  );
  sendJson(res, 200, { name, tags: items }, headers);
}

/** GET /v2/_catalog */
export async function catalog(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  await requireAccess(ctx, req, [{ type: 'registry', name: 'catalog', actions: ['*'] }]);
  const { items, headers } = page((n, last) => ctx.meta.listRepositories(n, last), query, '/v2/_catalog');
  sendJson(res, 200, { repositories: items }, headers);
}

/** GET /v2/<name>/referrers/<digest>[?artifactType=] */
export async function referrers(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  digestParam: string,
  query: URLSearchParams,
): Promise<void> {
  checkName(name);
  await requireAccess(ctx, req, [{ type: 'repository', name, actions: ['pull'] }]);
  const digest = parseDigest(digestParam);
  if (!digest) throw new RegistryError('DIGEST_INVALID', `invalid digest ${JSON.stringify(digestParam)}`);
  requireRepository(ctx, name);
  const artifactType = query.get('artifactType') ?? undefined;
  const manifests = ctx.meta.referrers(name, digest.value, artifactType);
  sendJson(
    res,
    200,
    { schemaVersion: 2, mediaType: OCI_INDEX, manifests },
    {
      'Content-Type': OCI_INDEX,
      ...(artifactType !== undefined ? { 'OCI-Filters-Applied': 'artifactType' } : {}),
    },
  );
}
