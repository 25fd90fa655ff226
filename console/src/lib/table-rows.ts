/**
 * The logic of the console's virtual table, kept out of React so it can be tested alone: which rows
 * a scroll position shows, and how a list is filtered and sorted the way antd's column definitions
 * (`sorter`, `filters`/`onFilter`) describe.
 */

/** A sort as the header shows it: a column and a direction; `undefined` when unsorted. */
export interface SortState {
  key: string;
  order: 'ascend' | 'descend';
}

/** The part of a column definition sorting and filtering need. */
export interface RowRules<T> {
  key: string;
  sorter?: ((a: T, b: T) => number) | { compare?: (a: T, b: T) => number } | boolean;
  onFilter?: (value: boolean | number | string | bigint, record: T) => boolean;
}

/** The first and one-past-last row index to render. */
export interface RowRange {
  start: number;
  end: number;
}

/**
 * Column widths as a CSS grid template of fixed pixel tracks for rows `width` pixels wide: each
 * column keeps its width at least and takes a share of any spare width in proportion to it, the
 * last one what rounding left. Fixed tracks are cheap to lay out, which counts when a scroll
 * mounts rows every frame.
 */
export function gridTemplate(widths: readonly number[], width: number): string {
  const total = widths.reduce((n, w) => n + w, 0);
  const scale = total > 0 && width > total ? width / total : 1;
  const px = widths.map((w) => Math.floor(w * scale));
  const used = px.reduce((n, w) => n + w, 0);
  if (px.length > 0 && scale > 1) px[px.length - 1]! += Math.max(0, Math.floor(width) - used);
  return px.map((w) => `${w}px`).join(' ');
}

/**
 * Rows to render for a scroll position: those in view plus `overscan` on each side, so the next
 * few wheel steps find their rows already there.
 */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan: number,
): RowRange {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const inView = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.max(start, Math.min(count, first + inView + overscan));
  return { start, end };
}

/** The comparison a column sorts by, if it sorts. */
export function compareOf<T>(rule: RowRules<T> | undefined): ((a: T, b: T) => number) | undefined {
  if (!rule?.sorter || rule.sorter === true) return undefined;
  return typeof rule.sorter === 'function' ? rule.sorter : rule.sorter.compare;
}

/** The next sort when a column's header is clicked: ascending, descending, then unsorted. */
export function nextSort(current: SortState | undefined, key: string): SortState | undefined {
  if (current?.key !== key) return { key, order: 'ascend' };
  return current.order === 'ascend' ? { key, order: 'descend' } : undefined;
}

/**
 * `items` with every column filter applied (a row passes a column when any chosen value matches)
 * and then sorted; the input is returned as is when nothing applies. Sorting is stable.
 */
export function filterAndSort<T>(
  items: T[],
  rules: RowRules<T>[],
  filters: Record<string, (string | number | boolean)[]>,
  sort: SortState | undefined,
): T[] {
  let out = items;
  for (const rule of rules) {
    const chosen = filters[rule.key];
    if (!rule.onFilter || !chosen || chosen.length === 0) continue;
    const onFilter = rule.onFilter;
    out = out.filter((row) => chosen.some((v) => onFilter(v, row)));
  }
  const compare = sort ? compareOf(rules.find((r) => r.key === sort.key)) : undefined;
  if (!sort || !compare) return out;
  const sign = sort.order === 'ascend' ? 1 : -1;
  return out
    .map((row, i) => ({ row, i }))
    .sort((a, b) => sign * compare(a.row, b.row) || a.i - b.i)
    .map((x) => x.row);
}
