/**
 * One Ingress, live: class, load balancer addresses; tabs with its rules (host → path and path
 * type → backend Service:port, linked to the Service's page), its TLS entries (hosts and the
 * Secret holding the certificate), its events and its YAML.
 */
import { Link } from 'react-router';
import { Descriptions, Table, Tag } from 'antd';
import { ObjectDetailFrame } from '../components/detail/ObjectDetailFrame.tsx';
import { age } from '../lib/format.ts';
import { ingressAddress, ingressPathRows, type Ingress, type IngressPathRow } from '../lib/ingress.ts';
import { detailLink, yamlLink } from '../lib/links.ts';
import { LabelTags } from '../components/detail/LabelTags.tsx';
import { t } from '../texts.ts';

type TlsRow = { key: string; hosts: string[]; secretName?: string };

export default function IngressDetailPage() {
  return (
    <ObjectDetailFrame<Ingress>
      resource="ingresses"
      render={(ing, { cluster, namespace, now }) => ({
        summary: (
          <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} data-testid="ingress-summary">
            <Descriptions.Item label={t.ingresses.className}>
              {ing.spec?.ingressClassName ?? '-'}
            </Descriptions.Item>
            <Descriptions.Item label={t.ingresses.address}>
              <span data-testid="ingress-address">{ingressAddress(ing)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t.detail.created}>
              {age(ing.metadata.creationTimestamp, now)}
            </Descriptions.Item>
            <Descriptions.Item label={t.detail.labels}>
              <LabelTags labels={ing.metadata.labels} />
            </Descriptions.Item>
          </Descriptions>
        ),
        tabs: [
          {
            key: 'rules',
            label: t.ingresses.rules,
            children: (
              <Table<IngressPathRow>
                data-testid="ingress-rules"
                size="small"
                rowKey="key"
                pagination={false}
                dataSource={ingressPathRows(ing)}
                locale={{ emptyText: t.network.noRules }}
                columns={[
                  { title: t.network.host, dataIndex: 'host' },
                  { title: t.form.path, dataIndex: 'path' },
                  { title: t.network.pathType, dataIndex: 'pathType' },
                  {
                    title: t.network.backend,
                    key: 'backend',
                    render: (_, r) =>
                      r.service ? (
                        <Link to={detailLink(cluster, 'services', namespace, r.service)}>{r.backend}</Link>
                      ) : (
                        r.backend
                      ),
                  },
                ]}
              />
            ),
          },
          {
            key: 'tls',
            label: t.network.tls,
            children: (
              <Table<TlsRow>
                data-testid="ingress-tls"
                size="small"
                rowKey="key"
                pagination={false}
                dataSource={(ing.spec?.tls ?? []).map((x, i) => ({
                  key: `${i}`,
                  hosts: x.hosts ?? [],
                  secretName: x.secretName,
                }))}
                locale={{ emptyText: t.network.noTls }}
                columns={[
                  {
                    title: t.ingresses.hosts,
                    key: 'hosts',
                    render: (_, r) => r.hosts.map((h) => <Tag key={h}>{h}</Tag>),
                  },
                  {
                    title: t.network.secret,
                    key: 'secret',
                    render: (_, r) =>
                      r.secretName ? (
                        <Link to={yamlLink(cluster, 'secrets', namespace, r.secretName)}>{r.secretName}</Link>
                      ) : (
                        '-'
                      ),
                  },
                ]}
              />
            ),
          },
        ],
      })}
    />
  );
}
