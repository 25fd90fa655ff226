/**
 * Deployments: live list with status, ready counts, images and age; scale, delete (with cascade
 * choice), YAML view, create from YAML; the name opens the detail page.
 */
import { useState } from 'react';
import { useParams } from 'react-router';
import { Button, Tag } from 'antd';
import { ColumnHeightOutlined } from '@ant-design/icons';
import { kinds } from '../api/kinds.ts';
import type { Deployment } from '../api/types.ts';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { ScaleModal } from '../components/ScaleModal.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { deploymentSummary, images } from '../lib/format.ts';
import { deploymentTemplate } from '../lib/forms.ts';
import { CreateFormButton } from '../components/CreateFormButton.tsx';
import { t } from '../texts.ts';

export default function DeploymentsPage() {
  const { cluster = 'local' } = useParams();
  const [scaling, setScaling] = useState<Deployment>();
  return (
    <ResourceListPage<Deployment>
      title={t.deployments.title}
      resource="deployments"
      testId="deployments-table"
      detail
      cascade
      createTemplate={deploymentTemplate}
      headerExtra={(c) => <CreateFormButton resource="deployments" {...c} />}
      width={1040}
      actionsWidth={160}
      columns={() => [
        {
          title: t.common.status,
          key: 'status',
          width: 110,
          render: (_, d) => <StatusTag status={deploymentSummary(d).state} />,
        },
        {
          title: t.workloads.ready,
          key: 'ready',
          width: 70,
          render: (_, d) => {
            const s = deploymentSummary(d);
            return <span data-testid={`ready-${d.metadata.name}`}>{`${s.ready}/${s.desired}`}</span>;
          },
        },
        {
          title: t.workloads.upToDate,
          key: 'upToDate',
          width: 100,
          render: (_, d) => deploymentSummary(d).upToDate,
        },
        {
          title: t.workloads.available,
          key: 'available',
          width: 100,
          render: (_, d) => deploymentSummary(d).available,
        },
        {
          title: t.workloads.images,
          key: 'images',
          width: 150,
          ellipsis: true,
          render: (_, d) => images(d).map((i) => <Tag key={i}>{i}</Tag>),
        },
      ]}
      actions={(d) => (
        <Button
          size="small"
          icon={<ColumnHeightOutlined />}
          onClick={() => setScaling(d)}
          aria-label={`${t.workloads.scale} ${d.metadata.name}`}
        >
          {t.workloads.scale}
        </Button>
      )}
    >
      {scaling ? (
        <ScaleModal
          cluster={cluster}
          kind={kinds.deployments}
          object={scaling}
          onClose={() => setScaling(undefined)}
        />
      ) : null}
    </ResourceListPage>
  );
}
