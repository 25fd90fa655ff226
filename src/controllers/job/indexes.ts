/**
 * Completion indexes of Indexed Jobs: reading a pod's index, and sets of indexes kept as sorted,
 * non-overlapping intervals that print the way status.completedIndexes and status.failedIndexes
 * are written ("0-2,4,7-9"; a single index alone, two or more as a range).
 */
import type { DeepReadonly } from '../../api/object.ts';
import { completionIndexAnnotation, type Pod } from './types.ts';

/** A pod's completion index, or undefined when it has none (or a malformed one). */
export function completionIndexOf(pod: DeepReadonly<Pod>): number | undefined {
  const text = pod.metadata.annotations?.[completionIndexAnnotation];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A pod's completion index when it is below `completions`, else undefined. */
export function validIndexOf(pod: DeepReadonly<Pod>, completions: number): number | undefined {
  const ix = completionIndexOf(pod);
  return ix !== undefined && ix < completions ? ix : undefined;
}

interface Interval {
  first: number;
  last: number;
}

/** An immutable set of indexes stored as ordered intervals. */
export class IndexSet {
  private readonly intervals: readonly Interval[];

  private constructor(intervals: Interval[]) {
    this.intervals = intervals;
  }

  static empty(): IndexSet {
    return new IndexSet([]);
  }

  /**
   * Parses "1,3-5" keeping only indexes below `limit`; malformed parts are skipped (the status was
   * written by a controller, so the text is trusted but never allowed to break a sync).
   */
  static parse(text: string | undefined, limit = Number.MAX_SAFE_INTEGER): IndexSet {
    const out: number[] = [];
    for (const part of (text ?? '').split(',')) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
      if (!m) continue;
      const lo = Number(m[1]);
      const hi = Math.min(m[2] === undefined ? lo : Number(m[2]), limit - 1);
      for (let i = lo; i <= hi; i++) out.push(i);
    }
    return IndexSet.of(out);
  }

  /** The set holding `indexes` (any order, duplicates allowed). */
  static of(indexes: Iterable<number>): IndexSet {
    const sorted = [...new Set(indexes)].sort((a, b) => a - b);
    const intervals: Interval[] = [];
    for (const i of sorted) {
      const last = intervals.at(-1);
      if (last && last.last + 1 === i) last.last = i;
      else intervals.push({ first: i, last: i });
    }
    return new IndexSet(intervals);
  }

  has(i: number): boolean {
    return this.intervals.some((v) => v.first <= i && i <= v.last);
  }

  /** How many indexes the set holds. */
  total(): number {
    return this.intervals.reduce((n, v) => n + v.last - v.first + 1, 0);
  }

  /** This set plus `more`. */
  with(more: Iterable<number>): IndexSet {
    return IndexSet.of([...this.values(), ...more]);
  }

  *values(): Generator<number> {
    for (const v of this.intervals) for (let i = v.first; i <= v.last; i++) yield i;
  }

  /** "0-2,4": ranges for runs of two or more, as Kubernetes prints them. */
  toString(): string {
    return this.intervals.map((v) => (v.first === v.last ? `${v.first}` : `${v.first}-${v.last}`)).join(',');
  }
}

/**
 * The `count` lowest indexes below `completions` that are neither finished (succeeded or failed)
 * nor held by an active pod: the ones an Indexed Job should start next.
 */
export function firstPendingIndexes(
  count: number,
  completions: number,
  taken: (i: number) => boolean,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) if (!taken(i)) out.push(i);
  return out;
}
