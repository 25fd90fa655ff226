/** Small UI hooks: a ticking clock for ages, and a table height that follows the window. */
import { useEffect, useState } from 'react';

/** `Date.now()`, refreshed every `ms` so ages in tables move on. */
export function useNow(ms = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** Pixels left for a table body below `offset`, never less than 240. */
export function useTableHeight(offset: number): number {
  const [h, setH] = useState(() => Math.max(240, window.innerHeight - offset));
  useEffect(() => {
    const onResize = () => setH(Math.max(240, window.innerHeight - offset));
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [offset]);
  return h;
}
