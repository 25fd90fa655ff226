/**
 * The registry's management API, JSON under `/api/v1/` on the registry's own port, for the console
 * and the CLI: namespaces (list, get, create, update, delete), their robots, repositories (per
 * namespace, search by substring, delete) and tags (with digest, size and push time; delete).
 * Callers authenticate with Basic credentials: an admin may do everything; a robot sees its own
 * namespace (and public ones) and may delete there when it holds the `delete` action. Errors use
 * the registry's `{"errors":[{code,message}]}` body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../access/accounts.ts';
import { isAdmin } from '../access/policy.ts';
import type { Action } from '../auth.ts';
import type { RegistryContext } from '../context.ts';
import { RegistryError } from '../errors.ts';
import { readBody, sendJson } from '../http.ts';
import { parseBytes } from '../quota.ts';
import { isValidName, isValidTag, namespaceOf } from '../reference.ts';
import { deleteRepository, getRepository, listRepositories, listTagInfo } from '../storage/inventory.ts';
import { NamespaceError, type Namespace } from '../storage/namespaces.ts';

/** A namespace in API responses. */
export interface NamespaceJson {
  name: string;
  public: boolean;
  quotaBytes: number | null;
  usedBytes: number;
  repositoryCount: number;
  proxy: { url: string; username: string | null; ttlSeconds: number } | null;
  createdAt: string;
}

const TRUSTED: Principal = { kind: 'user', name: '(trusted)', admin: true };

/** Who calls: Basic credentials under token auth; under a custom authorizer, whoever it lets list the catalog. */
async function principalOf(ctx: RegistryContext, req: IncomingMessage): Promise<Principal> {
  if (!ctx.accessControl) {
    const d = await ctx.authorize(req, [{ type: 'registry', name: 'catalog', actions: ['*'] }]);
    if (!d.allowed) throw d.error;
    return TRUSTED;
  }
  const challenge = { 'WWW-Authenticate': 'Basic realm="berth-registry"' };
  if (!/^Basic\s/i.test(req.headers.authorization ?? ''))
    throw new RegistryError('UNAUTHORIZED', 'the management API needs Basic credentials', {
      headers: challenge,
    });
  const { principal } = await ctx.accessControl.authenticate(req).catch((err: unknown) => {
    throw err instanceof RegistryError
      ? new RegistryError('UNAUTHORIZED', err.message, { headers: challenge })
      : err;
  });
  return principal;
}

const requireAdmin = (p: Principal): void => {
  if (!isAdmin(p)) throw new RegistryError('DENIED', 'only administrators may do this');
};

const canSee = (p: Principal, ns: Namespace): boolean =>
  isAdmin(p) || ns.public || (p.kind === 'robot' && p.namespace === ns.name);

const canDelete = (p: Principal, ns: string): boolean =>
  isAdmin(p) || (p.kind === 'robot' && p.namespace === ns && p.actions.includes('delete'));

/** A namespace as the API shows it (usage included, the upstream password never). */
export function namespaceJson(ctx: RegistryContext, ns: Namespace): NamespaceJson {
  return {
    name: ns.name,
    public: ns.public,
    quotaBytes: ns.quotaBytes,
    usedBytes: ctx.namespaces.usage(ns.name),
    repositoryCount: listRepositories(ctx.meta, { namespace: ns.name, limit: 100_000 }).length,
    proxy: ns.proxy
      ? { url: ns.proxy.url, username: ns.proxy.username ?? null, ttlSeconds: ns.proxy.ttlSeconds }
      : null,
    createdAt: new Date(ns.createdAt).toISOString(),
  };
}

function visibleNamespace(ctx: RegistryContext, p: Principal, name: string): Namespace {
  const ns = ctx.namespaces.get(name);
  if (!ns || !canSee(p, ns)) throw new RegistryError('NAME_UNKNOWN', `namespace ${name} not found`);
  return ns;
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readBody(req, 64 * 1024)).toString('utf8');
  try {
    const doc = JSON.parse(raw === '' ? '{}' : raw) as unknown;
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) return doc as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new RegistryError('UNSUPPORTED', 'the request body must be a JSON object', { status: 400 });
}

/** A quota given as bytes (number), a quantity ("10Gi"), or null to remove it. */
function quotaField(v: unknown): number | null | undefined {
  if (v === undefined || v === null) return v;
  try {
    return typeof v === 'number' ? v : parseBytes(String(v));
  } catch (err) {
    throw new RegistryError('UNSUPPORTED', (err as Error).message, { status: 400 });
  }
}

function namespaceError(err: unknown): unknown {
  if (!(err instanceof NamespaceError)) return err;
  if (err.reason === 'NotFound') return new RegistryError('NAME_UNKNOWN', err.message);
  if (err.reason === 'AlreadyExists') return new RegistryError('DENIED', err.message, { status: 409 });
  return new RegistryError('NAME_INVALID', err.message);
}

function repositoryOr404(ctx: RegistryContext, p: Principal, name: string) {
  const info = isValidName(name) && name.includes('/') ? getRepository(ctx.meta, name) : undefined;
  const ns = info ? ctx.namespaces.get(namespaceOf(name)) : undefined;
  if (!info || (!isAdmin(p) && !(ns && canSee(p, ns))))
    throw new RegistryError('NAME_UNKNOWN', `repository ${name} not found`);
  return info;
}

const iso = (ms: number): string => new Date(ms).toISOString();

async function namespaces(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  p: Principal,
  rest: string[],
) {
  const method = req.method ?? 'GET';
  const [name, sub, subName] = rest;
  if (name === undefined) {
    if (method === 'GET')
      return sendJson(res, 200, {
        items: ctx.namespaces
          .list()
          .filter((ns) => canSee(p, ns))
          .map((ns) => namespaceJson(ctx, ns)),
      });
    if (method === 'POST') {
      requireAdmin(p);
      const b = await jsonBody(req);
      const proxy = b.proxy as
        { url?: unknown; username?: unknown; password?: unknown; ttlSeconds?: unknown } | undefined;
      try {
        const ns = ctx.namespaces.create({
          name: String(b.name ?? ''),
          public: b.public === true,
          quotaBytes: quotaField(b.quota ?? b.quotaBytes),
          ...(proxy
            ? {
                proxy: {
                  url: String(proxy.url ?? ''),
                  ...(typeof proxy.username === 'string' ? { username: proxy.username } : {}),
                  ...(typeof proxy.password === 'string' ? { password: proxy.password } : {}),
                  ...(typeof proxy.ttlSeconds === 'number' ? { ttlSeconds: proxy.ttlSeconds } : {}),
                },
              }
            : {}),
        });
        return sendJson(res, 201, namespaceJson(ctx, ns));
      } catch (err) {
        throw namespaceError(err);
      }
    }
  } else if (sub === undefined) {
    if (method === 'GET') return sendJson(res, 200, namespaceJson(ctx, visibleNamespace(ctx, p, name)));
    if (method === 'PATCH') {
      requireAdmin(p);
      const b = await jsonBody(req);
      try {
        const ns = ctx.namespaces.update(name, {
          ...(typeof b.public === 'boolean' ? { public: b.public } : {}),
          ...('quota' in b || 'quotaBytes' in b
            ? { quotaBytes: quotaField(b.quota ?? b.quotaBytes) ?? null }
            : {}),
        });
        return sendJson(res, 200, namespaceJson(ctx, ns));
      } catch (err) {
        throw namespaceError(err);
      }
    }
    if (method === 'DELETE') {
      requireAdmin(p);
      try {
        return sendJson(res, 200, { deleted: name, ...ctx.namespaces.delete(name) });
      } catch (err) {
        throw namespaceError(err);
      }
    }
  } else if (sub === 'repositories' && subName === undefined && method === 'GET') {
    visibleNamespace(ctx, p, name);
    const q = new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? undefined;
    return sendJson(res, 200, { items: repositoryItems(ctx, { namespace: name, search: q }) });
  } else if (sub === 'robots') {
    requireAdmin(p);
    if (!ctx.namespaces.get(name)) throw new RegistryError('NAME_UNKNOWN', `namespace ${name} not found`);
    if (subName === undefined && method === 'GET')
      return sendJson(res, 200, {
        items: ctx.accounts.listRobots(name).map((r) => ({ ...r, createdAt: iso(r.createdAt) })),
      });
    if (subName === undefined && method === 'POST') {
      const b = await jsonBody(req);
      const actions = (Array.isArray(b.actions) ? b.actions : []).filter((a): a is Action =>
        ['pull', 'push', 'delete'].includes(String(a)),
      );
      try {
        const robot = ctx.accounts.createRobot(name, String(b.name ?? ''), actions);
        return sendJson(res, 201, { ...robot, namespace: name, actions });
      } catch (err) {
        throw new RegistryError('UNSUPPORTED', (err as Error).message, { status: 400 });
      }
    }
    if (subName !== undefined && method === 'DELETE') {
      const account = subName.startsWith('robot$') ? subName : `robot$${name}+${subName}`;
      if (!ctx.accounts.deleteRobot(account))
        throw new RegistryError('NAME_UNKNOWN', `robot ${account} not found`);
      return sendJson(res, 200, { deleted: account });
    }
  }
  throw new RegistryError('UNSUPPORTED', `${method} ${req.url} is not supported`, { status: 405 });
}

function repositoryItems(ctx: RegistryContext, opts: { namespace?: string; search?: string }, p?: Principal) {
  return listRepositories(ctx.meta, opts)
    .filter((r) => {
      if (!p || isAdmin(p)) return true;
      const ns = ctx.namespaces.get(r.namespace);
      return ns !== undefined && canSee(p, ns);
    })
    .map((r) => ({ ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) }));
}

async function repositories(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  p: Principal,
  path: string,
) {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://x');
  if (path === '') {
    if (method !== 'GET')
      throw new RegistryError('UNSUPPORTED', `${method} is not supported`, { status: 405 });
    const ns = url.searchParams.get('namespace') ?? undefined;
    const q = url.searchParams.get('q') ?? undefined;
    return sendJson(res, 200, { items: repositoryItems(ctx, { namespace: ns, search: q }, p) });
  }
  const tagMatch = /^(.+)\/tags(?:\/([^/]+))?$/.exec(path);
  if (tagMatch) {
    const repo = repositoryOr404(ctx, p, tagMatch[1]!);
    const tag = tagMatch[2];
    if (tag === undefined && method === 'GET')
      return sendJson(res, 200, {
        repository: repo.name,
        items: listTagInfo(ctx.meta, repo.name).map((t) => ({ ...t, pushedAt: iso(t.pushedAt) })),
      });
    if (tag !== undefined && method === 'DELETE') {
      if (!canDelete(p, repo.namespace))
        throw new RegistryError('DENIED', `may not delete in namespace ${repo.namespace}`);
      if (!isValidTag(tag) || !ctx.meta.deleteTag(repo.name, tag))
        throw new RegistryError('MANIFEST_UNKNOWN', `tag ${tag} not found in ${repo.name}`);
      return sendJson(res, 200, { deleted: `${repo.name}:${tag}` });
    }
    throw new RegistryError('UNSUPPORTED', `${method} is not supported`, { status: 405 });
  }
  const repo = repositoryOr404(ctx, p, path);
  if (method === 'GET')
    return sendJson(res, 200, { ...repo, createdAt: iso(repo.createdAt), updatedAt: iso(repo.updatedAt) });
  if (method === 'DELETE') {
    if (!canDelete(p, repo.namespace))
      throw new RegistryError('DENIED', `may not delete in namespace ${repo.namespace}`);
    deleteRepository(ctx.meta, repo.name);
    return sendJson(res, 200, { deleted: repo.name });
  }
  throw new RegistryError('UNSUPPORTED', `${method} is not supported`, { status: 405 });
}

/** Serves `/api/v1/...`; `pathname` is the decoded path. */
export async function serveManagement(
  ctx: RegistryContext,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  const p = await principalOf(ctx, req);
  const rest = pathname.replace(/^\/api\/v1\/?/, '').replace(/\/+$/, '');
  if (rest === 'namespaces' || rest.startsWith('namespaces/'))
    return namespaces(ctx, req, res, p, rest.split('/').slice(1).map(decodeURIComponent));
  if (rest === 'repositories' || rest.startsWith('repositories/'))
    return repositories(ctx, req, res, p, decodeURIComponent(rest.slice('repositories/'.length)));
  if (rest === 'whoami') return sendJson(res, 200, p);
  throw new RegistryError('UNSUPPORTED', `no such endpoint ${pathname}`, { status: 404 });
}
