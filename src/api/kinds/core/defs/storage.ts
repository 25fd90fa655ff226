/** core/v1 schema definitions for PersistentVolume and PersistentVolumeClaim. */
import { s, type Definitions } from '../../../schema/types.ts';
import { V1, core, coreKind, coreList, keyed, meta, resourceList } from './helpers.ts';
import { persistentVolumeSourceProps } from './volume.ts';

const accessModes = s.strList('Access modes: ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.');

export const storageDefinitions: Definitions = {
  [V1 + 'PersistentVolume']: coreKind('PersistentVolume', 'A piece of storage provisioned in the cluster.', {
    spec: core('PersistentVolumeSpec', 'Desired properties of the volume.'),
    status: core('PersistentVolumeStatus', 'Observed status of the volume.'),
  }),
  [V1 + 'PersistentVolumeList']: coreList('PersistentVolume', 'A list of persistent volumes.'),
  [V1 + 'PersistentVolumeSpec']: s.obj(
    {
      capacity: resourceList('Size of the volume.'),
      ...persistentVolumeSourceProps,
      accessModes,
      claimRef: core('ObjectReference', 'The claim bound to this volume.'),
      persistentVolumeReclaimPolicy: s.enumOf(
        ['Delete', 'Recycle', 'Retain'],
        'What happens when the claim is released.',
      ),
      storageClassName: s.str('StorageClass the volume belongs to.'),
      mountOptions: s.strList('Mount options.'),
      volumeMode: s.enumOf(['Block', 'Filesystem'], 'Filesystem (default) or raw Block.'),
      nodeAffinity: core('VolumeNodeAffinity', 'Nodes the volume can be reached from.'),
    },
    'The desired properties of a persistent volume.',
  ),
  [V1 + 'VolumeNodeAffinity']: s.obj(
    { required: core('NodeSelector', 'Nodes the volume is reachable from.') },
    'Which nodes can use a volume.',
  ),
  [V1 + 'PersistentVolumeStatus']: s.obj(
    {
      phase: s.enumOf(['Available', 'Bound', 'Failed', 'Pending', 'Released'], 'Lifecycle phase.'),
      message: s.str('Why the volume is in its phase.'),
      reason: s.str('Short reason for a failure.'),
      lastPhaseTransitionTime: meta('Time', 'When the phase last changed.'),
    },
    'The observed state of a persistent volume.',
  ),
  [V1 + 'PersistentVolumeClaim']: coreKind('PersistentVolumeClaim', "A user's request for storage.", {
    spec: core('PersistentVolumeClaimSpec', 'Desired properties of the claim.'),
    status: core('PersistentVolumeClaimStatus', 'Observed status of the claim.'),
  }),
  [V1 + 'PersistentVolumeClaimList']: coreList(
    'PersistentVolumeClaim',
    'A list of persistent volume claims.',
  ),
  [V1 + 'PersistentVolumeClaimSpec']: s.obj(
    {
      accessModes,
      selector: meta('LabelSelector', 'Labels of volumes the claim may bind to.'),
      resources: core('VolumeResourceRequirements', 'Storage the claim needs.'),
      volumeName: s.str('Volume to bind to.'),
      storageClassName: s.str('StorageClass to provision from.'),
      volumeMode: s.enumOf(['Block', 'Filesystem'], 'Filesystem (default) or raw Block.'),
      dataSource: core('TypedLocalObjectReference', 'Snapshot or PVC to populate the volume from.'),
      dataSourceRef: core('TypedObjectReference', 'Any object to populate the volume from.'),
    },
    'The desired properties of a persistent volume claim.',
  ),
  [V1 + 'VolumeResourceRequirements']: s.obj(
    {
      limits: resourceList('Most storage the claim may use.'),
      requests: resourceList('Least storage the claim needs.'),
    },
    'Storage requests and limits.',
  ),
  [V1 + 'PersistentVolumeClaimStatus']: s.obj(
    {
      phase: s.enumOf(['Bound', 'Lost', 'Pending'], 'Lifecycle phase.'),
      accessModes,
      capacity: resourceList('Actual size of the bound volume.'),
      conditions: keyed('PersistentVolumeClaimCondition', 'type', 'Current conditions.'),
      allocatedResources: resourceList('Storage allocated to the claim, e.g. during resize.'),
      allocatedResourceStatuses: s.mapOf(s.str('Resize status.'), 'Resize status per resource.'),
    },
    'The observed state of a persistent volume claim.',
  ),
  [V1 + 'PersistentVolumeClaimCondition']: s.obj(
    {
      type: s.str('Condition type.'),
      status: s.str('True, False or Unknown.'),
      lastProbeTime: meta('Time', 'Last time it was probed.'),
      lastTransitionTime: meta('Time', 'Last time the status changed.'),
      reason: s.str('Machine-readable reason.'),
      message: s.str('Human-readable details.'),
    },
    'A condition of a claim.',
    ['type', 'status'],
  ),
};
