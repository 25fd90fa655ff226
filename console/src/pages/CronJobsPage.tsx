/**
 * CronJobs: live list with status (Suspended when suspended), schedule, active Jobs, last schedule
 * and age; suspend or resume, run now (a Job from the template), delete with cascade choice.
 */
import { useState } from 'react';
import { useParams } from 'react-router';
import { Tag } from 'antd';
import type { CronJob } from '../api/workload-types.ts';
import { SuspendButton, TriggerButton, TriggerJobModal } from '../components/CronJobActions.tsx';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { cronJobTemplate } from '../lib/templates.ts';
import { cronJobSummary } from '../lib/workloads.ts';
import { t } from '../texts.ts';

export default function CronJobsPage() {
  const { cluster = 'local' } = useParams();
  const [triggering, setTriggering] = useState<CronJob>();
  return (
    <ResourceListPage<CronJob>
      title={t.cronJobs.title}
      resource="cronjobs"
      testId="cronjobs-table"
      detail
      cascade
      createTemplate={cronJobTemplate}
      width={1020}
      actionsWidth={250}
      columns={({ now }) => [
        {
          title: t.common.status,
          key: 'status',
          width: 100,
          render: (_, c) => (
            <span data-testid={`status-${c.metadata.name}`}>
              <StatusTag status={cronJobSummary(c, now).state} />
            </span>
          ),
        },
        {
          title: t.cronJobs.schedule,
          key: 'schedule',
          width: 130,
          render: (_, c) => <Tag style={{ fontFamily: 'monospace' }}>{cronJobSummary(c, now).schedule}</Tag>,
        },
        {
          title: t.cronJobs.active,
          key: 'active',
          width: 70,
          render: (_, c) => cronJobSummary(c, now).active,
        },
        {
          title: t.cronJobs.lastSchedule,
          key: 'last',
          width: 110,
          sorter: (a, b) =>
            (a.status?.lastScheduleTime ?? '').localeCompare(b.status?.lastScheduleTime ?? ''),
          render: (_, c) => cronJobSummary(c, now).lastSchedule,
        },
      ]}
      actions={(c) => (
        <>
          <SuspendButton cluster={cluster} cronJob={c} />
          <TriggerButton name={c.metadata.name} onClick={() => setTriggering(c)} />
        </>
      )}
    >
      {triggering ? (
        <TriggerJobModal cluster={cluster} cronJob={triggering} onClose={() => setTriggering(undefined)} />
      ) : null}
    </ResourceListPage>
  );
}
