/**
 * `useWatchList`: a live list of one kind. It LISTs, then WATCHes from the list's resourceVersion
 * (with bookmarks) and applies events as they arrive; when the watch ends it resumes from the last
 * resourceVersion seen, and when the server answers 410 (our resourceVersion was compacted away) it
 * lists again. Failures are shown (the last good items stay) and retried with backoff.
 */
import { useEffect, useMemo, useState } from 'react';
import { apiFetch } from './client.ts';
import { clusterUrl, resourcePath, type ResourceKind } from './kinds.ts';
import { takePrefetched } from './prefetch.ts';
import { ApiError, errorFromBody, errorFromStatus } from './status.ts';
import type { KubeList, KubeObject, WatchEvent } from './types.ts';
import { LineSplitter } from './watch-lines.ts';
import { applyEvents, listState, sortedItems, type ListState } from './watch-merge.ts';

import type { WatchListOptions } from './prefetch.ts';

export type { WatchListOptions };

export interface WatchListResult<T extends KubeObject> {
  items: T[];
  /** True until the first LIST answered. */
  loading: boolean;
  /** The last failure, cleared once the list is live again. */
  error?: ApiError;
}

interface Snapshot<T extends KubeObject> {
  state?: ListState<T>;
  error?: ApiError;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Keeps a list of `kind` in `cluster` current; see the module comment. */
export function useWatchList<T extends KubeObject>(
  cluster: string,
  kind: ResourceKind,
  opts: WatchListOptions = {},
): WatchListResult<T> {
  const [snap, setSnap] = useState<Snapshot<T>>({});
  const { namespace, labelSelector, fieldSelector } = opts;

  useEffect(() => {
    const ctl = new AbortController();
    const signal = ctl.signal;
    const path = resourcePath(kind, { namespace });
    const selectors = { labelSelector, fieldSelector };
    let state: ListState<T> | undefined;
    /** Failed attempts since the list was last live; sets the pause before the next one. */
    let failures = 0;

    setSnap({});

    const relist = async (): Promise<ListState<T>> => {
      const url = clusterUrl(cluster, path, selectors);
      const res = await (takePrefetched(url) ?? apiFetch(url, { signal }));
      const text = await res.text();
      if (!res.ok) throw errorFromBody(res.status, res.statusText, text);
      const list = JSON.parse(text) as KubeList<T>;
      return listState(list.items ?? [], list.metadata?.resourceVersion ?? '');
    };

    /** Streams one watch; resolves true when a relist is needed. */
    const watch = async (from: ListState<T>): Promise<boolean> => {
      const url = clusterUrl(cluster, path, {
        ...selectors,
        watch: '1',
        allowWatchBookmarks: 'true',
        resourceVersion: from.resourceVersion || undefined,
      });
      const res = await apiFetch(url, { signal });
      if (!res.ok || !res.body) {
        const err = errorFromBody(res.status, res.statusText, await res.text());
        if (err.code === 410) return true;
        throw err;
      }
      // The list is live again: a later break starts the backoff afresh. (A host whose addresses
      // change every few seconds cuts every watch; counting those breaks as consecutive failures
      // left the list stale for up to 10 s at a time.)
      failures = 0;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const lines = new LineSplitter();
      let current = from;
      for (;;) {
        const { value, done } = await reader.read();
        const batch = done ? lines.flush() : lines.push(value);
        if (batch.length > 0) {
          const events = batch.map((l) => JSON.parse(l) as WatchEvent<T>);
          const r = applyEvents(current, events);
          if (r.state !== current) {
            current = r.state;
            state = current;
            setSnap({ state: current });
          }
          if (r.expired) {
            await reader.cancel();
            return true;
          }
          if (r.error) {
            await reader.cancel();
            throw errorFromStatus(r.error);
          }
        }
        if (done) return false;
      }
    };

    const run = async (): Promise<void> => {
      let needList = true;
      while (!signal.aborted) {
        try {
          if (needList || !state) {
            state = await relist();
            setSnap({ state });
            needList = false;
          }
          needList = await watch(state);
          failures = 0;
        } catch (err) {
          if (signal.aborted) return;
          const apiErr =
            err instanceof ApiError
              ? err
              : new ApiError(0, 'NetworkError', String((err as Error).message ?? err));
          setSnap({ state, error: apiErr });
          failures++;
          await sleep(Math.min(500 * 2 ** failures, 10_000), signal);
          needList = true;
        }
      }
    };
    void run();
    return () => ctl.abort();
  }, [cluster, kind, namespace, labelSelector, fieldSelector]);

  const items = useMemo(() => (snap.state ? sortedItems(snap.state) : []), [snap.state]);
  return { items, loading: !snap.state && !snap.error, error: snap.error };
}
