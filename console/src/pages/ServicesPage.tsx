/**
 * Services: live list with type, cluster IP, external address, ports, selector and age; create by
 * form (loaded when opened) or from YAML; delete.
 */
import { Suspense, useState } from 'react';
import { Button, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Service } from '../api/workload-types.ts';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { selectorText, serviceExternal, servicePorts } from '../lib/config-data.ts';
import { lazyRetry } from '../lib/lazy-retry.ts';
import { serviceTemplate } from '../lib/templates.ts';
import { t } from '../texts.ts';

const ServiceFormModal = lazyRetry(() =>
  import('../components/config/ServiceFormModal.tsx').then((m) => ({ default: m.ServiceFormModal })),
);

export default function ServicesPage() {
  const [creating, setCreating] = useState<{ cluster: string; namespace: string }>();
  return (
    <ResourceListPage<Service>
      title={t.services.title}
      resource="services"
      testId="services-table"
      createTemplate={serviceTemplate}
      createLabel={t.services.createYaml}
      width={1100}
      headerExtra={({ cluster, namespace }) => (
        <Button
          icon={<PlusOutlined />}
          onClick={() => setCreating({ cluster, namespace: namespace ?? 'default' })}
        >
          {t.form.createForm}
        </Button>
      )}
      columns={() => [
        {
          title: t.services.type,
          key: 'type',
          width: 110,
          sorter: (a, b) => (a.spec?.type ?? '').localeCompare(b.spec?.type ?? ''),
          render: (_, s) => <Tag>{s.spec?.type ?? 'ClusterIP'}</Tag>,
        },
        { title: t.services.clusterIP, key: 'ip', width: 120, render: (_, s) => s.spec?.clusterIP ?? '-' },
        {
          title: t.services.externalIP,
          key: 'ext',
          width: 120,
          ellipsis: true,
          render: (_, s) => serviceExternal(s),
        },
        {
          title: t.services.ports,
          key: 'ports',
          width: 150,
          ellipsis: true,
          render: (_, s) => servicePorts(s),
        },
        {
          title: t.services.selector,
          key: 'selector',
          width: 150,
          ellipsis: true,
          render: (_, s) => selectorText(s.spec?.selector),
        },
      ]}
    >
      {creating ? (
        <Suspense fallback={null}>
          <ServiceFormModal
            cluster={creating.cluster}
            defaultNamespace={creating.namespace}
            onClose={() => setCreating(undefined)}
          />
        </Suspense>
      ) : null}
    </ResourceListPage>
  );
}
