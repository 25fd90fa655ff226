/**
 * React.lazy whose chunk import is tried again when it fails. A browser on a Berth node sees the
 * host's addresses change whenever a pod starts or stops, and chromium then fails the requests
 * under way (ERR_NETWORK_CHANGED) — a page's chunk among them, which would leave the route on an
 * error screen until a reload. Browsers that follow the current HTML standard fetch a module whose
 * fetch failed again on the next import().
 */
import { lazy } from 'react';
import { networkRetryDelaysMs } from '../api/client.ts';

/**
 * `load`, tried again after each pause of `delaysMs` while it fails — by default the pauses API
 * requests use, so a chunk outlasts the same burst of address changes a request does.
 */
export function retryImport<T>(
  load: () => Promise<T>,
  delaysMs: readonly number[] = networkRetryDelaysMs,
): () => Promise<T> {
  return async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await load();
      } catch (err) {
        const delay = delaysMs[attempt];
        if (delay === undefined) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };
}

/** React.lazy over `retryImport(load)`. */
export const lazyRetry: typeof lazy = (load) => lazy(retryImport(load));
