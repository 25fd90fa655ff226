/**
 * StorageClasses (cluster-scoped): live list with provisioner, reclaim policy, binding mode,
 * expansion, the default class marked; delete, create from YAML.
 */
import { Tag } from 'antd';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { isDefaultClass, type StorageClass } from '../lib/storage.ts';
import { storageClassTemplate } from '../lib/templates.ts';
import { t } from '../texts.ts';

export default function StorageClassesPage() {
  return (
    <ResourceListPage<StorageClass>
      title={t.storage.classes}
      resource="storageclasses"
      testId="storageclasses-table"
      clusterScoped
      createTemplate={storageClassTemplate}
      width={1000}
      columns={() => [
        {
          title: t.storage.defaultCol,
          key: 'default',
          width: 90,
          render: (_, s) => (isDefaultClass(s) ? <Tag color="blue">{t.storage.default}</Tag> : null),
        },
        {
          title: t.storage.provisioner,
          key: 'provisioner',
          width: 180,
          ellipsis: true,
          render: (_, s) => s.provisioner ?? '-',
        },
        {
          title: t.storage.reclaimPolicy,
          key: 'reclaim',
          width: 110,
          render: (_, s) => s.reclaimPolicy ?? 'Delete',
        },
        {
          title: t.storage.bindingMode,
          key: 'binding',
          width: 170,
          render: (_, s) => s.volumeBindingMode ?? 'Immediate',
        },
        {
          title: t.storage.expansion,
          key: 'expansion',
          width: 110,
          render: (_, s) => (s.allowVolumeExpansion ? t.storage.yes : t.storage.no),
        },
      ]}
    />
  );
}
