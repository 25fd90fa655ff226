/** ConfigMaps: live list with their keys and age; YAML view, create from YAML, delete. */
import { Tag } from 'antd';
import type { ConfigMap } from '../api/workload-types.ts';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { dataKeys } from '../lib/config-data.ts';
import { configMapTemplate } from '../lib/templates.ts';
import { t } from '../texts.ts';

export default function ConfigMapsPage() {
  return (
    <ResourceListPage<ConfigMap>
      title={t.configMaps.title}
      resource="configmaps"
      testId="configmaps-table"
      createTemplate={configMapTemplate}
      createLabel={t.configMaps.createYaml}
      width={900}
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
    />
  );
}
