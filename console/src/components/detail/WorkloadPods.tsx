/**
 * Live pods: a workload's (label selector, one namespace) or a node's (field selector
 * spec.nodeName, all namespaces: a namespace column is added).
 */
import { Link } from 'react-router';
import { Table } from 'antd';
import type { TableColumnsType } from 'antd';
import { kinds } from '../../api/kinds.ts';
import type { Pod } from '../../api/types.ts';
import { useWatchList } from '../../api/use-watch-list.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { StatusTag } from '../StatusTag.tsx';
import { age, podReady, podRestarts, podStatus } from '../../lib/format.ts';
import { detailLink } from '../../lib/links.ts';
import { t } from '../../texts.ts';

export function WorkloadPods(props: {
  cluster: string;
  namespace?: string;
  selector?: string;
  fieldSelector?: string;
  now: number;
}) {
  const list = useWatchList<Pod>(props.cluster, kinds.pods, {
    namespace: props.namespace,
    labelSelector: props.selector,
    fieldSelector: props.fieldSelector,
  });
  const columns: TableColumnsType<Pod> = [
    {
      title: t.common.name,
      key: 'name',
      render: (_, p) => (
        <Link to={detailLink(props.cluster, 'pods', p.metadata.namespace, p.metadata.name)}>
          {p.metadata.name}
        </Link>
      ),
    },
    ...(props.namespace === undefined
      ? [{ title: t.common.namespace, key: 'ns', render: (_: unknown, p: Pod) => p.metadata.namespace }]
      : []),
    { title: t.common.status, key: 'status', render: (_, p) => <StatusTag status={podStatus(p)} /> },
    { title: t.pods.ready, key: 'ready', render: (_, p) => podReady(p) },
    { title: t.pods.restarts, key: 'restarts', render: (_, p) => podRestarts(p) },
    { title: t.pods.node, key: 'node', render: (_, p) => p.spec?.nodeName ?? '-' },
    { title: t.pods.ip, key: 'ip', render: (_, p) => p.status?.podIP ?? '-' },
    { title: t.common.age, key: 'age', render: (_, p) => age(p.metadata.creationTimestamp, props.now) },
  ];
  return (
    <>
      {list.error ? (
        <ErrorAlert error={list.error} type={list.items.length > 0 ? 'warning' : 'error'} />
      ) : null}
      <Table<Pod>
        data-testid="detail-pods"
        size="small"
        rowKey={(p) => p.metadata.uid ?? p.metadata.name}
        dataSource={list.items}
        columns={columns}
        loading={list.loading}
        pagination={list.items.length > 50 ? { pageSize: 50 } : false}
        scroll={{ x: 800 }}
      />
    </>
  );
}
