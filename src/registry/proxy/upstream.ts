/**
 * A client of an upstream registry, for the pull-through cache: manifest and blob requests that
 * handle the upstream's own authentication the way Docker clients do — on a 401 with a Bearer
 * challenge, fetch a token from the challenge's realm (with the configured credentials as Basic
 * auth, or anonymously) for `repository:NAME:pull`, cache it until shortly before it expires, and
 * retry once; on a Basic challenge, retry with the credentials. Redirects (blob CDNs) are followed;
 * fetch drops the Authorization header when a redirect leaves the upstream's origin.
 */
import { parseChallenge } from '../access/challenge.ts';
import { manifestMediaTypes } from '../media-types.ts';
import type { ProxyConfig } from '../storage/namespaces.ts';

/** How long one upstream manifest request may take. */
const MANIFEST_TIMEOUT_MS = 30_000;
/** How long to wait for an upstream blob's response headers (the body then streams on). */
const BLOB_HEADERS_TIMEOUT_MS = 60_000;

/** Docker Hub's API host: one-component names there live under `library/`. */
const DOCKER_HUB_HOSTS = new Set(['registry-1.docker.io', 'index.docker.io', 'docker.io']);

/** The upstream's name for a repository of the cache namespace (`cache/library/nginx` → `library/nginx`). */
export function upstreamRepository(upstreamUrl: string, localRepo: string): string {
  const rest = localRepo.slice(localRepo.indexOf('/') + 1);
  const host = new URL(upstreamUrl).hostname;
  return DOCKER_HUB_HOSTS.has(host) && !rest.includes('/') ? `library/${rest}` : rest;
}

/** An upstream answered with an unexpected status. */
export class UpstreamError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'UpstreamError';
    this.status = status;
  }
}

/** One upstream registry (one cache namespace's configuration). */
export class UpstreamClient {
  readonly config: ProxyConfig;
  private readonly tokens = new Map<string, { header: string; until: number }>();
  private readonly now: () => number;

  constructor(config: ProxyConfig, opts: { now?: () => number } = {}) {
    this.config = config;
    this.now = opts.now ?? Date.now;
  }

  private basic(): string | undefined {
    const { username, password } = this.config;
    return username === undefined
      ? undefined
      : `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
  }

  /** Fetches a token for `scope` from a Bearer challenge's realm. */
  private async token(params: Record<string, string>, scope: string): Promise<string> {
    const realm = params.realm;
    if (!realm) throw new UpstreamError(502, 'upstream sent a Bearer challenge without a realm');
    const u = new URL(realm);
    if (params.service) u.searchParams.set('service', params.service);
    u.searchParams.set('scope', scope);
    const basic = this.basic();
    const res = await fetch(u, {
      headers: basic ? { Authorization: basic } : {},
      signal: AbortSignal.timeout(MANIFEST_TIMEOUT_MS),
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new UpstreamError(
        res.status === 401 ? 401 : 502,
        `upstream token endpoint answered ${res.status}`,
      );
    }
    const doc = (await res.json()) as { token?: string; access_token?: string; expires_in?: number };
    const token = doc.token ?? doc.access_token;
    if (!token) throw new UpstreamError(502, 'upstream token endpoint returned no token');
    const ttl = Math.max(30, Number(doc.expires_in ?? 60));
    const header = `Bearer ${token}`;
    this.tokens.set(scope, { header, until: this.now() + (ttl - 15) * 1000 });
    return header;
  }

  /** One request about `repo` (upstream name), authenticating on a challenge. */
  async request(
    repo: string,
    method: 'GET' | 'HEAD',
    path: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<Response> {
    const url = `${this.config.url}/v2/${repo}/${path}`;
    const scope = `repository:${repo}:pull`;
    const cached = this.tokens.get(scope);
    let auth = cached && cached.until > this.now() ? cached.header : undefined;
    const send = (authorization: string | undefined): Promise<Response> =>
      fetch(url, {
        method,
        headers: { ...headers, ...(authorization ? { Authorization: authorization } : {}) },
        redirect: 'follow',
        signal: AbortSignal.timeout(timeoutMs),
      });
    let res = await send(auth);
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get('www-authenticate') ?? undefined);
    await res.body?.cancel();
    if (challenge?.scheme === 'bearer')
      auth = await this.token(challenge.params, challenge.params.scope ?? scope);
    else if (challenge?.scheme === 'basic' && this.basic()) auth = this.basic();
    else return res;
    res = await send(auth);
    return res;
  }

  /** GET or HEAD a manifest by tag or digest, accepting every type Berth stores. */
  manifest(repo: string, reference: string, method: 'GET' | 'HEAD'): Promise<Response> {
    return this.request(
      repo,
      method,
      `manifests/${reference}`,
      { Accept: manifestMediaTypes.join(', ') },
      MANIFEST_TIMEOUT_MS,
    );
  }

  /** GET or HEAD a blob; the body streams from the returned response. */
  blob(repo: string, digest: string, method: 'GET' | 'HEAD'): Promise<Response> {
    // The timeout covers the whole exchange in fetch; big blobs need longer, so scale it generously.
    return this.request(repo, method, `blobs/${digest}`, {}, BLOB_HEADERS_TIMEOUT_MS * 60);
  }
}
