/**
 * Secrets: live list with type, key names (never values) and age; a dialog reveals values one key
 * at a time; the key/value editor creates (typed values or files) and edits them, values hidden
 * until revealed. The name links to the YAML view, which, like kubectl, shows the base64 data.
 */
import { useState } from 'react';
import { Button, Space, Tag, Tooltip } from 'antd';
import { EditOutlined, KeyOutlined, PlusOutlined } from '@ant-design/icons';
import type { Secret } from '../api/workload-types.ts';
import { LazyConfigDataModal } from '../components/config/LazyConfigDataModal.tsx';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { SecretValuesModal } from '../components/SecretValuesModal.tsx';
import { dataKeys } from '../lib/config-data.ts';
import { secretTemplate } from '../lib/templates.ts';
import { t } from '../texts.ts';

export default function SecretsPage() {
  const [showing, setShowing] = useState<Secret>();
  const [editing, setEditing] = useState<{ cluster: string; namespace: string; object?: Secret }>();
  return (
    <ResourceListPage<Secret>
      title={t.secrets.title}
      resource="secrets"
      testId="secrets-table"
      createTemplate={secretTemplate}
      createLabel={t.secrets.createYaml}
      width={1030}
      actionsWidth={160}
      headerExtra={({ cluster, namespace }) => (
        <Button
          icon={<PlusOutlined />}
          onClick={() => setEditing({ cluster, namespace: namespace ?? 'default' })}
        >
          {t.secrets.create}
        </Button>
      )}
      columns={() => [
        {
          title: t.secrets.type,
          key: 'type',
          width: 200,
          ellipsis: true,
          sorter: (a, b) => (a.type ?? '').localeCompare(b.type ?? ''),
          render: (_, s) => s.type ?? 'Opaque',
        },
        {
          title: t.secrets.keys,
          key: 'keys',
          width: 260,
          ellipsis: true,
          render: (_, s) => dataKeys(s).map((k) => <Tag key={k}>{k}</Tag>),
        },
      ]}
      actions={(s, cluster) => (
        <Space size={4}>
          <Button
            size="small"
            icon={<KeyOutlined />}
            title={t.secrets.show}
            aria-label={`${t.secrets.show} ${s.metadata.name}`}
            onClick={() => setShowing(s)}
          />
          <Tooltip title={t.secrets.edit}>
            <Button
              size="small"
              icon={<EditOutlined />}
              aria-label={`${t.secrets.edit} ${s.metadata.name}`}
              onClick={() => setEditing({ cluster, namespace: s.metadata.namespace ?? 'default', object: s })}
            />
          </Tooltip>
        </Space>
      )}
    >
      {showing ? <SecretValuesModal secret={showing} onClose={() => setShowing(undefined)} /> : null}
      {editing ? (
        <LazyConfigDataModal
          cluster={editing.cluster}
          resource="secrets"
          object={editing.object}
          defaultNamespace={editing.namespace}
          onClose={() => setEditing(undefined)}
        />
      ) : null}
    </ResourceListPage>
  );
}
