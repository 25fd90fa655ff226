/**
 * The console's HTTP calls: every request goes to its own server (same origin, session cookie),
 * carries the CSRF header the server demands, and fails with an ApiError built from the Status
 * body. A 401 from any call but login tells listeners (the session guard) to send the user to the
 * login page.
 */
import { clusterUrl } from './kinds.ts';
import { errorFromBody } from './status.ts';

/** Header the console server requires on state-changing requests. */
export const csrfHeader = 'X-Berth-Console';

const unauthorizedListeners = new Set<() => void>();

/** Calls `fn` whenever a request comes back 401; returns the unsubscribe function. */
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

/** fetch with the console's headers; does not throw for HTTP errors. */
export async function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set(csrfHeader, '1');
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  const res = await fetch(url, { ...init, headers, credentials: 'same-origin' });
  if (res.status === 401 && !url.startsWith('/api/login') && !url.startsWith('/api/session')) {
    for (const fn of unauthorizedListeners) fn();
  }
  return res;
}

/**
 * True for requests that leave the same result when sent twice (reads, deletes, merge patches), so
 * they may be sent again when the network dropped them. A create or a JSON patch is never resent.
 */
export function retryable(method: string, contentType?: string): boolean {
  if (method === 'GET' || method === 'DELETE') return true;
  if (method === 'PATCH')
    return contentType === 'application/merge-patch+json' || contentType === 'application/apply-patch+yaml';
  return false;
}

/** Pause before resending a request the network dropped, in ms. */
export const networkRetryDelayMs = 300;

/**
 * apiFetch, resending a `retryable` request up to twice when fetch itself failed (the browser saw
 * no answer: a dropped connection, or a network change on the host — `TypeError: Failed to fetch`).
 * HTTP errors are answers and are never resent.
 */
export async function fetchRetrying(url: string, init: RequestInit, retry: boolean): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await apiFetch(url, init);
    } catch (err) {
      if (!retry || attempt >= 2 || init.signal?.aborted || !(err instanceof TypeError)) throw err;
      await new Promise((r) => setTimeout(r, networkRetryDelayMs));
    }
  }
}

/** Sends a request and returns the parsed JSON answer; throws ApiError for non-2xx answers. */
export async function requestJson<T>(
  url: string,
  opts: { method?: string; body?: unknown; contentType?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const init: RequestInit = { method: opts.method ?? 'GET', signal: opts.signal };
  if (opts.body !== undefined) {
    init.body = JSON.stringify(opts.body);
    init.headers = { 'Content-Type': opts.contentType ?? 'application/json' };
  }
  const res = await fetchRetrying(url, init, retryable(init.method!, opts.contentType));
  const text = await res.text();
  if (!res.ok) throw errorFromBody(res.status, res.statusText, text);
  return (text === '' ? {} : JSON.parse(text)) as T;
}

/** Kubernetes calls against one cluster through the console's proxy. */
export function clusterApi(cluster: string) {
  return {
    get: <T>(path: string, signal?: AbortSignal) => requestJson<T>(clusterUrl(cluster, path), { signal }),
    create: <T>(collectionPath: string, body: unknown) =>
      requestJson<T>(clusterUrl(cluster, collectionPath), { method: 'POST', body }),
    mergePatch: <T>(path: string, body: unknown) =>
      requestJson<T>(clusterUrl(cluster, path), {
        method: 'PATCH',
        body,
        contentType: 'application/merge-patch+json',
      }),
    /** PATCH with any patch type (JSON patch, strategic merge patch, merge patch). */
    patch: <T>(path: string, body: unknown, contentType: string) =>
      requestJson<T>(clusterUrl(cluster, path), { method: 'PATCH', body, contentType }),
    remove: <T>(path: string, body?: unknown) =>
      requestJson<T>(clusterUrl(cluster, path), { method: 'DELETE', body }),
  };
}
