/**
 * PersistentVolumes (cluster-scoped): live list with status, capacity, access modes, reclaim
 * policy, the claim each is bound to, class; delete, create from YAML.
 */
import { Link, useParams } from 'react-router';
import { ResourceListPage } from '../components/ResourceListPage.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { yamlLink } from '../lib/links.ts';
import { accessModes, volumeClaim, volumeStatus, type PersistentVolume } from '../lib/storage.ts';
import { persistentVolumeTemplate } from '../lib/templates.ts';
import { t } from '../texts.ts';

export default function PersistentVolumesPage() {
  const { cluster = 'local' } = useParams();
  return (
    <ResourceListPage<PersistentVolume>
      title={t.storage.volumes}
      resource="persistentvolumes"
      testId="pvs-table"
      clusterScoped
      createTemplate={persistentVolumeTemplate}
      width={1000}
      columns={() => [
        {
          title: t.common.status,
          key: 'status',
          width: 110,
          render: (_, v) => <StatusTag status={volumeStatus(v)} />,
        },
        {
          title: t.storage.capacity,
          key: 'capacity',
          width: 90,
          render: (_, v) => v.spec?.capacity?.storage ?? '-',
        },
        {
          title: t.storage.accessModes,
          key: 'modes',
          width: 90,
          render: (_, v) => accessModes(v.spec?.accessModes),
        },
        {
          title: t.storage.reclaimPolicy,
          key: 'reclaim',
          width: 110,
          render: (_, v) => v.spec?.persistentVolumeReclaimPolicy ?? '-',
        },
        {
          title: t.storage.claim,
          key: 'claim',
          width: 180,
          ellipsis: true,
          render: (_, v) => {
            const ref = v.spec?.claimRef;
            return ref?.name ? (
              <Link to={yamlLink(cluster, 'persistentvolumeclaims', ref.namespace, ref.name)}>
                {volumeClaim(v)}
              </Link>
            ) : (
              '-'
            );
          },
        },
        {
          title: t.storage.storageClass,
          key: 'class',
          width: 120,
          render: (_, v) => v.spec?.storageClassName ?? '-',
        },
      ]}
    />
  );
}
