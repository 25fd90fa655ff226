/**
 * An object's age ("42s", "3m", "2d") that moves on by itself: every Age shares one clock ticking
 * every 5 s, so a list's age column updates without the page re-rendering its table (and every
 * row in view) on each tick.
 */
import { useSyncExternalStore } from 'react';
import { age } from '../lib/format.ts';

/** How often ages move on. */
const tickMs = 5000;

const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, tickMs);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) clearInterval(timer);
  };
}

const getNow = () => now;

/** The age of `since` (an RFC 3339 timestamp), or "-" without one. */
export function Age({ since }: { since: string | undefined }) {
  return age(since, useSyncExternalStore(subscribe, getNow));
}
