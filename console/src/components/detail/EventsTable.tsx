/** Live events about one object (field selector involvedObject.uid), newest first. */
import { Table, Tag } from 'antd';
import { kinds } from '../../api/kinds.ts';
import type { KubeEvent } from '../../api/types.ts';
import { useWatchList } from '../../api/use-watch-list.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { age } from '../../lib/format.ts';
import { t } from '../../texts.ts';

const lastSeen = (e: KubeEvent) =>
  e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '';

export function EventsTable(props: { cluster: string; namespace: string; uid: string; now: number }) {
  const list = useWatchList<KubeEvent>(props.cluster, kinds.events, {
    namespace: props.namespace,
    fieldSelector: `involvedObject.uid=${props.uid}`,
  });
  const items = [...list.items].sort((a, b) => lastSeen(b).localeCompare(lastSeen(a)));
  return (
    <>
      {list.error ? <ErrorAlert error={list.error} type={items.length > 0 ? 'warning' : 'error'} /> : null}
      <Table<KubeEvent>
        data-testid="detail-events"
        size="small"
        rowKey={(e) => e.metadata.uid ?? e.metadata.name}
        dataSource={items}
        loading={list.loading}
        locale={{ emptyText: t.detail.noEvents }}
        pagination={items.length > 50 ? { pageSize: 50 } : false}
        scroll={{ x: 800 }}
        columns={[
          {
            title: t.detail.type,
            key: 'type',
            width: 90,
            render: (_, e) => (
              <Tag color={e.type === 'Warning' ? 'warning' : 'default'}>{e.type ?? 'Normal'}</Tag>
            ),
          },
          { title: t.detail.reason, key: 'reason', width: 150, render: (_, e) => e.reason ?? '' },
          { title: t.detail.message, key: 'message', render: (_, e) => e.message ?? '' },
          { title: t.detail.count, key: 'count', width: 70, render: (_, e) => e.count ?? 1 },
          { title: t.detail.lastSeen, key: 'last', width: 90, render: (_, e) => age(lastSeen(e), props.now) },
        ]}
      />
    </>
  );
}
