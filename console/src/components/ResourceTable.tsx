/**
 * The one table every list page uses: virtualized (smooth with thousands of rows), sortable and
 * filterable through its columns, with the same loading, empty and error states everywhere.
 */
import { Empty, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { ApiError } from '../api/status.ts';
import type { KubeObject } from '../api/types.ts';
import { objectKey } from '../api/watch-merge.ts';
import { useTableHeight } from '../lib/hooks.ts';
import { t } from '../texts.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

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
      <Table<T>
        data-testid={props.testId}
        virtual
        size="small"
        rowKey={(o) => o.metadata.uid ?? objectKey(o)}
        dataSource={props.items}
        columns={props.columns}
        loading={props.loading}
        pagination={false}
        scroll={{ x: props.width ?? 960, y: height }}
        locale={{ emptyText: <Empty description={t.common.empty} /> }}
        footer={() => <Typography.Text type="secondary">{t.common.rows(props.items.length)}</Typography.Text>}
      />
    </>
  );
}
