/** Namespaces: the live list (Terminating shows while a namespace is being emptied), create, delete. */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { App, Button, Form, Input, Modal, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { clusterApi } from '../api/client.ts';
import { kinds, resourcePath } from '../api/kinds.ts';
import { errorMessage } from '../api/status.ts';
import type { Namespace } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { LazyPopconfirm } from '../components/LazyPopconfirm.tsx';
import { ResourceTable } from '../components/ResourceTable.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { age, namespacePhase } from '../lib/format.ts';
import { dnsLabelError, namespaceObject } from '../lib/forms.ts';
import { useNow } from '../lib/hooks.ts';
import { filterByName, yamlLink } from '../lib/links.ts';
import { t } from '../texts.ts';

export default function NamespacesPage() {
  const { cluster = 'local' } = useParams();
  const { message } = App.useApp();
  const now = useNow();
  const list = useWatchList<Namespace>(cluster, kinds.namespaces);
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const api = clusterApi(cluster);

  const remove = async (name: string) => {
    try {
      await api.remove(resourcePath(kinds.namespaces, { name }));
      message.success(t.common.deleted('Namespace', name));
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const columns: TableColumnsType<Namespace> = [
    {
      title: t.common.name,
      key: 'name',
      width: 260,
      sorter: (a, b) => a.metadata.name.localeCompare(b.metadata.name),
      render: (_, ns) => (
        <Link to={yamlLink(cluster, 'namespaces', undefined, ns.metadata.name)}>{ns.metadata.name}</Link>
      ),
    },
    {
      title: t.common.status,
      key: 'status',
      width: 140,
      filters: ['Active', 'Terminating'].map((v) => ({ text: v, value: v })),
      onFilter: (v, ns) => namespacePhase(ns) === v,
      render: (_, ns) => <StatusTag status={namespacePhase(ns)} />,
    },
    {
      title: t.namespaces.labels,
      key: 'labels',
      render: (_, ns) =>
        Object.entries(ns.metadata.labels ?? {}).map(([k, v]) => (
          <Tag key={k} style={{ marginBottom: 2 }}>{`${k}=${v}`}</Tag>
        )),
    },
    {
      title: t.common.age,
      key: 'age',
      width: 90,
      sorter: (a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
      render: (_, ns) => age(ns.metadata.creationTimestamp, now),
    },
    {
      title: t.common.actions,
      key: 'actions',
      width: 120,
      render: (_, ns) => (
        <LazyPopconfirm
          title={t.common.confirmDelete('Namespace', ns.metadata.name)}
          onConfirm={() => remove(ns.metadata.name)}
          okText={t.common.delete}
          okButtonProps={{ danger: true }}
        >
          <Button
            size="small"
            danger
            icon={<DeleteOutlined />}
            disabled={namespacePhase(ns) === 'Terminating'}
            aria-label={`${t.common.delete} ${ns.metadata.name}`}
          >
            {t.common.delete}
          </Button>
        </LazyPopconfirm>
      ),
    },
  ];

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t.namespaces.title}
        </Typography.Title>
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t.common.search}
            onChange={(e) => setQuery(e.target.value)}
            style={{ width: 220 }}
          />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t.namespaces.create}
          </Button>
        </Space>
      </Space>
      <ResourceTable
        testId="namespaces-table"
        items={filterByName(list.items, query)}
        columns={columns}
        loading={list.loading}
        error={list.error}
        width={800}
      />
      {creating ? <CreateNamespaceModal cluster={cluster} onClose={() => setCreating(false)} /> : null}
    </Space>
  );
}

function CreateNamespaceModal({ cluster, onClose }: { cluster: string; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const { name } = await form.validateFields();
    setBusy(true);
    setError(undefined);
    try {
      await clusterApi(cluster).create(resourcePath(kinds.namespaces), namespaceObject(name));
      message.success(t.common.created('Namespace', name));
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
      title={t.namespaces.create}
      onOk={() => void submit()}
      okText={t.common.create}
      confirmLoading={busy}
      onCancel={onClose}
    >
      {error ? <ErrorAlert error={error} /> : null}
      <Form form={form} layout="vertical" onFinish={() => void submit()}>
        <Form.Item
          name="name"
          label={t.common.name}
          extra={t.namespaces.nameHelp}
          rules={[
            {
              validator: async (_, value: string | undefined) => {
                const problem = dnsLabelError(value ?? '');
                if (problem) throw new Error(problem);
              },
            },
          ]}
        >
          <Input autoFocus aria-label={t.common.name} data-testid="namespace-name" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
