/** The live Jobs a CronJob owns (scheduled and run by hand), newest first. */
import { Link } from 'react-router';
import { Table, Tag } from 'antd';
import { kinds } from '../../api/kinds.ts';
import { useWatchList } from '../../api/use-watch-list.ts';
import type { Job } from '../../api/workload-types.ts';
import { instantiateAnnotation } from '../../lib/cronjob.ts';
import { age } from '../../lib/format.ts';
import { detailLink } from '../../lib/links.ts';
import { controlledBy } from '../../lib/selectors.ts';
import { jobSummary } from '../../lib/workloads.ts';
import { t } from '../../texts.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { StatusTag } from '../StatusTag.tsx';

export function OwnedJobs(props: { cluster: string; namespace: string; uid: string; now: number }) {
  const list = useWatchList<Job>(props.cluster, kinds.jobs, { namespace: props.namespace });
  const jobs = list.items
    .filter((j) => controlledBy(j, props.uid))
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
  return (
    <>
      {list.error ? <ErrorAlert error={list.error} type={jobs.length > 0 ? 'warning' : 'error'} /> : null}
      <Table<Job>
        data-testid="detail-jobs"
        size="small"
        rowKey={(j) => j.metadata.uid ?? j.metadata.name}
        dataSource={jobs}
        loading={list.loading}
        pagination={jobs.length > 50 ? { pageSize: 50 } : false}
        scroll={{ x: 700 }}
        columns={[
          {
            title: t.common.name,
            key: 'name',
            render: (_, j) => (
              <>
                <Link to={detailLink(props.cluster, 'jobs', j.metadata.namespace, j.metadata.name)}>
                  {j.metadata.name}
                </Link>
                {j.metadata.annotations?.[instantiateAnnotation] === 'manual' ? (
                  <Tag style={{ marginInlineStart: 8 }}>manual</Tag>
                ) : null}
              </>
            ),
          },
          {
            title: t.common.status,
            key: 'status',
            render: (_, j) => <StatusTag status={jobSummary(j, props.now).state} />,
          },
          {
            title: t.jobs.completions,
            key: 'completions',
            render: (_, j) => jobSummary(j, props.now).completions,
          },
          { title: t.jobs.duration, key: 'duration', render: (_, j) => jobSummary(j, props.now).duration },
          { title: t.common.age, key: 'age', render: (_, j) => age(j.metadata.creationTimestamp, props.now) },
        ]}
      />
    </>
  );
}
