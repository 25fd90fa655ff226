/** Pods: live list with status, readiness, restarts, node and age; YAML view and delete. */
import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { App, Input, Space, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import DeleteOutlined from '@ant-design/icons-svg/es/asn/DeleteOutlined';
import { clusterApi } from '../api/client.ts';
import { kinds, resourcePath } from '../api/kinds.ts';
import { errorMessage } from '../api/status.ts';
import type { Pod } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { NamespaceSelect, useNamespaceParam } from '../components/NamespaceSelect.tsx';
import { LazyPopconfirm } from '../components/LazyPopconfirm.tsx';
import { Age } from '../components/Age.tsx';
import { maskIconClass } from '../components/PlainIcon.tsx';
import { ResourceTable } from '../components/ResourceTable.tsx';
import { RowLink } from '../components/RowLink.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { podReady, podRestarts, podStatus } from '../lib/format.ts';
import { detailLink, filterByName } from '../lib/links.ts';
import { t } from '../texts.ts';

/** The Pods table's columns; `remove` deletes one pod. */
function podColumns(
  cluster: string,
  statuses: string[],
  remove: (p: Pod) => Promise<void>,
): TableColumnsType<Pod> {
  const deleteIcon = `berth-mask-icon ${maskIconClass(DeleteOutlined)}`;
  return [
    {
      title: t.common.name,
      key: 'name',
      width: 220,
      fixed: 'left',
      sorter: (a, b) => a.metadata.name.localeCompare(b.metadata.name),
      render: (_, p) => (
        <RowLink to={detailLink(cluster, 'pods', p.metadata.namespace, p.metadata.name)}>
          {p.metadata.name}
        </RowLink>
      ),
    },
    { title: t.common.namespace, key: 'ns', width: 110, render: (_, p) => p.metadata.namespace },
    {
      title: t.common.status,
      key: 'status',
      width: 130,
      filters: statuses.map((s) => ({ text: s, value: s })),
      onFilter: (v, p) => podStatus(p) === v,
      sorter: (a, b) => podStatus(a).localeCompare(podStatus(b)),
      render: (_, p) => <StatusTag status={podStatus(p)} />,
    },
    { title: t.pods.ready, key: 'ready', width: 65, render: (_, p) => podReady(p) },
    {
      title: t.pods.restarts,
      key: 'restarts',
      width: 100,
      sorter: (a, b) => podRestarts(a) - podRestarts(b),
      render: (_, p) => podRestarts(p),
    },
    {
      title: t.pods.node,
      key: 'node',
      width: 110,
      ellipsis: true,
      sorter: (a, b) => (a.spec?.nodeName ?? '').localeCompare(b.spec?.nodeName ?? ''),
      render: (_, p) => p.spec?.nodeName ?? '-',
    },
    { title: t.pods.ip, key: 'ip', width: 110, render: (_, p) => p.status?.podIP ?? '-' },
    {
      title: t.common.age,
      key: 'age',
      width: 60,
      sorter: (a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
      render: (_, p) => <Age since={p.metadata.creationTimestamp} />,
    },
    {
      title: t.common.actions,
      key: 'actions',
      width: 90,
      render: (_, p) => (
        <LazyPopconfirm
          title={t.common.confirmDelete('Pod', p.metadata.name)}
          onConfirm={() => remove(p)}
          okText={t.common.delete}
          okButtonProps={{ danger: true }}
        >
          {/* A plain button styled like antd's small danger one: rows mount many a second. */}
          <button
            type="button"
            className="berth-btn berth-btn-sm berth-btn-danger"
            aria-label={`${t.common.delete} ${p.metadata.name}`}
          >
            <span className={deleteIcon} aria-hidden />
            {t.common.delete}
          </button>
        </LazyPopconfirm>
      ),
    },
  ];
}

export default function PodsPage() {
  const { cluster = 'local' } = useParams();
  const { message } = App.useApp();
  const [namespace] = useNamespaceParam();
  const list = useWatchList<Pod>(cluster, kinds.pods, { namespace });
  const [query, setQuery] = useState('');

  const statuses = [...new Set(list.items.map(podStatus))].sort().join('\n');
  // The columns change only with what they show: a new columns array re-renders every row in view.
  const columns = useMemo(
    () =>
      podColumns(cluster, statuses ? statuses.split('\n') : [], async (p: Pod) => {
        try {
          await clusterApi(cluster).remove(
            resourcePath(kinds.pods, { namespace: p.metadata.namespace, name: p.metadata.name }),
          );
          message.success(t.common.deleted('Pod', p.metadata.name));
        } catch (err) {
          message.error(errorMessage(err));
        }
      }),
    [cluster, statuses, message],
  );

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t.pods.title}
        </Typography.Title>
        <Space wrap>
          <NamespaceSelect cluster={cluster} />
          <Input.Search
            allowClear
            placeholder={t.common.search}
            onChange={(e) => setQuery(e.target.value)}
            style={{ width: 200 }}
          />
        </Space>
      </Space>
      <ResourceTable
        testId="pods-table"
        items={filterByName(list.items, query)}
        columns={columns}
        loading={list.loading}
        error={list.error}
        width={1000}
      />
    </Space>
  );
}
