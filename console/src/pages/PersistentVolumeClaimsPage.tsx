/**
 * PersistentVolumeClaims: live list with status, volume, capacity, access modes, class and the pods
 * using each claim (from a live pod list); delete, create from YAML.
 */
import { useParams } from 'react-router';
import { Link } from 'react-router';
import { Space } from 'antd';
import { kinds } from '../api/kinds.ts';
import type { Pod } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { useNamespaceParam } from '../components/NamespaceSelect.tsx';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { yamlLink } from '../lib/links.ts';
import {
  accessModes,
  claimCapacity,
  claimStatus,
  claimUsers,
  type PersistentVolumeClaim,
} from '../lib/storage.ts';
import { persistentVolumeClaimTemplate } from '../lib/templates.ts';
import { t } from '../texts.ts';

export default function PersistentVolumeClaimsPage() {
  const { cluster = 'local' } = useParams();
  const [namespace] = useNamespaceParam();
  const pods = useWatchList<Pod>(cluster, kinds.pods, { namespace });
  const users = claimUsers(pods.items);
  return (
    <ResourceListPage<PersistentVolumeClaim>
      title={t.storage.claims}
      resource="persistentvolumeclaims"
      testId="pvcs-table"
      createTemplate={persistentVolumeClaimTemplate}
      width={1150}
      columns={() => [
        {
          title: t.common.status,
          key: 'status',
          width: 110,
          render: (_, c) => <StatusTag status={claimStatus(c)} />,
        },
        {
          title: t.storage.volume,
          key: 'volume',
          width: 170,
          ellipsis: true,
          render: (_, c) =>
            c.spec?.volumeName ? (
              <Link to={yamlLink(cluster, 'persistentvolumes', undefined, c.spec.volumeName)}>
                {c.spec.volumeName}
              </Link>
            ) : (
              '-'
            ),
        },
        { title: t.storage.capacity, key: 'capacity', width: 90, render: (_, c) => claimCapacity(c) },
        {
          title: t.storage.accessModes,
          key: 'modes',
          width: 90,
          render: (_, c) => accessModes(c.status?.accessModes ?? c.spec?.accessModes),
        },
        {
          title: t.storage.storageClass,
          key: 'class',
          width: 120,
          render: (_, c) => c.spec?.storageClassName ?? '-',
        },
        {
          title: t.storage.usedBy,
          key: 'usedBy',
          width: 170,
          ellipsis: true,
          render: (_, c) => {
            const names = users.get(`${c.metadata.namespace ?? ''}/${c.metadata.name}`) ?? [];
            return names.length === 0 ? (
              '-'
            ) : (
              <Space size={4} wrap data-testid={`used-by-${c.metadata.name}`}>
                {names.map((p) => (
                  <Link key={p} to={`/c/${encodeURIComponent(cluster)}/pods/${c.metadata.namespace}/${p}`}>
                    {p}
                  </Link>
                ))}
              </Space>
            );
          },
        },
      ]}
    />
  );
}
