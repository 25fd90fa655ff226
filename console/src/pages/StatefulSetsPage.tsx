/** StatefulSets: live list with status, ready counts, images and age; scale, delete with cascade choice. */
import { useState } from 'react';
import { useParams } from 'react-router';
import { Button, Tag } from 'antd';
import { ColumnHeightOutlined } from '@ant-design/icons';
import { kinds } from '../api/kinds.ts';
import type { StatefulSet } from '../api/workload-types.ts';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { ScaleModal } from '../components/ScaleModal.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { images } from '../lib/format.ts';
import { statefulSetTemplate } from '../lib/templates.ts';
import { statefulSetSummary } from '../lib/workloads.ts';
import { CreateFormButton } from '../components/CreateFormButton.tsx';
import { t } from '../texts.ts';

export default function StatefulSetsPage() {
  const { cluster = 'local' } = useParams();
  const [scaling, setScaling] = useState<StatefulSet>();
  return (
    <ResourceListPage<StatefulSet>
      title={t.statefulSets.title}
      resource="statefulsets"
      testId="statefulsets-table"
      detail
      cascade
      createTemplate={statefulSetTemplate}
      headerExtra={(c) => <CreateFormButton resource="statefulsets" {...c} />}
      width={1000}
      actionsWidth={160}
      columns={() => [
        {
          title: t.common.status,
          key: 'status',
          width: 110,
          render: (_, s) => <StatusTag status={statefulSetSummary(s).state} />,
        },
        {
          title: t.workloads.ready,
          key: 'ready',
          width: 70,
          render: (_, s) => {
            const sum = statefulSetSummary(s);
            return <span data-testid={`ready-${s.metadata.name}`}>{`${sum.ready}/${sum.desired}`}</span>;
          },
        },
        {
          title: t.workloads.upToDate,
          key: 'upToDate',
          width: 100,
          render: (_, s) => statefulSetSummary(s).upToDate,
        },
        {
          title: t.statefulSets.service,
          key: 'svc',
          width: 100,
          render: (_, s) => s.spec?.serviceName ?? '-',
        },
        {
          title: t.workloads.images,
          key: 'images',
          width: 150,
          ellipsis: true,
          render: (_, s) => images(s).map((i) => <Tag key={i}>{i}</Tag>),
        },
      ]}
      actions={(s) => (
        <Button
          size="small"
          icon={<ColumnHeightOutlined />}
          onClick={() => setScaling(s)}
          aria-label={`${t.workloads.scale} ${s.metadata.name}`}
        >
          {t.workloads.scale}
        </Button>
      )}
    >
      {scaling ? (
        <ScaleModal
          cluster={cluster}
          kind={kinds.statefulsets}
          object={scaling}
          onClose={() => setScaling(undefined)}
        />
      ) : null}
    </ResourceListPage>
  );
}
