/** A pod's containers (init containers first): state, ready, restarts, image and last state. */
import { Space, Table, Tag, Typography } from 'antd';
import type { Container, ContainerStatus, Pod } from '../../api/types.ts';
import { containerState } from '../../lib/pod-detail.ts';
import { t } from '../../texts.ts';
import { StatusTag } from '../StatusTag.tsx';

interface ContainerRow {
  spec: Container;
  status?: ContainerStatus;
  init: boolean;
}

function StateCell({ state }: { state: ContainerStatus['state'] }) {
  const s = containerState(state);
  return (
    <Space direction="vertical" size={0}>
      <StatusTag status={s.state} />
      {s.detail ? <Typography.Text type="secondary">{s.detail}</Typography.Text> : null}
    </Space>
  );
}

export default function ContainersTable({ pod }: { pod: Pod }) {
  const statuses = new Map<string, ContainerStatus>();
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    statuses.set(s.name, s);
  }
  const rows: ContainerRow[] = [
    ...(pod.spec?.initContainers ?? []).map((c) => ({ spec: c, status: statuses.get(c.name), init: true })),
    ...(pod.spec?.containers ?? []).map((c) => ({ spec: c, status: statuses.get(c.name), init: false })),
  ];
  return (
    <Table<ContainerRow>
      data-testid="pod-containers"
      size="small"
      rowKey={(r) => r.spec.name}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 900 }}
      columns={[
        {
          title: t.common.name,
          key: 'name',
          render: (_, r) => (
            <>
              {r.spec.name} {r.init ? <Tag>{t.podDetail.init}</Tag> : null}
            </>
          ),
        },
        { title: t.common.status, key: 'state', render: (_, r) => <StateCell state={r.status?.state} /> },
        {
          title: t.pods.ready,
          key: 'ready',
          render: (_, r) => (r.status?.ready ? <Tag color="success">true</Tag> : <Tag>false</Tag>),
        },
        { title: t.pods.restarts, key: 'restarts', render: (_, r) => r.status?.restartCount ?? 0 },
        { title: t.podDetail.image, key: 'image', render: (_, r) => r.spec.image ?? '-' },
        {
          title: t.podDetail.lastState,
          key: 'last',
          render: (_, r) =>
            r.status?.lastState?.terminated ? <StateCell state={r.status.lastState} /> : '-',
        },
      ]}
    />
  );
}
