/**
 * Services: live list with type, cluster IP, external address, ports, selector and age; names link
 * to the detail page; create by form (loaded when opened) or from YAML; delete.
 */
import { Tag } from 'antd';
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
  return (
    <ResourceListPage<Service>
      title={t.services.title}
      resource="services"
      testId="services-table"
      detail
      createTemplate={serviceTemplate}
      createLabel={t.services.createYaml}
      width={1100}
      createForm={({ cluster, namespace, onClose }) => (
        <ServiceFormModal cluster={cluster} defaultNamespace={namespace} onClose={onClose} />
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
    />
  );
}
