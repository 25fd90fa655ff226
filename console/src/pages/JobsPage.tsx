/** Jobs: live list with status, completions, duration, the CronJob that made it, images and age; delete. */
import { Link } from 'react-router';
import { Tag } from 'antd';
import type { Job } from '../api/workload-types.ts';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { detailLink } from '../lib/links.ts';
import { jobTemplate } from '../lib/templates.ts';
import { jobSummary } from '../lib/workloads.ts';
import { t } from '../texts.ts';

export default function JobsPage() {
  return (
    <ResourceListPage<Job>
      title={t.jobs.title}
      resource="jobs"
      testId="jobs-table"
      detail
      cascade
      createTemplate={jobTemplate}
      width={1040}
      columns={({ cluster, now }) => [
        {
          title: t.common.status,
          key: 'status',
          width: 100,
          render: (_, j) => <StatusTag status={jobSummary(j, now).state} />,
        },
        {
          title: t.jobs.completions,
          key: 'completions',
          width: 115,
          render: (_, j) => (
            <span data-testid={`completions-${j.metadata.name}`}>{jobSummary(j, now).completions}</span>
          ),
        },
        { title: t.jobs.duration, key: 'duration', width: 95, render: (_, j) => jobSummary(j, now).duration },
        {
          title: t.jobs.owner,
          key: 'owner',
          width: 120,
          ellipsis: true,
          render: (_, j) => {
            const owner = j.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'CronJob');
            return owner ? (
              <Link to={detailLink(cluster, 'cronjobs', j.metadata.namespace, owner.name)}>{owner.name}</Link>
            ) : (
              '-'
            );
          },
        },
        {
          title: t.workloads.images,
          key: 'images',
          width: 140,
          ellipsis: true,
          render: (_, j) =>
            (j.spec?.template?.spec?.containers ?? []).map((c) => <Tag key={c.name}>{c.image}</Tag>),
        },
      ]}
    />
  );
}
