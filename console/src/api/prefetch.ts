/**
 * Requests started before the page that needs them has rendered: the session check and the first
 * page's LISTs go out from the boot script (boot.ts) while the browser is still fetching and
 * compiling the app, and the session query and `useWatchList` take them over, once each.
 * No React here: the boot script must stay small.
 */
import { apiFetch } from './client.ts';
import { clusterUrl, resourcePath, type ResourceKind } from './kinds.ts';

export interface WatchListOptions {
  /** Only this namespace (namespaced kinds); all namespaces when absent. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Where the console asks who is logged in. */
export const sessionUrl = '/api/session';

/**
 * Whether the page came with a session cookie: the console server marks index.html with
 * `<meta name="berth-session-cookie">` when the request carried one (the cookie itself is
 * HTTP-only). The boot script then sends the first page's LISTs beside the session check instead
 * of after it. Only a hint: an expired session costs LISTs answered 401, and the login page after.
 */
export function sessionCookieHinted(): boolean {
  return document.querySelector('meta[name="berth-session-cookie"]') !== null;
}

/** Requests started ahead, by URL, with when they started. */
const prefetched = new Map<string, { at: number; answer: Promise<Response> }>();

/** How long a prefetched answer may wait for its taker; older ones are dropped and asked again. */
const prefetchMaxAgeMs = 10_000;

function prefetch(url: string): Promise<Response> {
  const had = prefetched.get(url);
  if (had) return had.answer;
  const answer = apiFetch(url);
  answer.catch(() => prefetched.delete(url));
  prefetched.set(url, { at: Date.now(), answer });
  return answer;
}

/** The prefetched answer for `url`, at most once; undefined when none (or too old). */
export function takePrefetched(url: string): Promise<Response> | undefined {
  const p = prefetched.get(url);
  prefetched.delete(url);
  return p && Date.now() - p.at < prefetchMaxAgeMs ? p.answer : undefined;
}

/**
 * Starts the session check; resolves whether someone is logged in (false on any failure: the
 * session query will ask again and show the error).
 */
export async function prefetchSession(): Promise<boolean> {
  try {
    const res = (await prefetch(sessionUrl)).clone();
    if (!res.ok) return false;
    const body = (await res.json()) as { user?: string | null };
    return Boolean(body.user);
  } catch {
    return false;
  }
}

/**
 * Starts the LIST a `useWatchList` with the same arguments will make, so a first page load does
 * not wait for React to render the page before asking the server.
 */
export function prefetchList(cluster: string, kind: ResourceKind, opts: WatchListOptions = {}): void {
  void prefetch(
    clusterUrl(cluster, resourcePath(kind, { namespace: opts.namespace }), {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
    }),
  ).catch(() => undefined);
}
