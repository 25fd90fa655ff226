/**
 * Ingresses: live list with class, hosts, rules (host/path → service:port), address, ports; names
 * link to the detail page; create by form (loaded when opened) or from YAML; delete.
 */
import { Tag, Tooltip } from 'antd';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { lazyRetry } from '../lib/lazy-retry.ts';
import { ingressAddress, ingressHosts, ingressPorts, ingressRules, type Ingress } from '../lib/ingress.ts';
import { ingressTemplate } from '../lib/templates.ts';
import { t } from '../texts.ts';

const IngressFormModal = lazyRetry(() =>
  import('../components/network/IngressFormModal.tsx').then((m) => ({ default: m.IngressFormModal })),
);

export default function IngressesPage() {
  return (
    <ResourceListPage<Ingress>
      title={t.ingresses.title}
      resource="ingresses"
      testId="ingresses-table"
      detail
      createTemplate={ingressTemplate}
      createLabel={t.services.createYaml}
      width={1150}
      createForm={({ cluster, namespace, onClose }) => (
        <IngressFormModal cluster={cluster} defaultNamespace={namespace} onClose={onClose} />
      )}
      columns={() => [
        {
          title: t.ingresses.className,
          key: 'class',
          width: 110,
          render: (_, i) => i.spec?.ingressClassName ?? '-',
        },
        {
          title: t.ingresses.hosts,
          key: 'hosts',
          width: 150,
          ellipsis: true,
          render: (_, i) => ingressHosts(i),
        },
        {
          title: t.ingresses.rules,
          key: 'rules',
          width: 260,
          ellipsis: true,
          render: (_, i) => {
            const rules = ingressRules(i);
            return (
              <Tooltip title={rules.join('\n')}>
                {rules.slice(0, 2).map((r) => (
                  <Tag key={r}>{r}</Tag>
                ))}
                {rules.length > 2 ? `+${rules.length - 2}` : null}
              </Tooltip>
            );
          },
        },
        { title: t.ingresses.address, key: 'address', width: 120, render: (_, i) => ingressAddress(i) },
        { title: t.ingresses.ports, key: 'ports', width: 70, render: (_, i) => ingressPorts(i) },
      ]}
    />
  );
}
