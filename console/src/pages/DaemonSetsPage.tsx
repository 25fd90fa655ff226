/** DaemonSets: live list with status, desired/current/ready/up-to-date counts, images and age; delete. */
import { Tag } from 'antd';
import type { DaemonSet } from '../api/workload-types.ts';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { images } from '../lib/format.ts';
import { daemonSetTemplate } from '../lib/templates.ts';
import { daemonSetSummary } from '../lib/workloads.ts';
import { CreateFormButton } from '../components/CreateFormButton.tsx';
import { t } from '../texts.ts';

export default function DaemonSetsPage() {
  return (
    <ResourceListPage<DaemonSet>
      title={t.daemonSets.title}
      resource="daemonsets"
      testId="daemonsets-table"
      detail
      cascade
      createTemplate={daemonSetTemplate}
      headerExtra={(c) => <CreateFormButton resource="daemonsets" {...c} />}
      width={1000}
      columns={() => [
        {
          title: t.common.status,
          key: 'status',
          width: 110,
          render: (_, d) => <StatusTag status={daemonSetSummary(d).state} />,
        },
        {
          title: t.workloads.desired,
          key: 'desired',
          width: 80,
          render: (_, d) => daemonSetSummary(d).desired,
        },
        {
          title: t.daemonSets.current,
          key: 'current',
          width: 80,
          render: (_, d) => d.status?.currentNumberScheduled ?? 0,
        },
        {
          title: t.workloads.ready,
          key: 'ready',
          width: 70,
          render: (_, d) => <span data-testid={`ready-${d.metadata.name}`}>{daemonSetSummary(d).ready}</span>,
        },
        {
          title: t.workloads.upToDate,
          key: 'upToDate',
          width: 100,
          render: (_, d) => daemonSetSummary(d).upToDate,
        },
        {
          title: t.workloads.images,
          key: 'images',
          width: 150,
          ellipsis: true,
          render: (_, d) => images(d).map((i) => <Tag key={i}>{i}</Tag>),
        },
      ]}
    />
  );
}
