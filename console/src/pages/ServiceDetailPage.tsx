/**
 * One Service, live: type, cluster IPs, ports (port, target port, node port, protocol), selector,
 * session affinity, the load balancer's addresses; tabs with the endpoints behind it (from its
 * EndpointSlices), its events and its YAML.
 */
import { Descriptions, Table, Tag } from 'antd';
import type { Service } from '../api/workload-types.ts';
import { ObjectDetailFrame } from '../components/detail/ObjectDetailFrame.tsx';
import { EndpointsTable } from '../components/network/EndpointsTable.tsx';
import { selectorText } from '../lib/config-data.ts';
import { age } from '../lib/format.ts';
import {
  clusterIPs,
  loadBalancerAddresses,
  servicePortRows,
  type ServiceDetail,
  type ServicePortRow,
} from '../lib/service-detail.ts';
import { LabelTags } from '../components/detail/LabelTags.tsx';
import { t } from '../texts.ts';

const tags = (values: string[]) => (values.length > 0 ? values.map((v) => <Tag key={v}>{v}</Tag>) : '-');

export default function ServiceDetailPage() {
  return (
    <ObjectDetailFrame<ServiceDetail>
      resource="services"
      render={(svc, { cluster, namespace, name, now }) => {
        const type = svc.spec?.type ?? 'ClusterIP';
        const lb = loadBalancerAddresses(svc as Service);
        return {
          summary: (
            <>
              <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} data-testid="service-summary">
                <Descriptions.Item label={t.services.type}>
                  <Tag>{type}</Tag>
                </Descriptions.Item>
                <Descriptions.Item label={t.network.clusterIPs}>
                  <span data-testid="service-cluster-ips">{tags(clusterIPs(svc))}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t.network.sessionAffinity}>
                  {svc.spec?.sessionAffinity ?? 'None'}
                </Descriptions.Item>
                <Descriptions.Item label={t.services.selector}>
                  {selectorText(svc.spec?.selector)}
                </Descriptions.Item>
                {type === 'LoadBalancer' || lb.length > 0 ? (
                  <Descriptions.Item label={t.network.loadBalancer}>
                    <span data-testid="service-lb">{lb.length > 0 ? tags(lb) : t.network.pending}</span>
                  </Descriptions.Item>
                ) : null}
                {(svc.spec?.externalIPs ?? []).length > 0 ? (
                  <Descriptions.Item label={t.services.externalIP}>
                    {tags(svc.spec?.externalIPs ?? [])}
                  </Descriptions.Item>
                ) : null}
                {type === 'ExternalName' ? (
                  <Descriptions.Item label={t.network.externalName}>
                    {svc.spec?.externalName ?? '-'}
                  </Descriptions.Item>
                ) : null}
                <Descriptions.Item label={t.detail.created}>
                  {age(svc.metadata.creationTimestamp, now)}
                </Descriptions.Item>
                <Descriptions.Item label={t.detail.labels}>
                  <LabelTags labels={svc.metadata.labels} />
                </Descriptions.Item>
              </Descriptions>
              <Table<ServicePortRow>
                data-testid="service-ports"
                size="small"
                rowKey="key"
                pagination={false}
                dataSource={servicePortRows(svc)}
                locale={{ emptyText: t.network.noPorts }}
                columns={[
                  { title: t.common.name, dataIndex: 'name' },
                  { title: t.form.port, dataIndex: 'port' },
                  { title: t.services.targetPort, dataIndex: 'targetPort' },
                  { title: t.services.nodePort, dataIndex: 'nodePort' },
                  { title: t.form.protocol, dataIndex: 'protocol' },
                ]}
              />
            </>
          ),
          tabs: [
            {
              key: 'endpoints',
              label: t.network.endpoints,
              children: <EndpointsTable cluster={cluster} namespace={namespace} service={name} />,
            },
          ],
        };
      }}
    />
  );
}
