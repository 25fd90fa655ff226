/** An object's status conditions: type, status, reason, message and when it last changed. */
import { Table, Tag } from 'antd';
import type { Condition } from '../../api/types.ts';
import { age } from '../../lib/format.ts';
import { t } from '../../texts.ts';

export function ConditionsTable({ conditions, now }: { conditions: Condition[]; now: number }) {
  return (
    <Table<Condition>
      data-testid="detail-conditions"
      size="small"
      rowKey="type"
      dataSource={conditions}
      pagination={false}
      scroll={{ x: 700 }}
      columns={[
        { title: t.detail.type, key: 'type', dataIndex: 'type' },
        {
          title: t.common.status,
          key: 'status',
          render: (_, c) => (
            <Tag color={c.status === 'True' ? 'success' : c.status === 'False' ? 'default' : 'warning'}>
              {c.status}
            </Tag>
          ),
        },
        { title: t.detail.reason, key: 'reason', render: (_, c) => c.reason ?? '-' },
        { title: t.detail.message, key: 'message', render: (_, c) => c.message ?? '' },
        { title: t.detail.lastTransition, key: 'when', render: (_, c) => age(c.lastTransitionTime, now) },
      ]}
    />
  );
}
