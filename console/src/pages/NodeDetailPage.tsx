/**
 * One node, live: status, roles, version, runtime, OS, pod CIDR, taints; tabs conditions,
 * addresses, capacity and allocatable, the pods bound to it (all namespaces), YAML; cordon/uncordon.
 */
import { Link, useParams } from 'react-router';
import { Button, Card, Descriptions, Space, Table, Tabs, Tag } from 'antd';
import { FileTextOutlined } from '@ant-design/icons';
import { kinds } from '../api/kinds.ts';
import type { NodeObject } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { DetailHeader, DetailMissing } from '../components/detail/DetailHeader.tsx';
import { ConditionsTable } from '../components/detail/ConditionsTable.tsx';
import { WorkloadPods } from '../components/detail/WorkloadPods.tsx';
import { CordonButton } from '../components/node/CordonButton.tsx';
import { NodeStatusTags } from '../components/node/NodeStatusTags.tsx';
import { age } from '../lib/format.ts';
import { useNow } from '../lib/hooks.ts';
import { yamlLink } from '../lib/links.ts';
import { formatResource, nodeRoles } from '../lib/nodes.ts';
import { LazyYamlView } from '../components/detail/LazyYamlView.tsx';
import { t } from '../texts.ts';

export default function NodeDetailPage() {
  const { cluster = 'local', name = '' } = useParams();
  const now = useNow();
  const live = useWatchList<NodeObject>(cluster, kinds.nodes, { fieldSelector: `metadata.name=${name}` });
  const node = live.items[0];
  const listUrl = `/c/${encodeURIComponent(cluster)}/nodes`;

  const header = (
    <DetailHeader
      title={t.yaml.title('Node', name)}
      backTo={listUrl}
      status={node ? <NodeStatusTags node={node} /> : null}
    />
  );
  if (!node) {
    return <DetailMissing header={header} loading={live.loading} error={live.error} />;
  }

  const info = node.status?.nodeInfo ?? {};
  const capacity = node.status?.capacity ?? {};
  const allocatable = node.status?.allocatable ?? {};
  const resources = [...new Set([...Object.keys(capacity), ...Object.keys(allocatable)])].sort();
  const tabs = [
    {
      key: 'conditions',
      label: t.detail.conditions,
      children: <ConditionsTable conditions={node.status?.conditions ?? []} now={now} />,
    },
    {
      key: 'addresses',
      label: t.nodes.addresses,
      children: (
        <Table
          data-testid="node-addresses"
          size="small"
          rowKey={(a) => `${a.type}/${a.address}`}
          dataSource={node.status?.addresses ?? []}
          pagination={false}
          columns={[
            { title: t.detail.type, key: 'type', dataIndex: 'type' },
            { title: t.nodes.addresses, key: 'address', dataIndex: 'address' },
          ]}
        />
      ),
    },
    {
      key: 'capacity',
      label: t.nodes.capacity,
      children: (
        <Table
          data-testid="node-capacity"
          size="small"
          rowKey={(r) => r}
          dataSource={resources}
          pagination={false}
          columns={[
            { title: t.nodes.resource, key: 'r', render: (_, r) => r },
            { title: t.nodes.capacityCol, key: 'c', render: (_, r) => formatResource(r, capacity[r]) },
            { title: t.nodes.allocatableCol, key: 'a', render: (_, r) => formatResource(r, allocatable[r]) },
          ]}
        />
      ),
    },
    {
      key: 'pods',
      label: t.nodes.pods,
      children: <WorkloadPods cluster={cluster} fieldSelector={`spec.nodeName=${name}`} now={now} />,
    },
    {
      key: 'yaml',
      label: t.detail.yaml,
      children: <LazyYamlView object={node} />,
    },
  ];

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      {header}
      {live.error ? <ErrorAlert error={live.error} type="warning" title={t.common.liveError} /> : null}
      <Space wrap>
        <CordonButton cluster={cluster} node={node} />
        <Link to={yamlLink(cluster, 'nodes', undefined, name)}>
          <Button icon={<FileTextOutlined />}>{t.common.yaml}</Button>
        </Link>
      </Space>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t.nodes.roles}>{nodeRoles(node)}</Descriptions.Item>
          <Descriptions.Item label={t.nodes.version}>{info.kubeletVersion ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t.nodes.podCIDR}>{node.spec?.podCIDR ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t.nodes.system}>
            {[info.osImage, info.kernelVersion, info.architecture, info.containerRuntimeVersion]
              .filter((x) => x)
              .join(' · ') || '-'}
          </Descriptions.Item>
          <Descriptions.Item label={t.detail.created}>
            {age(node.metadata.creationTimestamp, now)}
          </Descriptions.Item>
          <Descriptions.Item label={t.nodes.taints}>
            {(node.spec?.taints ?? []).length === 0
              ? '-'
              : (node.spec?.taints ?? []).map((x) => (
                  <Tag
                    key={`${x.key}:${x.effect}`}
                  >{`${x.key}${x.value ? `=${x.value}` : ''}:${x.effect}`}</Tag>
                ))}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small">
        <Tabs items={tabs} destroyOnHidden />
      </Card>
    </Space>
  );
}
