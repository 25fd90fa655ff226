/**
 * One pod, live: status, node, IP, owner; tabs containers (state, ready, restarts, image, last
 * state), conditions, events, logs (follow, previous, container picker, download), a terminal
 * (loaded on demand) and YAML; delete.
 */
import { Suspense, useState } from 'react';
import { lazyRetry } from '../lib/lazy-retry.ts';
import { Link, useNavigate, useParams } from 'react-router';
import {
  App,
  Button,
  Card,
  Descriptions,
  Input,
  Popconfirm,
  Select,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { CodeOutlined, DeleteOutlined, FileTextOutlined } from '@ant-design/icons';
import { clusterApi } from '../api/client.ts';
import { kinds, resourcePath } from '../api/kinds.ts';
import { errorMessage } from '../api/status.ts';
import type { Container, ContainerStatus, Pod } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { DetailHeader, DetailMissing } from '../components/detail/DetailHeader.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { ConditionsTable } from '../components/detail/ConditionsTable.tsx';
import { EventsTable } from '../components/detail/EventsTable.tsx';
import { PodLogs } from '../components/pod/PodLogs.tsx';
import { age, podReady, podStatus } from '../lib/format.ts';
import { useNow } from '../lib/hooks.ts';
import { detailLink, yamlLink } from '../lib/links.ts';
import { splitCommand } from '../lib/exec-channel.ts';
import { containerNames, containerState } from '../lib/pod-detail.ts';
import { LazyYamlView } from '../components/detail/LazyYamlView.tsx';
import { LabelTags } from '../components/detail/LabelTags.tsx';
import { t } from '../texts.ts';

const PodTerminal = lazyRetry(() => import('../components/pod/PodTerminal.tsx'));

/** Owner kinds that have their own detail page, by kind → resource. */
const ownerPages: Record<string, string> = {
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
};

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

function TerminalTab({ cluster, pod }: { cluster: string; pod: Pod }) {
  const names = containerNames(pod).filter((n) => !n.init);
  const [container, setContainer] = useState(names[0]?.name ?? '');
  const [command, setCommand] = useState('sh');
  const [session, setSession] = useState<{ container: string; command: string[]; n: number }>();
  return (
    <Space direction="vertical" size={8} style={{ width: '100%' }}>
      <Space wrap>
        <span>{t.podDetail.container}</span>
        <Select
          aria-label={t.podDetail.container}
          value={container}
          onChange={setContainer}
          style={{ minWidth: 160 }}
          options={names.map((n) => ({ value: n.name, label: n.name }))}
        />
        <span>{t.podDetail.command}</span>
        <Input
          aria-label={t.podDetail.command}
          value={command}
          onChange={(e) => setCommand(e.target.value)}
          style={{ width: 200 }}
        />
        <Button
          type="primary"
          icon={<CodeOutlined />}
          onClick={() => setSession({ container, command: splitCommand(command), n: (session?.n ?? 0) + 1 })}
        >
          {session ? t.podDetail.reconnect : t.podDetail.connect}
        </Button>
      </Space>
      {session ? (
        <Suspense fallback={<Spin />}>
          <PodTerminal
            key={session.n}
            cluster={cluster}
            namespace={pod.metadata.namespace ?? 'default'}
            pod={pod.metadata.name}
            container={session.container}
            command={session.command}
          />
        </Suspense>
      ) : (
        <Typography.Text type="secondary">{t.podDetail.terminalHelp}</Typography.Text>
      )}
    </Space>
  );
}

export default function PodDetailPage() {
  const { cluster = 'local', namespace = 'default', name = '' } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const now = useNow();
  const live = useWatchList<Pod>(cluster, kinds.pods, { namespace, fieldSelector: `metadata.name=${name}` });
  const pod = live.items[0];
  const listUrl = `/c/${encodeURIComponent(cluster)}/pods?namespace=${encodeURIComponent(namespace)}`;

  const header = (
    <DetailHeader
      title={t.yaml.title('Pod', `${namespace}/${name}`)}
      backTo={listUrl}
      status={
        pod ? (
          <span data-testid="detail-status">
            <StatusTag status={podStatus(pod)} />
          </span>
        ) : null
      }
    />
  );

  if (!pod) {
    return <DetailMissing header={header} loading={live.loading} error={live.error} />;
  }

  const remove = async () => {
    try {
      await clusterApi(cluster).remove(resourcePath(kinds.pods, { namespace, name }));
      message.success(t.common.deleted('Pod', name));
      navigate(listUrl);
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const statuses = new Map<string, ContainerStatus>();
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    statuses.set(s.name, s);
  }
  const rows: ContainerRow[] = [
    ...(pod.spec?.initContainers ?? []).map((c) => ({ spec: c, status: statuses.get(c.name), init: true })),
    ...(pod.spec?.containers ?? []).map((c) => ({ spec: c, status: statuses.get(c.name), init: false })),
  ];
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  const ownerPage = owner ? ownerPages[owner.kind] : undefined;

  const tabs = [
    {
      key: 'containers',
      label: t.podDetail.containers,
      children: (
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
      ),
    },
    {
      key: 'conditions',
      label: t.detail.conditions,
      children: <ConditionsTable conditions={pod.status?.conditions ?? []} now={now} />,
    },
    {
      key: 'events',
      label: t.detail.events,
      children: pod.metadata.uid ? (
        <EventsTable cluster={cluster} namespace={namespace} uid={pod.metadata.uid} now={now} />
      ) : null,
    },
    { key: 'logs', label: t.podDetail.logs, children: <PodLogs cluster={cluster} pod={pod} /> },
    { key: 'terminal', label: t.podDetail.terminal, children: <TerminalTab cluster={cluster} pod={pod} /> },
    {
      key: 'yaml',
      label: t.detail.yaml,
      children: <LazyYamlView object={pod} />,
    },
  ];

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      {header}
      {live.error ? <ErrorAlert error={live.error} type="warning" title={t.common.liveError} /> : null}
      <Space wrap>
        <Link to={yamlLink(cluster, 'pods', namespace, name)}>
          <Button icon={<FileTextOutlined />}>{t.common.yaml}</Button>
        </Link>
        <Popconfirm
          title={t.common.confirmDelete('Pod', name)}
          onConfirm={() => remove()}
          okText={t.common.delete}
          okButtonProps={{ danger: true }}
        >
          <Button danger icon={<DeleteOutlined />}>
            {t.common.delete}
          </Button>
        </Popconfirm>
      </Space>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t.common.namespace}>{namespace}</Descriptions.Item>
          <Descriptions.Item label={t.pods.node}>
            {pod.spec?.nodeName ? (
              <Link to={`/c/${encodeURIComponent(cluster)}/nodes/${encodeURIComponent(pod.spec.nodeName)}`}>
                {pod.spec.nodeName}
              </Link>
            ) : (
              '-'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t.pods.ip}>{pod.status?.podIP ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t.pods.ready}>
            <span data-testid="detail-counts">{podReady(pod)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t.detail.created}>
            {age(pod.metadata.creationTimestamp, now)}
          </Descriptions.Item>
          <Descriptions.Item label={t.podDetail.controlledBy}>
            {owner ? (
              ownerPage ? (
                <Link
                  to={detailLink(cluster, ownerPage, namespace, owner.name)}
                >{`${owner.kind} ${owner.name}`}</Link>
              ) : (
                `${owner.kind} ${owner.name}`
              )
            ) : (
              '-'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t.detail.labels}>
            <LabelTags labels={pod.metadata.labels} />
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small">
        <Tabs items={tabs} destroyOnHidden />
      </Card>
    </Space>
  );
}
