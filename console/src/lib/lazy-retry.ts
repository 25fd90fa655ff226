/**
 * React.lazy whose chunk import is tried again when it fails. A browser on a Berth node sees the
 * host's addresses change whenever a pod starts or stops, and chromium then fails the requests
 * under way (ERR_NETWORK_CHANGED) — a page's chunk among them, which would leave the route on an
 * error screen until a reload. Browsers that follow the current HTML standard fetch a module whose
 * fetch failed again on the next import().
 */
import { lazy } from 'react';

/** `load`, tried up to `attempts` times, `delayMs` apart, while it fails. */
export function retryImport<T>(load: () => Promise<T>, attempts = 3, delayMs = 300): () => Promise<T> {
  return async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await load();
      } catch (err) {
        if (attempt >= attempts) throw err;
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  };
}

/** React.lazy over `retryImport(load)`. */
export const lazyRetry: typeof lazy = (load) => lazy(retryImport(load));
