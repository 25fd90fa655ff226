/**
 * Deployments: live list with status, ready counts, images and age; scale, delete, YAML view, and
 * create from YAML. Actions show the server's message when it refuses.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { App, Button, InputNumber, Input, Modal, Popconfirm, Space, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { ColumnHeightOutlined, DeleteOutlined, FileTextOutlined, PlusOutlined } from '@ant-design/icons';
import { clusterApi } from '../api/client.ts';
import { kinds, resourcePath } from '../api/kinds.ts';
import { errorMessage } from '../api/status.ts';
import type { Deployment } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { NamespaceSelect, useNamespaceParam } from '../components/NamespaceSelect.tsx';
import { ResourceTable } from '../components/ResourceTable.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { YamlCreateModal } from '../components/YamlCreateModal.tsx';
import { age, deploymentSummary, images } from '../lib/format.ts';
import { deleteOptions, deploymentTemplate, replicasError, scalePatch } from '../lib/forms.ts';
import { useNow } from '../lib/hooks.ts';
import { filterByName, yamlLink } from '../lib/links.ts';
import { t } from '../texts.ts';

export default function DeploymentsPage() {
  const { cluster = 'local' } = useParams();
  const { message } = App.useApp();
  const now = useNow();
  const [namespace] = useNamespaceParam();
  const list = useWatchList<Deployment>(cluster, kinds.deployments, { namespace });
  const [query, setQuery] = useState('');
  const [scaling, setScaling] = useState<Deployment>();
  const [creating, setCreating] = useState(false);
  const api = clusterApi(cluster);

  const remove = async (d: Deployment) => {
    try {
      await api.remove(
        resourcePath(kinds.deployments, { namespace: d.metadata.namespace, name: d.metadata.name }),
        deleteOptions('Background'),
      );
      message.success(t.common.deleted('Deployment', d.metadata.name));
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const columns: TableColumnsType<Deployment> = [
    {
      title: t.common.name,
      key: 'name',
      width: 170,
      fixed: 'left',
      sorter: (a, b) => a.metadata.name.localeCompare(b.metadata.name),
      render: (_, d) => (
        <Link to={yamlLink(cluster, 'deployments', d.metadata.namespace, d.metadata.name)}>
          {d.metadata.name}
        </Link>
      ),
    },
    { title: t.common.namespace, key: 'ns', width: 110, render: (_, d) => d.metadata.namespace },
    {
      title: t.common.status,
      key: 'status',
      width: 110,
      render: (_, d) => <StatusTag status={deploymentSummary(d).state} />,
    },
    {
      title: t.deployments.ready,
      key: 'ready',
      width: 70,
      render: (_, d) => {
        const s = deploymentSummary(d);
        return <span data-testid={`ready-${d.metadata.name}`}>{`${s.ready}/${s.desired}`}</span>;
      },
    },
    {
      title: t.deployments.upToDate,
      key: 'upToDate',
      width: 100,
      render: (_, d) => deploymentSummary(d).upToDate,
    },
    {
      title: t.deployments.available,
      key: 'available',
      width: 100,
      render: (_, d) => deploymentSummary(d).available,
    },
    {
      title: t.deployments.images,
      key: 'images',
      width: 150,
      ellipsis: true,
      render: (_, d) => images(d).map((i) => <Tag key={i}>{i}</Tag>),
    },
    {
      title: t.common.age,
      key: 'age',
      width: 70,
      sorter: (a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
      render: (_, d) => age(d.metadata.creationTimestamp, now),
    },
    {
      title: t.common.actions,
      key: 'actions',
      width: 160,
      render: (_, d) => (
        <Space size={4}>
          <Button
            size="small"
            icon={<ColumnHeightOutlined />}
            onClick={() => setScaling(d)}
            aria-label={`${t.deployments.scale} ${d.metadata.name}`}
          >
            {t.deployments.scale}
          </Button>
          <Tooltip title={t.common.yaml}>
            <Link
              to={yamlLink(cluster, 'deployments', d.metadata.namespace, d.metadata.name)}
              aria-label={`${t.common.yaml} ${d.metadata.name}`}
            >
              <Button size="small" icon={<FileTextOutlined />} />
            </Link>
          </Tooltip>
          <Popconfirm
            title={t.common.confirmDelete('Deployment', d.metadata.name)}
            onConfirm={() => remove(d)}
            okText={t.common.delete}
            okButtonProps={{ danger: true }}
          >
            {/* A native title, not a Tooltip: a tooltip would sit over the confirmation's button. */}
            <Button
              size="small"
              danger
              icon={<DeleteOutlined />}
              title={t.common.delete}
              aria-label={`${t.common.delete} ${d.metadata.name}`}
            />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t.deployments.title}
        </Typography.Title>
        <Space wrap>
          <NamespaceSelect cluster={cluster} />
          <Input.Search
            allowClear
            placeholder={t.common.search}
            onChange={(e) => setQuery(e.target.value)}
            style={{ width: 200 }}
          />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t.deployments.createYaml}
          </Button>
        </Space>
      </Space>
      <ResourceTable
        testId="deployments-table"
        items={filterByName(list.items, query)}
        columns={columns}
        loading={list.loading}
        error={list.error}
        width={1040}
      />
      {scaling ? (
        <ScaleModal cluster={cluster} deployment={scaling} onClose={() => setScaling(undefined)} />
      ) : null}
      {creating ? (
        <YamlCreateModal
          cluster={cluster}
          open
          defaultNamespace={namespace ?? 'default'}
          initialText={deploymentTemplate(namespace ?? 'default')}
          onClose={() => setCreating(false)}
        />
      ) : null}
    </Space>
  );
}

function ScaleModal({
  cluster,
  deployment,
  onClose,
}: {
  cluster: string;
  deployment: Deployment;
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const [replicas, setReplicas] = useState<number | null>(deployment.spec?.replicas ?? 1);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const problem = replicasError(replicas);
  const { name, namespace } = deployment.metadata;

  const submit = async () => {
    if (problem || replicas === null) return;
    setBusy(true);
    setError(undefined);
    try {
      await clusterApi(cluster).mergePatch(
        resourcePath(kinds.deployments, { namespace, name, subresource: 'scale' }),
        scalePatch(replicas),
      );
      message.success(t.deployments.scaled(name, replicas));
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t.deployments.scaleTitle(name)}
      onOk={() => void submit()}
      okButtonProps={{ disabled: problem !== undefined }}
      confirmLoading={busy}
      onCancel={onClose}
    >
      {error ? <ErrorAlert error={error} /> : null}
      <Space direction="vertical">
        <Typography.Text>{t.deployments.replicas}</Typography.Text>
        <InputNumber
          aria-label={t.deployments.replicas}
          data-testid="scale-replicas"
          min={0}
          max={10000}
          value={replicas}
          onChange={setReplicas}
          onPressEnter={() => void submit()}
          status={problem ? 'error' : undefined}
          autoFocus
        />
        {problem ? <Typography.Text type="danger">{problem}</Typography.Text> : null}
      </Space>
    </Modal>
  );
}
