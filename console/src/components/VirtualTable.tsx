/**
 * A light virtualized table for the console's lists: fixed-height rows positioned absolutely in
 * one scroll area, only the rows in view (plus a few) mounted, each row memoised so a scroll step
 * mounts the rows coming into view and leaves the others alone. It takes antd's column definitions
 * (title, key, dataIndex, render, width, fixed: 'left', ellipsis, sorter, filters/onFilter), so list
 * pages describe their columns the one way they always did; antd's own virtual Table re-rendered
 * every visible row and cell on every scroll frame and dropped a third of the frames at 1,000 rows.
 */
import {
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
  type UIEvent,
} from 'react';
import { Button, Checkbox, Popover, Spin } from 'antd';
import type { TableColumnsType } from 'antd';
import { CaretDownOutlined, CaretUpOutlined, FilterFilled } from '@ant-design/icons';
import { filterAndSort, nextSort, visibleRange, type RowRules, type SortState } from '../lib/table-rows.ts';
import { t } from '../texts.ts';
import './VirtualTable.css';

/** Row height in pixels: a small button or tag plus padding, one line of text. */
export const rowHeight = 40;
/** Rows mounted beyond each edge of the view. */
const overscan = 8;

type FilterValue = string | number | boolean;

/** One column as the table uses it, taken from an antd column definition. */
interface Column<T> extends RowRules<T> {
  title: ReactNode;
  width: number;
  /** Grows to fill spare width (a column without a width). */
  flexible: boolean;
  fixed: boolean;
  ellipsis: boolean;
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
    return {
      key,
      title: typeof c.title === 'function' ? c.title({}) : c.title,
      width: typeof c.width === 'number' ? c.width : defaultWidth,
      flexible: typeof c.width !== 'number',
      fixed: c.fixed === 'left' || c.fixed === true,
      ellipsis: Boolean(c.ellipsis),
      sorter: c.sorter,
      onFilter: c.onFilter,
      filters: c.filters?.map((f) => ({ text: f.text, value: f.value as FilterValue })),
      cell: (row, index) =>
        c.render ? (c.render(value(row), row, index) as ReactNode) : ((value(row) ?? '') as ReactNode),
    };
  });
}

const cellStyle = (c: Column<unknown>): CSSProperties => ({
  flex: c.flexible ? `1 1 ${c.width}px` : `${c.width} 0 ${c.width}px`,
  minWidth: c.width,
});

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
        <div
          key={c.key}
          role="cell"
          className={`berth-vt-cell${c.fixed ? ' berth-vt-fixed' : ''}${c.ellipsis ? ' berth-vt-ellipsis' : ''}`}
          style={cellStyle(c as Column<unknown>)}
        >
          {c.cell(row, index)}
        </div>
      ))}
    </div>
  );
}) as <T>(props: RowProps<T>) => ReactNode;

function FilterButton(props: {
  title: ReactNode;
  options: { text: ReactNode; value: FilterValue }[];
  chosen: FilterValue[];
  onChange: (values: FilterValue[]) => void;
}) {
  const active = props.chosen.length > 0;
  return (
    <Popover
      trigger="click"
      placement="bottom"
      content={
        <Checkbox.Group
          style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
          value={props.chosen}
          options={props.options.map((o) => ({ label: o.text, value: o.value }))}
          onChange={(v) => props.onChange(v as FilterValue[])}
        />
      }
    >
      <Button
        type="text"
        size="small"
        className={active ? 'berth-vt-filter-on' : undefined}
        icon={<FilterFilled />}
        aria-label={`${t.common.filter} ${typeof props.title === 'string' ? props.title : ''}`.trim()}
        aria-pressed={active}
      />
    </Popover>
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
              style={cellStyle(c as Column<unknown>)}
            >
              {sortable ? (
                <button
                  type="button"
                  className="berth-vt-sort"
                  onClick={() => props.onSort((s) => nextSort(s, c.key))}
                >
                  <span className="berth-vt-title">{c.title}</span>
                  <span className="berth-vt-carets" aria-hidden>
                    <CaretUpOutlined className={sorted === 'ascend' ? 'on' : undefined} />
                    <CaretDownOutlined className={sorted === 'descend' ? 'on' : undefined} />
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
  const [overflowing, setOverflowing] = useState(false);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const check = () => setOverflowing(el.scrollWidth > el.clientWidth + 1);
    check();
    const ro = new ResizeObserver(check);
    ro.observe(el);
    return () => ro.disconnect();
  }, [minWidth]);
  const onScroll = useCallback((e: UIEvent<HTMLDivElement>) => {
    const top = e.currentTarget.scrollTop;
    setScrollTop((old) => (Math.floor(old / rowHeight) === Math.floor(top / rowHeight) ? old : top));
  }, []);

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
        style={{ height: props.height }}
        onScroll={onScroll}
      >
        <Header<T>
          columns={columns}
          minWidth={minWidth}
          sort={sort}
          filters={filters}
          onSort={setSort}
          onFilter={setFilters}
        />
        <div role="rowgroup" className="berth-vt-body" style={{ minWidth, height: rows.length * rowHeight }}>
          {shown}
        </div>
        {rows.length === 0 && !props.loading ? <div className="berth-vt-empty">{props.empty}</div> : null}
        {props.loading ? (
          <div className="berth-vt-loading">
            <Spin />
          </div>
        ) : null}
      </div>
      {footer ? <div className="berth-vt-footer">{footer}</div> : null}
    </div>
  );
}
