/**
 * Overview of one cluster: nodes ready of total, pods by phase, workload counts, and the newest
 * warning events — all from live watches, so the figures move as the cluster does.
 */
import { Card, Col, Progress, Row, Space, Statistic, Typography } from 'antd';
import { useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { clusterApi } from '../api/client.ts';
import { kinds } from '../api/kinds.ts';
import type { KubeEvent, KubeObject, NodeObject, Pod } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { UsageCharts } from '../components/UsageCharts.tsx';
import { rowHeight, VirtualTable } from '../components/VirtualTable.tsx';
import { age } from '../lib/format.ts';
import { useNow } from '../lib/hooks.ts';
import { eventTime, nodeReadiness, podPhases, podsByPhase, recentWarnings } from '../lib/overview.ts';
import { nodeUsage, type NodeMetrics } from '../lib/usage.ts';
import { t } from '../texts.ts';

/** Where the metrics API lists node use. */
const nodeMetricsPath = '/apis/metrics.k8s.io/v1beta1/nodes';

const phaseColors: Record<string, string> = {
  Running: '#52c41a',
  Pending: '#1677ff',
  Succeeded: '#8c8c8c',
  Failed: '#ff4d4f',
  Unknown: '#faad14',
};

export default function OverviewPage() {
  const { cluster = 'local' } = useParams();
  const now = useNow(10_000);
  const nodes = useWatchList<NodeObject>(cluster, kinds.nodes);
  const pods = useWatchList<Pod>(cluster, kinds.pods);
  const events = useWatchList<KubeEvent>(cluster, kinds.events);
  const workloads = [
    { title: t.overview.deployments, list: useWatchList<KubeObject>(cluster, kinds.deployments) },
    { title: t.overview.statefulSets, list: useWatchList<KubeObject>(cluster, kinds.statefulsets) },
    { title: t.overview.daemonSets, list: useWatchList<KubeObject>(cluster, kinds.daemonsets) },
    { title: t.overview.jobs, list: useWatchList<KubeObject>(cluster, kinds.jobs) },
    { title: t.overview.cronJobs, list: useWatchList<KubeObject>(cluster, kinds.cronjobs) },
  ];
  // Node use is polled (metrics are samples, not objects to watch); a failure means "no metrics".
  const metrics = useQuery({
    queryKey: ['node-metrics', cluster],
    queryFn: ({ signal }) => clusterApi(cluster).get<{ items?: NodeMetrics[] }>(nodeMetricsPath, signal),
    refetchInterval: 15_000,
    retry: false,
  });
  const readiness = nodeReadiness(nodes.items);
  const phases = podsByPhase(pods.items);
  const warnings = recentWarnings(events.items, 10);
  const firstError = [nodes, pods, events, ...workloads.map((w) => w.list)].find((l) => l.error)?.error;

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t.overview.title}
      </Typography.Title>
      {firstError ? <ErrorAlert error={firstError} /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card loading={nodes.loading}>
            <Statistic
              title={t.overview.nodes}
              value={readiness.ready}
              suffix={`/ ${readiness.total}`}
              valueStyle={{ color: readiness.ready < readiness.total ? '#faad14' : undefined }}
              data-testid="overview-nodes"
            />
          </Card>
        </Col>
        <Col xs={24} md={16}>
          <Card
            loading={pods.loading}
            title={t.overview.podsByPhase}
            size="small"
            data-testid="overview-pods"
          >
            <Space direction="vertical" style={{ width: '100%' }}>
              {podPhases.map((phase) => (
                <Row key={phase} align="middle" gutter={8}>
                  <Col flex="96px">{phase}</Col>
                  <Col flex="auto">
                    <Progress
                      percent={pods.items.length ? (phases[phase] / pods.items.length) * 100 : 0}
                      showInfo={false}
                      strokeColor={phaseColors[phase]}
                    />
                  </Col>
                  <Col flex="48px" style={{ textAlign: 'right' }} data-testid={`pods-${phase}`}>
                    {phases[phase]}
                  </Col>
                </Row>
              ))}
            </Space>
          </Card>
        </Col>
      </Row>
      <Card title={t.usage.title} size="small" loading={nodes.loading} data-testid="overview-usage">
        {metrics.isError ? (
          <Typography.Paragraph type="secondary">{t.usage.unavailable}</Typography.Paragraph>
        ) : null}
        <UsageCharts nodes={nodeUsage(nodes.items, metrics.data?.items ?? [])} />
      </Card>
      <Card title={t.overview.workloads} size="small">
        <Row gutter={[16, 16]}>
          {workloads.map((w) => (
            <Col key={w.title} xs={12} sm={8} md={4}>
              <Statistic title={w.title} value={w.list.loading ? '-' : w.list.items.length} />
            </Col>
          ))}
        </Row>
      </Card>
      <Card title={t.overview.warnings} size="small">
        {/* The console's light table, not antd's: antd's Table would add ~50 KiB to the first load. */}
        <VirtualTable<KubeEvent>
          rowKey={(e) => e.metadata.uid ?? e.metadata.name}
          items={warnings}
          height={rowHeight * (Math.max(warnings.length, 2) + 1)}
          width={800}
          loading={events.loading}
          empty={<Typography.Text type="secondary">{t.overview.noWarnings}</Typography.Text>}
          columns={[
            { title: t.overview.last, key: 'last', width: 90, render: (_, e) => age(eventTime(e), now) },
            {
              title: t.overview.object,
              key: 'object',
              width: 240,
              ellipsis: true,
              render: (_, e) =>
                `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}` +
                (e.involvedObject?.namespace ? ` (${e.involvedObject.namespace})` : ''),
            },
            { title: t.overview.reason, dataIndex: 'reason', width: 160 },
            { title: t.overview.message, dataIndex: 'message', ellipsis: true },
            { title: t.overview.count, dataIndex: 'count', width: 70 },
          ]}
        />
      </Card>
    </Space>
  );
}
