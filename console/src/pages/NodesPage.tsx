/** Nodes: live list with status, roles, version, pod CIDR, allocatable CPU and memory, age; cordon/uncordon. */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Input, Space, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { kinds } from '../api/kinds.ts';
import type { NodeObject } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { CordonButton } from '../components/node/CordonButton.tsx';
import { NodeStatusTags } from '../components/node/NodeStatusTags.tsx';
import { ResourceTable } from '../components/ResourceTable.tsx';
import { age } from '../lib/format.ts';
import { useNow } from '../lib/hooks.ts';
import { filterByName } from '../lib/links.ts';
import { formatBytes, formatCpu, nodeRoles, nodeStatus, parseQuantity } from '../lib/nodes.ts';
import { t } from '../texts.ts';

const alloc = (n: NodeObject, r: string) => parseQuantity(n.status?.allocatable?.[r]) ?? 0;

export default function NodesPage() {
  const { cluster = 'local' } = useParams();
  const now = useNow();
  const list = useWatchList<NodeObject>(cluster, kinds.nodes);
  const [query, setQuery] = useState('');
  const statuses = [...new Set(list.items.map(nodeStatus))].sort();

  const columns: TableColumnsType<NodeObject> = [
    {
      title: t.common.name,
      key: 'name',
      width: 200,
      fixed: 'left',
      sorter: (a, b) => a.metadata.name.localeCompare(b.metadata.name),
      render: (_, n) => (
        <Link to={`/c/${encodeURIComponent(cluster)}/nodes/${encodeURIComponent(n.metadata.name)}`}>
          {n.metadata.name}
        </Link>
      ),
    },
    {
      title: t.common.status,
      key: 'status',
      width: 200,
      filters: statuses.map((s) => ({ text: s, value: s })),
      onFilter: (v, n) => nodeStatus(n) === v,
      sorter: (a, b) => nodeStatus(a).localeCompare(nodeStatus(b)),
      render: (_, n) => <NodeStatusTags node={n} />,
    },
    { title: t.nodes.roles, key: 'roles', width: 120, render: (_, n) => nodeRoles(n) },
    {
      title: t.nodes.version,
      key: 'version',
      width: 110,
      render: (_, n) => n.status?.nodeInfo?.kubeletVersion ?? '-',
    },
    { title: t.nodes.podCIDR, key: 'cidr', width: 130, render: (_, n) => n.spec?.podCIDR ?? '-' },
    {
      title: t.nodes.cpu,
      key: 'cpu',
      width: 110,
      sorter: (a, b) => alloc(a, 'cpu') - alloc(b, 'cpu'),
      render: (_, n) => formatCpu(n.status?.allocatable?.cpu),
    },
    {
      title: t.nodes.memory,
      key: 'memory',
      width: 130,
      sorter: (a, b) => alloc(a, 'memory') - alloc(b, 'memory'),
      render: (_, n) => formatBytes(n.status?.allocatable?.memory),
    },
    {
      title: t.common.age,
      key: 'age',
      width: 70,
      sorter: (a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
      render: (_, n) => age(n.metadata.creationTimestamp, now),
    },
    {
      title: t.common.actions,
      key: 'actions',
      width: 120,
      render: (_, n) => <CordonButton cluster={cluster} node={n} small />,
    },
  ];

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t.nodes.title}
        </Typography.Title>
        <Input.Search
          allowClear
          placeholder={t.common.search}
          onChange={(e) => setQuery(e.target.value)}
          style={{ width: 200 }}
        />
      </Space>
      <ResourceTable
        testId="nodes-table"
        items={filterByName(list.items, query)}
        columns={columns}
        loading={list.loading}
        error={list.error}
        width={1190}
      />
    </Space>
  );
}
