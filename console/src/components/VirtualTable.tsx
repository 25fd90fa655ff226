/**
 * A light virtualized table for the console's lists: fixed-height rows positioned absolutely in
 * one scroll area, only the rows in view (plus a few) mounted, each row memoised so a scroll step
 * mounts the rows coming into view and leaves the others alone. It takes antd's column definitions
 * (title, key, dataIndex, render, width, fixed: 'left', ellipsis, sorter, filters/onFilter), so list
 * pages describe their columns the one way they always did; antd's own virtual Table re-rendered
 * every visible row and cell on every scroll frame and dropped a third of the frames at 1,000 rows.
 * No antd in it (the overview's table shows on the first load): the filter menu is its own chunk.
 */
import {
  Suspense,
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type Dispatch,
  type ReactNode,
  type SetStateAction,
  type MouseEvent,
  type PointerEvent,
  type UIEvent,
  type WheelEvent,
} from 'react';
import { useNavigate } from 'react-router';
import type { TableColumnsType } from 'antd';
import CaretDownOutlined from '@ant-design/icons-svg/es/asn/CaretDownOutlined';
import CaretUpOutlined from '@ant-design/icons-svg/es/asn/CaretUpOutlined';
import FilterFilled from '@ant-design/icons-svg/es/asn/FilterFilled';
import {
  filterAndSort,
  gridTemplate,
  nextSort,
  visibleRange,
  type RowRules,
  type SortState,
} from '../lib/table-rows.ts';
import { lazyRetry } from '../lib/lazy-retry.ts';
import { PlainIcon } from './PlainIcon.tsx';
import { Spinner } from './Spinner.tsx';
import type { FilterValue } from './TableFilter.tsx';
import './VirtualTable.css';

const TableFilter = lazyRetry(() => import('./TableFilter.tsx'));

/** Row height in pixels: a small button or tag plus padding, one line of text. */
export const rowHeight = 40;
/** Rows mounted beyond each edge of the view. */
const overscan = 8;

/** One column as the table uses it, taken from an antd column definition. */
interface Column<T> extends RowRules<T> {
  title: ReactNode;
  width: number;
  fixed: boolean;
  ellipsis: boolean;
  /** The class of the column's cells in rows. */
  cellClass: string;
  filters?: { text: ReactNode; value: FilterValue }[];
  cell: (row: T, index: number) => ReactNode;
}

/** Width of a column without one. */
const defaultWidth = 160;

function toColumns<T>(defs: TableColumnsType<T>): Column<T>[] {
  return defs.map((d, i) => {
    const c = d as Extract<TableColumnsType<T>[number], { dataIndex?: unknown }>;
    const key = String(c.key ?? (typeof c.dataIndex === 'string' ? c.dataIndex : i));
    const field = typeof c.dataIndex === 'string' ? c.dataIndex : undefined;
    const value = (row: T): unknown => (field ? (row as Record<string, unknown>)[field] : undefined);
    const fixed = c.fixed === 'left' || c.fixed === true;
    return {
      key,
      title: typeof c.title === 'function' ? c.title({}) : c.title,
      width: typeof c.width === 'number' ? c.width : defaultWidth,
      fixed,
      ellipsis: Boolean(c.ellipsis),
      cellClass: `berth-vt-cell${fixed ? ' berth-vt-fixed' : ''}${c.ellipsis ? ' berth-vt-ellipsis' : ''}`,
      sorter: c.sorter,
      onFilter: c.onFilter,
      filters: c.filters?.map((f) => ({ text: f.text, value: f.value as FilterValue })),
      cell: (row, index) =>
        c.render ? (c.render(value(row), row, index) as ReactNode) : ((value(row) ?? '') as ReactNode),
    };
  });
}

/** How long after the last wheel event the rows take the pointer again. */
const scrollSettleMs = 150;
/** On the scroll area while the rows ignore the pointer (VirtualTable.css). */
const scrollingClass = 'berth-vt-scrolling';

interface RowProps<T> {
  row: T;
  index: number;
  columns: Column<T>[];
}

/** One row; re-renders only when its object, position or the columns change. */
const Row = memo(function Row<T>({ row, index, columns }: RowProps<T>) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      // antd's row class too, so selectors written against the antd tables keep working.
      className="berth-vt-row ant-table-row"
      style={{ top: index * rowHeight }}
    >
      {columns.map((c) => (
        <div key={c.key} role="cell" className={c.cellClass}>
          {c.cell(row, index)}
        </div>
      ))}
    </div>
  );
}) as <T>(props: RowProps<T>) => ReactNode;

/** The column's filter menu; a plain look-alike button while its chunk loads. */
function FilterButton(props: {
  title: ReactNode;
  options: { text: ReactNode; value: FilterValue }[];
  chosen: FilterValue[];
  onChange: (values: FilterValue[]) => void;
}) {
  return (
    <Suspense
      fallback={
        <span className="berth-vt-filter-wait" aria-hidden>
          <PlainIcon icon={FilterFilled} />
        </span>
      }
    >
      <TableFilter {...props} />
    </Suspense>
  );
}

interface HeaderProps<T> {
  columns: Column<T>[];
  minWidth: number;
  sort: SortState | undefined;
  filters: Record<string, FilterValue[]>;
  onSort: Dispatch<SetStateAction<SortState | undefined>>;
  onFilter: Dispatch<SetStateAction<Record<string, FilterValue[]>>>;
}

/** The header row: titles, sort buttons, filter menus. Memoised: scrolling does not touch it. */
const Header = memo(function Header<T>(props: HeaderProps<T>) {
  return (
    <div role="rowgroup" className="berth-vt-head" style={{ minWidth: props.minWidth }}>
      <div role="row" aria-rowindex={1} className="berth-vt-head-row">
        {props.columns.map((c) => {
          const sorted = props.sort?.key === c.key ? props.sort.order : undefined;
          const sortable = c.sorter !== undefined && c.sorter !== false;
          return (
            <div
              key={c.key}
              role="columnheader"
              aria-sort={sorted === 'ascend' ? 'ascending' : sorted === 'descend' ? 'descending' : undefined}
              className={`berth-vt-cell berth-vt-th${c.fixed ? ' berth-vt-fixed' : ''}`}
            >
              {sortable ? (
                <button
                  type="button"
                  className="berth-vt-sort"
                  onClick={() => props.onSort((s) => nextSort(s, c.key))}
                >
                  <span className="berth-vt-title">{c.title}</span>
                  <span className="berth-vt-carets" aria-hidden>
                    <span className={sorted === 'ascend' ? 'on' : undefined}>
                      <PlainIcon icon={CaretUpOutlined} />
                    </span>
                    <span className={sorted === 'descend' ? 'on' : undefined}>
                      <PlainIcon icon={CaretDownOutlined} />
                    </span>
                  </span>
                </button>
              ) : (
                <span className="berth-vt-title">{c.title}</span>
              )}
              {c.filters && c.onFilter ? (
                <FilterButton
                  title={c.title}
                  options={c.filters}
                  chosen={props.filters[c.key] ?? []}
                  onChange={(v) => props.onFilter((f) => ({ ...f, [c.key]: v }))}
                />
              ) : null}
            </div>
          );
        })}
      </div>
    </div>
  );
}) as <T>(props: HeaderProps<T>) => ReactNode;

export interface VirtualTableProps<T> {
  items: T[];
  columns: TableColumnsType<T>;
  rowKey: (row: T) => string;
  /** Height of the scroll area (header included), in pixels. */
  height: number;
  /** Least width of the rows; wider windows stretch the columns, narrower ones scroll sideways. */
  width: number;
  loading?: boolean;
  empty?: ReactNode;
  footer?: (shown: number) => ReactNode;
  testId?: string;
}

export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const columns = useMemo(() => toColumns(props.columns), [props.columns]);
  const [sort, setSort] = useState<SortState>();
  const [filters, setFilters] = useState<Record<string, FilterValue[]>>({});
  const [scrollTop, setScrollTop] = useState(0);
  const rows = useMemo(
    () => filterAndSort(props.items, columns, filters, sort),
    [props.items, columns, filters, sort],
  );
  const total = columns.reduce((n, c) => n + c.width, 0);
  const minWidth = Math.max(total, props.width);
  const bodyHeight = Math.max(0, props.height - rowHeight);
  const range = visibleRange(scrollTop, bodyHeight, rowHeight, rows.length, overscan);
  // Only a change of the first row in view re-renders the table; rows themselves are memoised.
  // Pin the fixed columns only while the rows are wider than the view: a sticky cell is a
  // composited layer per row, which costs paint time on every scroll step for nothing otherwise.
  const scrollRef = useRef<HTMLDivElement>(null);
  const [viewWidth, setViewWidth] = useState(0);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    // The observer reports the first size too, after layout: reading clientWidth here would force
    // a layout of the page in the middle of its first render.
    const ro = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect;
      if (box) setViewWidth(Math.round(box.width));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const overflowing = viewWidth > 0 && minWidth > viewWidth + 1;
  // While the mouse wheel scrolls the list, the rows ignore the pointer (berth-vt-scrolling): rows
  // passing under a resting mouse would otherwise be hit-tested and restyled for :hover on every
  // frame. Only the wheel does that, and any pointer movement or press ends it at once: a scroll
  // by other means (focus, keyboard, a script bringing a row into view) must never make a click
  // that is under way land on the table instead of the row — its mouseup would, and the row's
  // button would never see the click.
  const settle = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(settle.current), []);
  const onScroll = useCallback((e: UIEvent<HTMLDivElement>) => {
    const top = e.currentTarget.scrollTop;
    setScrollTop((old) => (Math.floor(old / rowHeight) === Math.floor(top / rowHeight) ? old : top));
  }, []);
  const onWheel = useCallback((e: WheelEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    el.classList.add(scrollingClass);
    clearTimeout(settle.current);
    settle.current = setTimeout(() => el.classList.remove(scrollingClass), scrollSettleMs);
  }, []);
  const onPointer = useCallback((e: PointerEvent<HTMLDivElement>) => {
    clearTimeout(settle.current);
    e.currentTarget.classList.remove(scrollingClass);
  }, []);
  // Fixed pixel tracks for the width the rows have (see gridTemplate), set once on the table.
  const template = useMemo(
    () =>
      gridTemplate(
        columns.map((c) => c.width),
        Math.max(minWidth, viewWidth),
      ),
    [columns, minWidth, viewWidth],
  );

  // Row links (RowLink) are plain anchors: a plain left click on one navigates in the app.
  const navigate = useNavigate();
  const onRowsClick = useCallback(
    (e: MouseEvent<HTMLDivElement>) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element).closest?.('a[data-row-link]');
      const href = a?.getAttribute('href');
      if (!href) return;
      e.preventDefault();
      void navigate(href);
    },
    [navigate],
  );

  const footer = useMemo(() => props.footer?.(rows.length), [props.footer, rows.length]);
  const shown: ReactNode[] = [];
  for (let i = range.start; i < range.end; i++) {
    const row = rows[i]!;
    shown.push(<Row<T> key={props.rowKey(row)} row={row} index={i} columns={columns} />);
  }

  return (
    <div className="berth-vt" data-testid={props.testId}>
      <div
        ref={scrollRef}
        // ant-table-body too, so selectors written against the antd tables keep finding the scroll area.
        className={`berth-vt-scroll ant-table-body${overflowing ? ' berth-vt-pinned' : ''}`}
        data-virtual-body=""
        role="table"
        aria-rowcount={rows.length + 1}
        tabIndex={0}
        style={{ height: props.height, '--berth-vt-cols': template } as CSSProperties}
        onScroll={onScroll}
        onWheel={onWheel}
        // Capture: the pointer reaches the scroll area itself while the rows ignore it.
        onPointerMoveCapture={onPointer}
        onPointerDownCapture={onPointer}
      >
        <Header<T>
          columns={columns}
          minWidth={minWidth}
          sort={sort}
          filters={filters}
          onSort={setSort}
          onFilter={setFilters}
        />
        <div
          role="rowgroup"
          className="berth-vt-body"
          style={{ minWidth, height: rows.length * rowHeight }}
          onClick={onRowsClick}
        >
          {shown}
        </div>
        {rows.length === 0 && !props.loading ? <div className="berth-vt-empty">{props.empty}</div> : null}
        {props.loading ? (
          <div className="berth-vt-loading">
            <Spinner inline />
          </div>
        ) : null}
      </div>
      {footer ? <div className="berth-vt-footer">{footer}</div> : null}
    </div>
  );
}
