/**
 * The one table every list page uses: virtualized (smooth with thousands of rows, see
 * VirtualTable), sortable and filterable through its columns, with the same loading, empty and
 * error states everywhere.
 */
import { Empty, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { ApiError } from '../api/status.ts';
import type { KubeObject } from '../api/types.ts';
import { objectKey } from '../api/watch-merge.ts';
import { useTableHeight } from '../lib/hooks.ts';
import { t } from '../texts.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { VirtualTable } from './VirtualTable.tsx';

export interface ResourceTableProps<T extends KubeObject> {
  items: T[];
  columns: TableColumnsType<T>;
  loading: boolean;
  error?: ApiError;
  /** Space above the table (toolbar, title) in pixels, for the height of the scroll area. */
  offset?: number;
  testId?: string;
  width?: number;
}

const rowKey = (o: KubeObject): string => o.metadata.uid ?? objectKey(o);

export function ResourceTable<T extends KubeObject>(props: ResourceTableProps<T>) {
  const height = useTableHeight(props.offset ?? 260);
  const hasItems = props.items.length > 0;
  return (
    <>
      {props.error ? (
        <ErrorAlert
          error={props.error}
          type={hasItems ? 'warning' : 'error'}
          title={hasItems ? t.common.liveError : t.common.listError}
        />
      ) : null}
      <VirtualTable<T>
        testId={props.testId}
        rowKey={rowKey}
        items={props.items}
        columns={props.columns}
        loading={props.loading}
        height={height + 40}
        width={props.width ?? 960}
        empty={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.common.empty} />}
        footer={() => <Typography.Text type="secondary">{t.common.rows(props.items.length)}</Typography.Text>}
      />
    </>
  );
}
