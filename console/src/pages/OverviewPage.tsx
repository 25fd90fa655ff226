/**
 * Overview of one cluster: nodes ready of total, pods by phase, workload counts, and the newest
 * warning events — all from live watches, so the figures move as the cluster does. Plain markup
 * styled like antd's cards and statistics (layout/shell.css): the overview is the page a first
 * load usually opens, and it shows without loading antd at all.
 */
import type { ReactNode } from 'react';
import { useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { clusterApi } from '../api/client.ts';
import { kinds } from '../api/kinds.ts';
import type { KubeEvent, KubeObject, NodeObject, Pod } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { PlainAlert } from '../components/PlainAlert.tsx';
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

/** A card like antd's: an optional title bar, a body, skeleton lines while `loading`. */
function Card(props: { title?: string; loading?: boolean; children: ReactNode; testId?: string }) {
  return (
    <section className="berth-card" data-testid={props.testId}>
      {props.title ? <div className="berth-card-head">{props.title}</div> : null}
      <div className={props.title ? 'berth-card-body' : 'berth-card-body berth-card-body-lg'}>
        {props.loading ? (
          <div aria-busy="true">
            <div className="berth-skeleton" style={{ width: '40%' }} />
            <div className="berth-skeleton" />
          </div>
        ) : (
          props.children
        )}
      </div>
    </section>
  );
}

/** A figure with its title, like antd's Statistic. */
function Statistic(props: {
  title: string;
  value: ReactNode;
  suffix?: string;
  color?: string;
  testId?: string;
}) {
  return (
    <div data-testid={props.testId}>
      <div className="berth-stat-title">{props.title}</div>
      <div className="berth-stat-value" style={{ color: props.color }}>
        {props.value}
        {props.suffix ? <span className="berth-stat-suffix">{props.suffix}</span> : null}
      </div>
    </div>
  );
}

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
    <div className="berth-stack">
      <h3 className="berth-title">{t.overview.title}</h3>
      {firstError ? <PlainAlert error={firstError} /> : null}
      <div className="berth-grid berth-grid-1-2">
        <Card loading={nodes.loading}>
          <Statistic
            title={t.overview.nodes}
            value={readiness.ready}
            suffix={`/ ${readiness.total}`}
            color={readiness.ready < readiness.total ? '#faad14' : undefined}
            testId="overview-nodes"
          />
        </Card>
        <Card loading={pods.loading} title={t.overview.podsByPhase} testId="overview-pods">
          {podPhases.map((phase) => {
            const share = pods.items.length ? (phases[phase] / pods.items.length) * 100 : 0;
            return (
              <div key={phase} className="berth-phase">
                <div>{phase}</div>
                <div
                  className="berth-bar"
                  role="progressbar"
                  aria-label={phase}
                  aria-valuenow={Math.round(share)}
                  aria-valuemin={0}
                  aria-valuemax={100}
                >
                  <div style={{ width: `${share}%`, background: phaseColors[phase] }} />
                </div>
                <div data-testid={`pods-${phase}`}>{phases[phase]}</div>
              </div>
            );
          })}
        </Card>
      </div>
      <Card title={t.usage.title} loading={nodes.loading} testId="overview-usage">
        {metrics.isError ? <p className="berth-secondary">{t.usage.unavailable}</p> : null}
        <UsageCharts nodes={nodeUsage(nodes.items, metrics.data?.items ?? [])} />
      </Card>
      <Card title={t.overview.workloads}>
        <div className="berth-stats">
          {workloads.map((w) => (
            <Statistic key={w.title} title={w.title} value={w.list.loading ? '-' : w.list.items.length} />
          ))}
        </div>
      </Card>
      <Card title={t.overview.warnings}>
        {/* The console's light table, not antd's: antd's Table would add ~50 KiB to the first load. */}
        <VirtualTable<KubeEvent>
          rowKey={(e) => e.metadata.uid ?? e.metadata.name}
          items={warnings}
          height={rowHeight * (Math.max(warnings.length, 2) + 1)}
          width={800}
          loading={events.loading}
          empty={<span className="berth-secondary">{t.overview.noWarnings}</span>}
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
    </div>
  );
}
