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
 * they may be sent again when the network dropped them. A JSON patch is never resent; a create only
 * under its request key (requestJson), which the console server runs once.
 */
export function retryable(method: string, contentType?: string): boolean {
  if (method === 'GET' || method === 'DELETE') return true;
  if (method === 'PATCH')
    return contentType === 'application/merge-patch+json' || contentType === 'application/apply-patch+yaml';
  return false;
}

/**
 * Pauses before each resend of a request the network dropped, in ms: a node starting several pods
 * changes the host's addresses several times within a second or two (each veth), and chromium drops
 * what is under way at every change, so the resends spread over ~4 s.
 */
export const networkRetryDelaysMs: readonly number[] = [250, 500, 1000, 1000, 1000];

/**
 * apiFetch and the whole answer's text, sending a `retryable` request again (once per entry of
 * `delaysMs`) when the network failed it — before the answer (`TypeError: Failed to fetch`) or while
 * its body was arriving (chromium fails a response under way when the host's addresses change, even
 * after a 200 header: CI once lost a login that way). HTTP errors are answers and are never resent.
 */
export async function fetchRetrying(
  url: string,
  init: RequestInit,
  retry: boolean,
  delaysMs: readonly number[] = networkRetryDelaysMs,
): Promise<{ res: Response; text: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await apiFetch(url, init);
      return { res, text: await res.text() };
    } catch (err) {
      const delay = delaysMs[attempt];
      if (!retry || delay === undefined || init.signal?.aborted || !(err instanceof TypeError)) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * Header naming one write; the console server's cluster proxy runs a create, update or patch once
 * per key and answers a resend with the first answer, so a write the network dropped can be resent
 * too.
 */
export const requestKeyHeader = 'X-Berth-Request-Key';

/** Methods the cluster proxy runs once per request key. */
const keyedWrite = (method: string): boolean => method === 'POST' || method === 'PUT' || method === 'PATCH';

/**
 * Sends a request and returns the parsed JSON answer; throws ApiError for non-2xx answers. A write
 * through the cluster proxy that is not `retryable` gets a request key (or uses `requestKey`) and
 * is then resent like the `retryable` ones.
 */
export async function requestJson<T>(
  url: string,
  opts: {
    method?: string;
    body?: unknown;
    contentType?: string;
    signal?: AbortSignal;
    requestKey?: string;
    /** Resend when the network dropped it although the method is not `retryable` (safe twice). */
    resend?: boolean;
  } = {},
): Promise<T> {
  const method = opts.method ?? 'GET';
  const init: RequestInit = { method, signal: opts.signal };
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) {
    init.body = JSON.stringify(opts.body);
    headers['Content-Type'] = opts.contentType ?? 'application/json';
  }
  // A write through the cluster proxy that is not safe twice gets a key the proxy runs it once by.
  const key =
    opts.requestKey ??
    (keyedWrite(method) && !retryable(method, opts.contentType) && url.startsWith('/api/clusters/')
      ? crypto.randomUUID()
      : undefined);
  if (key !== undefined) headers[requestKeyHeader] = key;
  if (Object.keys(headers).length > 0) init.headers = headers;
  const retry = opts.resend === true || key !== undefined || retryable(method, opts.contentType);
  const { res, text } = await fetchRetrying(url, init, retry);
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
