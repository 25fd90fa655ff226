/**
 * One pod, live: status, node, IP, owner; tabs containers (state, ready, restarts, image, last
 * state), conditions, events, logs (follow, previous, container picker, download), a terminal
 * (loaded on demand) and YAML; delete.
 */
import { Suspense, useState, type ReactNode } from 'react';
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
  Tabs,
  Typography,
} from 'antd';
import { CodeOutlined, DeleteOutlined, FileTextOutlined } from '@ant-design/icons';
import { clusterApi } from '../api/client.ts';
import { kinds, resourcePath } from '../api/kinds.ts';
import { errorMessage } from '../api/status.ts';
import type { Pod } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { DetailHeader, DetailMissing } from '../components/detail/DetailHeader.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { age, podReady, podStatus } from '../lib/format.ts';
import { useNow } from '../lib/hooks.ts';
import { detailLink, yamlLink } from '../lib/links.ts';
import { splitCommand } from '../lib/exec-channel.ts';
import { containerNames } from '../lib/pod-detail.ts';
import { LazyYamlView } from '../components/detail/LazyYamlView.tsx';
import { LabelTags } from '../components/detail/LabelTags.tsx';
import { t } from '../texts.ts';

const PodTerminal = lazyRetry(() => import('../components/pod/PodTerminal.tsx'));
// The tabs load their code with the tab: antd's Table alone is ~50 KiB gzipped of a first load.
const ContainersTable = lazyRetry(() => import('../components/pod/ContainersTable.tsx'));
const ConditionsTable = lazyRetry(() =>
  import('../components/detail/ConditionsTable.tsx').then((m) => ({ default: m.ConditionsTable })),
);
const EventsTable = lazyRetry(() =>
  import('../components/detail/EventsTable.tsx').then((m) => ({ default: m.EventsTable })),
);
const PodLogs = lazyRetry(() =>
  import('../components/pod/PodLogs.tsx').then((m) => ({ default: m.PodLogs })),
);
/** A tab's content, with a spinner while its code loads. */
const tab = (content: ReactNode) => <Suspense fallback={<Spinner />}>{content}</Suspense>;

/** Owner kinds that have their own detail page, by kind → resource. */
const ownerPages: Record<string, string> = {
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
};

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

  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  const ownerPage = owner ? ownerPages[owner.kind] : undefined;

  const tabs = [
    {
      key: 'containers',
      label: t.podDetail.containers,
      children: tab(<ContainersTable pod={pod} />),
    },
    {
      key: 'conditions',
      label: t.detail.conditions,
      children: tab(<ConditionsTable conditions={pod.status?.conditions ?? []} now={now} />),
    },
    {
      key: 'events',
      label: t.detail.events,
      children: pod.metadata.uid
        ? tab(<EventsTable cluster={cluster} namespace={namespace} uid={pod.metadata.uid} now={now} />)
        : null,
    },
    { key: 'logs', label: t.podDetail.logs, children: tab(<PodLogs cluster={cluster} pod={pod} />) },
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
