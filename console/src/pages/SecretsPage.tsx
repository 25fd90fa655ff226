/**
 * Secrets: live list with type, key names (never values) and age; a dialog reveals values one key
 * at a time. The name links to the YAML view, which, like kubectl, shows the base64 data.
 */
import { useState } from 'react';
import { Button, Tag } from 'antd';
import { KeyOutlined } from '@ant-design/icons';
import type { Secret } from '../api/workload-types.ts';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { SecretValuesModal } from '../components/SecretValuesModal.tsx';
import { dataKeys } from '../lib/config-data.ts';
import { secretTemplate } from '../lib/templates.ts';
import { t } from '../texts.ts';

export default function SecretsPage() {
  const [showing, setShowing] = useState<Secret>();
  return (
    <ResourceListPage<Secret>
      title={t.secrets.title}
      resource="secrets"
      testId="secrets-table"
      createTemplate={secretTemplate}
      createLabel={t.secrets.createYaml}
      width={1000}
      actionsWidth={130}
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
      actions={(s) => (
        <Button
          size="small"
          icon={<KeyOutlined />}
          title={t.secrets.show}
          aria-label={`${t.secrets.show} ${s.metadata.name}`}
          onClick={() => setShowing(s)}
        />
      )}
    >
      {showing ? <SecretValuesModal secret={showing} onClose={() => setShowing(undefined)} /> : null}
    </ResourceListPage>
  );
}
