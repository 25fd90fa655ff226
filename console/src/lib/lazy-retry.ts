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
 * Style sheets whose load failed, by URL. Vite loads a chunk's CSS before the chunk, once per
 * document: when the network drops that load the import fails, and every later import of the
 * chunk goes ahead without the sheet and without asking for it again — antd's pages would stay
 * unstyled until a reload. Each retry puts the failed sheets back first (restoreStyleSheets).
 */
const failedSheets = new Set<string>();
/** A sheet being loaded again, by URL: concurrent retries of one chunk share it. */
const restoring = new Map<string, Promise<void>>();

/** How Vite's preload error names a style sheet it could not load. */
const cssFailure = /^Unable to preload CSS for (\S+)$/;

if (typeof window !== 'undefined') {
  // Only noted: Vite still throws the error, so the import fails and is tried again below.
  window.addEventListener('vite:preloadError', (e) => {
    const m = cssFailure.exec(String((e as Event & { payload?: Error }).payload?.message));
    if (m) failedSheets.add(m[1]!);
  });
}

function restoreStyleSheet(href: string): Promise<void> {
  const loading = new Promise<void>((resolve, reject) => {
    for (const old of document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]'))
      if (old.href === href) old.remove();
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.crossOrigin = '';
    link.href = href;
    link.addEventListener('load', () => {
      failedSheets.delete(href);
      resolve();
    });
    link.addEventListener('error', () => reject(new Error(`Unable to load style sheet ${href}`)));
    document.head.appendChild(link);
  }).finally(() => restoring.delete(href));
  restoring.set(href, loading);
  return loading;
}

/** Loads every failed style sheet again (see failedSheets); rejects if one fails again. */
async function restoreStyleSheets(): Promise<void> {
  await Promise.all([...failedSheets].map((href) => restoring.get(href) ?? restoreStyleSheet(href)));
}

/**
 * `load`, tried again after each pause of `delaysMs` while it fails — by default the pauses API
 * requests use, so a chunk outlasts the same burst of address changes a request does. A style
 * sheet that failed with it is loaded again before the next try.
 */
export function retryImport<T>(
  load: () => Promise<T>,
  delaysMs: readonly number[] = networkRetryDelaysMs,
): () => Promise<T> {
  return async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        if (failedSheets.size > 0) await restoreStyleSheets();
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
