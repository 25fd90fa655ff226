/**
 * Protobuf tables for core/v1 volumes: Volume, every VolumeSource, projections and the PVC template.
 * Field numbers from Kubernetes' generated.proto; see ../table.ts for the flags.
 */
import type { MessageTable } from '../table.ts';

export const coreVolumeMessages: MessageTable = {
  'core.v1.AWSElasticBlockStoreVolumeSource': {
    1: ['volumeID', 'string'], 2: ['fsType', 'string'], 3: ['partition', 'int32'], 4: ['readOnly', 'bool'],
  },
  'core.v1.AzureDiskVolumeSource': {
    1: ['diskName', 'string'], 2: ['diskURI', 'string'], 3: ['cachingMode', 'string'], 4: ['fsType', 'string'],
    5: ['readOnly', 'bool'], 6: ['kind', 'string'],
  },
  'core.v1.AzureFileVolumeSource': { 1: ['secretName', 'string'], 2: ['shareName', 'string'], 3: ['readOnly', 'bool'] },
  'core.v1.CSIVolumeSource': {
    1: ['driver', 'string'], 2: ['readOnly', 'bool', 'z'], 3: ['fsType', 'string', 'z'],
    4: ['volumeAttributes', 'string', 'm'], 5: ['nodePublishSecretRef', 'core.v1.LocalObjectReference'],
  },
  'core.v1.CephFSVolumeSource': {
    1: ['monitors', 'string', 'r'], 2: ['path', 'string'], 3: ['user', 'string'], 4: ['secretFile', 'string'],
    5: ['secretRef', 'core.v1.LocalObjectReference'], 6: ['readOnly', 'bool'],
  },
  'core.v1.CinderVolumeSource': {
    1: ['volumeID', 'string'], 2: ['fsType', 'string'], 3: ['readOnly', 'bool'],
    4: ['secretRef', 'core.v1.LocalObjectReference'],
  },
  'core.v1.ClusterTrustBundleProjection': {
    1: ['name', 'string', 'z'], 2: ['signerName', 'string', 'z'], 3: ['labelSelector', 'meta.v1.LabelSelector'],
    4: ['path', 'string'], 5: ['optional', 'bool', 'z'],
  },
  'core.v1.ConfigMapProjection': {
    1: ['localObjectReference', 'core.v1.LocalObjectReference', 'i'], 2: ['items', 'core.v1.KeyToPath', 'r'],
    4: ['optional', 'bool', 'z'],
  },
  'core.v1.ConfigMapVolumeSource': {
    1: ['localObjectReference', 'core.v1.LocalObjectReference', 'i'], 2: ['items', 'core.v1.KeyToPath', 'r'],
    3: ['defaultMode', 'int32', 'z'], 4: ['optional', 'bool', 'z'],
  },
  'core.v1.DownwardAPIProjection': { 1: ['items', 'core.v1.DownwardAPIVolumeFile', 'r'] },
  'core.v1.DownwardAPIVolumeFile': {
    1: ['path', 'string', 'z'], 2: ['fieldRef', 'core.v1.ObjectFieldSelector'],
    3: ['resourceFieldRef', 'core.v1.ResourceFieldSelector'], 4: ['mode', 'int32', 'z'],
  },
  'core.v1.DownwardAPIVolumeSource': {
    1: ['items', 'core.v1.DownwardAPIVolumeFile', 'r'], 2: ['defaultMode', 'int32', 'z'],
  },
  'core.v1.EmptyDirVolumeSource': { 1: ['medium', 'string'], 2: ['sizeLimit', 'Quantity'] },
  'core.v1.EphemeralVolumeSource': { 1: ['volumeClaimTemplate', 'core.v1.PersistentVolumeClaimTemplate'] },
  'core.v1.FCVolumeSource': {
    1: ['targetWWNs', 'string', 'r'], 2: ['lun', 'int32', 'z'], 3: ['fsType', 'string'], 4: ['readOnly', 'bool'],
    5: ['wwids', 'string', 'r'],
  },
  'core.v1.FlexVolumeSource': {
    1: ['driver', 'string'], 2: ['fsType', 'string'], 3: ['secretRef', 'core.v1.LocalObjectReference'],
    4: ['readOnly', 'bool'], 5: ['options', 'string', 'm'],
  },
  'core.v1.FlockerVolumeSource': { 1: ['datasetName', 'string'], 2: ['datasetUUID', 'string'] },
  'core.v1.GCEPersistentDiskVolumeSource': {
    1: ['pdName', 'string'], 2: ['fsType', 'string'], 3: ['partition', 'int32'], 4: ['readOnly', 'bool'],
  },
  'core.v1.GitRepoVolumeSource': { 1: ['repository', 'string'], 2: ['revision', 'string'], 3: ['directory', 'string'] },
  'core.v1.GlusterfsVolumeSource': { 1: ['endpoints', 'string'], 2: ['path', 'string'], 3: ['readOnly', 'bool'] },
  'core.v1.HostPathVolumeSource': { 1: ['path', 'string'], 2: ['type', 'string', 'z'] },
  'core.v1.ISCSIVolumeSource': {
    1: ['targetPortal', 'string'], 2: ['iqn', 'string'], 3: ['lun', 'int32'], 4: ['iscsiInterface', 'string'],
    5: ['fsType', 'string'], 6: ['readOnly', 'bool'], 7: ['portals', 'string', 'r'], 8: ['chapAuthDiscovery', 'bool'],
    10: ['secretRef', 'core.v1.LocalObjectReference'], 11: ['chapAuthSession', 'bool'],
    12: ['initiatorName', 'string', 'z'],
  },
  'core.v1.ImageVolumeSource': { 1: ['reference', 'string', 'z'], 2: ['pullPolicy', 'string'] },
  'core.v1.KeyToPath': { 1: ['key', 'string', 'z'], 2: ['path', 'string', 'z'], 3: ['mode', 'int32', 'z'] },
  'core.v1.NFSVolumeSource': { 1: ['server', 'string'], 2: ['path', 'string'], 3: ['readOnly', 'bool'] },
  'core.v1.PersistentVolumeClaimSpec': {
    1: ['accessModes', 'string', 'r'], 2: ['resources', 'core.v1.VolumeResourceRequirements'],
    3: ['volumeName', 'string'], 4: ['selector', 'meta.v1.LabelSelector'], 5: ['storageClassName', 'string', 'z'],
    6: ['volumeMode', 'string', 'z'], 7: ['dataSource', 'core.v1.TypedLocalObjectReference'],
    8: ['dataSourceRef', 'core.v1.TypedObjectReference'], 9: ['volumeAttributesClassName', 'string', 'z'],
  },
  'core.v1.PersistentVolumeClaimTemplate': {
    1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['spec', 'core.v1.PersistentVolumeClaimSpec'],
  },
  'core.v1.PersistentVolumeClaimVolumeSource': { 1: ['claimName', 'string'], 2: ['readOnly', 'bool'] },
  'core.v1.PhotonPersistentDiskVolumeSource': { 1: ['pdID', 'string'], 2: ['fsType', 'string'] },
  'core.v1.PortworxVolumeSource': { 1: ['volumeID', 'string'], 2: ['fsType', 'string'], 3: ['readOnly', 'bool'] },
  'core.v1.ProjectedVolumeSource': {
    1: ['sources', 'core.v1.VolumeProjection', 'r'], 2: ['defaultMode', 'int32', 'z'],
  },
  'core.v1.QuobyteVolumeSource': {
    1: ['registry', 'string'], 2: ['volume', 'string'], 3: ['readOnly', 'bool'], 4: ['user', 'string'],
    5: ['group', 'string'], 6: ['tenant', 'string'],
  },
  'core.v1.RBDVolumeSource': {
    1: ['monitors', 'string', 'r'], 2: ['image', 'string'], 3: ['fsType', 'string'], 4: ['pool', 'string'],
    5: ['user', 'string'], 6: ['keyring', 'string'], 7: ['secretRef', 'core.v1.LocalObjectReference'],
    8: ['readOnly', 'bool'],
  },
  'core.v1.ScaleIOVolumeSource': {
    1: ['gateway', 'string'], 2: ['system', 'string'], 3: ['secretRef', 'core.v1.LocalObjectReference'],
    4: ['sslEnabled', 'bool'], 5: ['protectionDomain', 'string'], 6: ['storagePool', 'string'],
    7: ['storageMode', 'string'], 8: ['volumeName', 'string'], 9: ['fsType', 'string'], 10: ['readOnly', 'bool'],
  },
  'core.v1.SecretProjection': {
    1: ['localObjectReference', 'core.v1.LocalObjectReference', 'i'], 2: ['items', 'core.v1.KeyToPath', 'r'],
    4: ['optional', 'bool', 'z'],
  },
  'core.v1.SecretVolumeSource': {
    1: ['secretName', 'string'], 2: ['items', 'core.v1.KeyToPath', 'r'], 3: ['defaultMode', 'int32', 'z'],
    4: ['optional', 'bool', 'z'],
  },
  'core.v1.ServiceAccountTokenProjection': {
    1: ['audience', 'string'], 2: ['expirationSeconds', 'int64', 'z'], 3: ['path', 'string'],
  },
  'core.v1.StorageOSVolumeSource': {
    1: ['volumeName', 'string'], 2: ['volumeNamespace', 'string'], 3: ['fsType', 'string'], 4: ['readOnly', 'bool'],
    5: ['secretRef', 'core.v1.LocalObjectReference'],
  },
  'core.v1.TypedLocalObjectReference': {
    1: ['apiGroup', 'string', 'z'], 2: ['kind', 'string', 'z'], 3: ['name', 'string', 'z'],
  },
  'core.v1.TypedObjectReference': {
    1: ['apiGroup', 'string', 'z'], 2: ['kind', 'string', 'z'], 3: ['name', 'string', 'z'],
    4: ['namespace', 'string', 'z'],
  },
  'core.v1.Volume': { 1: ['name', 'string', 'z'], 2: ['volumeSource', 'core.v1.VolumeSource', 'i'] },
  'core.v1.VolumeProjection': {
    1: ['secret', 'core.v1.SecretProjection'], 2: ['downwardAPI', 'core.v1.DownwardAPIProjection'],
    3: ['configMap', 'core.v1.ConfigMapProjection'],
    4: ['serviceAccountToken', 'core.v1.ServiceAccountTokenProjection'],
    5: ['clusterTrustBundle', 'core.v1.ClusterTrustBundleProjection'],
  },
  'core.v1.VolumeResourceRequirements': { 1: ['limits', 'Quantity', 'm'], 2: ['requests', 'Quantity', 'm'] },
  'core.v1.VolumeSource': {
    1: ['hostPath', 'core.v1.HostPathVolumeSource'], 2: ['emptyDir', 'core.v1.EmptyDirVolumeSource'],
    3: ['gcePersistentDisk', 'core.v1.GCEPersistentDiskVolumeSource'],
    4: ['awsElasticBlockStore', 'core.v1.AWSElasticBlockStoreVolumeSource'],
    5: ['gitRepo', 'core.v1.GitRepoVolumeSource'], 6: ['secret', 'core.v1.SecretVolumeSource'],
    7: ['nfs', 'core.v1.NFSVolumeSource'], 8: ['iscsi', 'core.v1.ISCSIVolumeSource'],
    9: ['glusterfs', 'core.v1.GlusterfsVolumeSource'],
    10: ['persistentVolumeClaim', 'core.v1.PersistentVolumeClaimVolumeSource'], 11: ['rbd', 'core.v1.RBDVolumeSource'],
    12: ['flexVolume', 'core.v1.FlexVolumeSource'], 13: ['cinder', 'core.v1.CinderVolumeSource'],
    14: ['cephfs', 'core.v1.CephFSVolumeSource'], 15: ['flocker', 'core.v1.FlockerVolumeSource'],
    16: ['downwardAPI', 'core.v1.DownwardAPIVolumeSource'], 17: ['fc', 'core.v1.FCVolumeSource'],
    18: ['azureFile', 'core.v1.AzureFileVolumeSource'], 19: ['configMap', 'core.v1.ConfigMapVolumeSource'],
    20: ['vsphereVolume', 'core.v1.VsphereVirtualDiskVolumeSource'], 21: ['quobyte', 'core.v1.QuobyteVolumeSource'],
    22: ['azureDisk', 'core.v1.AzureDiskVolumeSource'],
    23: ['photonPersistentDisk', 'core.v1.PhotonPersistentDiskVolumeSource'],
    24: ['portworxVolume', 'core.v1.PortworxVolumeSource'], 25: ['scaleIO', 'core.v1.ScaleIOVolumeSource'],
    26: ['projected', 'core.v1.ProjectedVolumeSource'], 27: ['storageos', 'core.v1.StorageOSVolumeSource'],
    28: ['csi', 'core.v1.CSIVolumeSource'], 29: ['ephemeral', 'core.v1.EphemeralVolumeSource'],
    30: ['image', 'core.v1.ImageVolumeSource'],
  },
  'core.v1.VsphereVirtualDiskVolumeSource': {
    1: ['volumePath', 'string'], 2: ['fsType', 'string'], 3: ['storagePolicyName', 'string'],
    4: ['storagePolicyID', 'string'],
  },
};
