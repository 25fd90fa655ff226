/**
 * Events, live: newest first, filtered by namespace, by type (warnings only) and by object or
 * reason text; the involved object links to its page where the console has one.
 */
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Input, Space, Switch, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { kinds } from '../api/kinds.ts';
import type { KubeEvent } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { NamespaceSelect, useNamespaceParam } from '../components/NamespaceSelect.tsx';
import { ResourceTable } from '../components/ResourceTable.tsx';
import { age } from '../lib/format.ts';
import { useNow } from '../lib/hooks.ts';
import { eventObjectLink, filterEvents } from '../lib/events.ts';
import { eventTime } from '../lib/overview.ts';
import { t } from '../texts.ts';

export default function EventsPage() {
  const { cluster = 'local' } = useParams();
  const now = useNow();
  const [namespace] = useNamespaceParam();
  const list = useWatchList<KubeEvent>(cluster, kinds.events, { namespace });
  const [warningsOnly, setWarningsOnly] = useState(false);
  const [query, setQuery] = useState('');
  const items = useMemo(
    () => filterEvents(list.items, { warningsOnly, query }),
    [list.items, warningsOnly, query],
  );

  const columns: TableColumnsType<KubeEvent> = [
    {
      title: t.events.type,
      key: 'type',
      width: 90,
      render: (_, e) => <Tag color={e.type === 'Warning' ? 'warning' : 'default'}>{e.type ?? 'Normal'}</Tag>,
    },
    { title: t.common.namespace, key: 'ns', width: 110, render: (_, e) => e.metadata.namespace ?? '-' },
    {
      title: t.events.object,
      key: 'object',
      width: 220,
      ellipsis: true,
      render: (_, e) => {
        const text = `${e.involvedObject?.kind ?? '?'}/${e.involvedObject?.name ?? '?'}`;
        const link = eventObjectLink(cluster, e);
        return link ? <Link to={link}>{text}</Link> : text;
      },
    },
    { title: t.events.reason, key: 'reason', width: 140, render: (_, e) => e.reason ?? '' },
    {
      title: t.events.message,
      key: 'message',
      width: 360,
      ellipsis: true,
      render: (_, e) => e.message ?? '',
    },
    { title: t.events.count, key: 'count', width: 70, render: (_, e) => e.count ?? 1 },
    {
      title: t.events.lastSeen,
      key: 'last',
      width: 90,
      sorter: (a, b) => (eventTime(a) ?? '').localeCompare(eventTime(b) ?? ''),
      render: (_, e) => age(eventTime(e), now),
    },
  ];

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t.events.title}
        </Typography.Title>
        <Space wrap>
          <NamespaceSelect cluster={cluster} />
          <Switch checked={warningsOnly} onChange={setWarningsOnly} aria-label={t.events.warningsOnly} />
          <span>{t.events.warningsOnly}</span>
          <Input.Search
            allowClear
            placeholder={t.events.filter}
            onChange={(e) => setQuery(e.target.value)}
            style={{ width: 220 }}
          />
        </Space>
      </Space>
      <ResourceTable
        testId="events-table"
        items={items}
        columns={columns}
        loading={list.loading}
        error={list.error}
        width={1080}
      />
    </Space>
  );
}
