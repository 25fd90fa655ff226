/**
 * The endpoints behind a Service, live from its EndpointSlices: each address with its ready,
 * serving and terminating conditions, the pod it belongs to (linked to the pod's page), its node
 * and the slice's ports.
 */
import { Link } from 'react-router';
import { Table, Tag } from 'antd';
import { useWatchList } from '../../api/use-watch-list.ts';
import { detailLink } from '../../lib/links.ts';
import {
  endpointRows,
  endpointSliceKind,
  serviceNameLabel,
  type EndpointRow,
  type EndpointSlice,
} from '../../lib/service-detail.ts';
import { t } from '../../texts.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';

const flag = (on: boolean, good: boolean) => (
  <Tag color={on === good ? 'success' : 'warning'}>{on ? t.network.yes : t.network.no}</Tag>
);

export function EndpointsTable(props: { cluster: string; namespace: string; service: string }) {
  const list = useWatchList<EndpointSlice>(props.cluster, endpointSliceKind, {
    namespace: props.namespace,
    labelSelector: `${serviceNameLabel}=${props.service}`,
  });
  const rows = endpointRows(list.items);
  return (
    <>
      {list.error ? <ErrorAlert error={list.error} type={rows.length > 0 ? 'warning' : 'error'} /> : null}
      <Table<EndpointRow>
        data-testid="service-endpoints"
        size="small"
        rowKey="key"
        dataSource={rows}
        loading={list.loading}
        locale={{ emptyText: t.network.noEndpoints }}
        pagination={rows.length > 50 ? { pageSize: 50 } : false}
        scroll={{ x: 800 }}
        columns={[
          { title: t.network.address, key: 'address', render: (_, r) => r.address },
          { title: t.network.ready, key: 'ready', width: 80, render: (_, r) => flag(r.ready, true) },
          { title: t.network.serving, key: 'serving', width: 80, render: (_, r) => flag(r.serving, true) },
          {
            title: t.network.terminating,
            key: 'terminating',
            width: 100,
            render: (_, r) => flag(r.terminating, false),
          },
          {
            title: t.network.pod,
            key: 'pod',
            render: (_, r) =>
              r.pod ? (
                <Link to={detailLink(props.cluster, 'pods', r.pod.namespace, r.pod.name)}>{r.pod.name}</Link>
              ) : (
                '-'
              ),
          },
          { title: t.pods.node, key: 'node', render: (_, r) => r.nodeName ?? '-' },
          { title: t.services.ports, key: 'ports', render: (_, r) => r.ports || '-' },
          { title: t.network.slice, key: 'slice', render: (_, r) => r.slice },
        ]}
      />
    </>
  );
}
