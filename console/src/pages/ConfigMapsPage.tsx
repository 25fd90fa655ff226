/**
 * ConfigMaps: live list with their keys and age; create with the key/value editor (typed values or
 * files) or from YAML, edit keys and values in place, YAML view, delete.
 */
import { useState } from 'react';
import { Button, Tag, Tooltip } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import type { ConfigMap } from '../api/workload-types.ts';
import { LazyConfigDataModal } from '../components/config/LazyConfigDataModal.tsx';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { dataKeys } from '../lib/config-data.ts';
import { configMapTemplate } from '../lib/templates.ts';
import { t } from '../texts.ts';

/** Which editor is open: a new object in a namespace, or an existing one. */
type Editing = { cluster: string; namespace: string; object?: ConfigMap };

export default function ConfigMapsPage() {
  const [editing, setEditing] = useState<Editing>();
  return (
    <ResourceListPage<ConfigMap>
      title={t.configMaps.title}
      resource="configmaps"
      testId="configmaps-table"
      createTemplate={configMapTemplate}
      createLabel={t.configMaps.createYaml}
      width={940}
      actionsWidth={130}
      headerExtra={({ cluster, namespace }) => (
        <Button
          icon={<PlusOutlined />}
          onClick={() => setEditing({ cluster, namespace: namespace ?? 'default' })}
        >
          {t.configMaps.create}
        </Button>
      )}
      columns={() => [
        {
          title: t.configMaps.keys,
          key: 'keys',
          width: 320,
          ellipsis: true,
          sorter: (a, b) => dataKeys(a).length - dataKeys(b).length,
          render: (_, c) => dataKeys(c).map((k) => <Tag key={k}>{k}</Tag>),
        },
      ]}
      actions={(c, cluster) => (
        <Tooltip title={t.configMaps.edit}>
          <Button
            size="small"
            icon={<EditOutlined />}
            aria-label={`${t.configMaps.edit} ${c.metadata.name}`}
            onClick={() => setEditing({ cluster, namespace: c.metadata.namespace ?? 'default', object: c })}
          />
        </Tooltip>
      )}
    >
      {editing ? (
        <LazyConfigDataModal
          cluster={editing.cluster}
          resource="configmaps"
          object={editing.object}
          defaultNamespace={editing.namespace}
          onClose={() => setEditing(undefined)}
        />
      ) : null}
    </ResourceListPage>
  );
}
