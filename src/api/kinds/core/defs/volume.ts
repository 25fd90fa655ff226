/** core/v1 schema definitions for pod volumes and the volume sources (shared with PersistentVolume). */
import { s, type Definitions, type Schema } from '../../../schema/types.ts';
import { V1, core, listOf, meta } from './helpers.ts';

const fsType = s.str('Filesystem type to mount, e.g. ext4.');
const readOnly = s.bool('Mount read-only.');
const defaultMode = s.int32('File mode bits for created files, 0000 to 0777; 0644 by default.');
const items = listOf('KeyToPath', 'Keys to project as files; all keys when empty.');
const optional = (what: string): Schema => s.bool(`Tolerate a missing ${what}.`);
const localRef = (d: string): Schema => core('LocalObjectReference', d);
const secretRef = (d: string): Schema => core('SecretReference', d);

/** Sources a pod volume may use, by field name → definition and description. */
const podSources: Record<string, [string, string]> = {
  hostPath: ['HostPathVolumeSource', 'A file or directory on the host.'],
  emptyDir: ['EmptyDirVolumeSource', 'A temporary directory that lives as long as the pod.'],
  gcePersistentDisk: ['GCEPersistentDiskVolumeSource', 'A GCE persistent disk (deprecated).'],
  awsElasticBlockStore: ['AWSElasticBlockStoreVolumeSource', 'An AWS EBS volume (deprecated).'],
  gitRepo: ['GitRepoVolumeSource', 'A git repository checkout (deprecated).'],
  secret: ['SecretVolumeSource', 'The keys of a Secret as files.'],
  nfs: ['NFSVolumeSource', 'An NFS export.'],
  iscsi: ['ISCSIVolumeSource', 'An iSCSI disk.'],
  glusterfs: ['GlusterfsVolumeSource', 'A Glusterfs mount (removed driver).'],
  persistentVolumeClaim: [
    'PersistentVolumeClaimVolumeSource',
    'A PersistentVolumeClaim in the same namespace.',
  ],
  rbd: ['RBDVolumeSource', 'A Rados block device (deprecated).'],
  flexVolume: ['FlexVolumeSource', 'A FlexVolume plugin volume (deprecated).'],
  cinder: ['CinderVolumeSource', 'An OpenStack Cinder volume (deprecated).'],
  cephfs: ['CephFSVolumeSource', 'A CephFS mount (deprecated).'],
  flocker: ['FlockerVolumeSource', 'A Flocker dataset (deprecated).'],
  downwardAPI: ['DownwardAPIVolumeSource', 'Pod fields as files.'],
  fc: ['FCVolumeSource', 'A Fibre Channel disk.'],
  azureFile: ['AzureFileVolumeSource', 'An Azure File share (deprecated).'],
  configMap: ['ConfigMapVolumeSource', 'The keys of a ConfigMap as files.'],
  vsphereVolume: ['VsphereVirtualDiskVolumeSource', 'A vSphere disk (deprecated).'],
  quobyte: ['QuobyteVolumeSource', 'A Quobyte mount (removed driver).'],
  azureDisk: ['AzureDiskVolumeSource', 'An Azure data disk (deprecated).'],
  photonPersistentDisk: ['PhotonPersistentDiskVolumeSource', 'A Photon disk (removed driver).'],
  projected: ['ProjectedVolumeSource', 'Several sources combined in one directory.'],
  portworxVolume: ['PortworxVolumeSource', 'A Portworx volume (deprecated).'],
  scaleIO: ['ScaleIOVolumeSource', 'A ScaleIO volume (removed driver).'],
  storageos: ['StorageOSVolumeSource', 'A StorageOS volume (removed driver).'],
  csi: ['CSIVolumeSource', 'An ephemeral volume from a CSI driver.'],
  ephemeral: ['EphemeralVolumeSource', 'A PVC created for and deleted with the pod.'],
};

function sourceProps(sources: Record<string, [string, string]>): Record<string, Schema> {
  return Object.fromEntries(Object.entries(sources).map(([k, [def, d]]) => [k, core(def, d)]));
}

const iscsiProps = (secret: Schema): Record<string, Schema> => ({
  targetPortal: s.str('Target portal, IP or host with optional port.'),
  iqn: s.str('Target iSCSI qualified name.'),
  lun: s.int32('Target LUN number.'),
  iscsiInterface: s.str('iSCSI interface name; "default" by default.'),
  fsType,
  readOnly,
  portals: s.strList('Further target portals.'),
  chapAuthDiscovery: s.bool('Use CHAP authentication for discovery.'),
  chapAuthSession: s.bool('Use CHAP authentication for the session.'),
  secretRef: secret,
  initiatorName: s.str('Custom initiator name.'),
});
const rbdProps = (secret: Schema): Record<string, Schema> => ({
  monitors: s.strList('Ceph monitors.'),
  image: s.str('Rados image name.'),
  fsType,
  pool: s.str('Rados pool; rbd by default.'),
  user: s.str('Rados user; admin by default.'),
  keyring: s.str('Keyring path; /etc/ceph/keyring by default.'),
  secretRef: secret,
  readOnly,
});
const cephProps = (secret: Schema): Record<string, Schema> => ({
  monitors: s.strList('Ceph monitors.'),
  path: s.str('Root of the mount; / by default.'),
  user: s.str('Rados user; admin by default.'),
  secretFile: s.str('Path to the keyring.'),
  secretRef: secret,
  readOnly,
});
const cinderProps = (secret: Schema): Record<string, Schema> => ({
  volumeID: s.str('Cinder volume ID.'),
  fsType,
  readOnly,
  secretRef: secret,
});
const flexProps = (secret: Schema): Record<string, Schema> => ({
  driver: s.str('Driver name.'),
  fsType,
  secretRef: secret,
  readOnly,
  options: s.strMap('Extra driver options.'),
});
const scaleIOProps = (secret: Schema): Record<string, Schema> => ({
  gateway: s.str('ScaleIO API gateway host.'),
  system: s.str('ScaleIO storage system name.'),
  secretRef: secret,
  sslEnabled: s.bool('Use SSL to the gateway.'),
  protectionDomain: s.str('Protection domain.'),
  storagePool: s.str('Storage pool.'),
  storageMode: s.str('ThickProvisioned or ThinProvisioned.'),
  volumeName: s.str('Existing volume name.'),
  fsType,
  readOnly,
});
const storageOSProps = (secret: Schema): Record<string, Schema> => ({
  volumeName: s.str('Volume name.'),
  volumeNamespace: s.str('Volume namespace.'),
  fsType,
  readOnly,
  secretRef: secret,
});
const glusterProps = {
  endpoints: s.str('Endpoints object naming the cluster.'),
  path: s.str('Glusterfs volume path.'),
  readOnly,
};

/** Sources only a PersistentVolume may use, beyond the shared ones. */
export const persistentVolumeSources: Record<string, [string, string]> = {
  gcePersistentDisk: podSources.gcePersistentDisk!,
  awsElasticBlockStore: podSources.awsElasticBlockStore!,
  hostPath: podSources.hostPath!,
  glusterfs: ['GlusterfsPersistentVolumeSource', 'A Glusterfs mount (removed driver).'],
  nfs: podSources.nfs!,
  rbd: ['RBDPersistentVolumeSource', 'A Rados block device (deprecated).'],
  iscsi: ['ISCSIPersistentVolumeSource', 'An iSCSI disk.'],
  cinder: ['CinderPersistentVolumeSource', 'An OpenStack Cinder volume (deprecated).'],
  cephfs: ['CephFSPersistentVolumeSource', 'A CephFS mount (deprecated).'],
  fc: podSources.fc!,
  flocker: podSources.flocker!,
  flexVolume: ['FlexPersistentVolumeSource', 'A FlexVolume plugin volume (deprecated).'],
  azureFile: ['AzureFilePersistentVolumeSource', 'An Azure File share (deprecated).'],
  vsphereVolume: podSources.vsphereVolume!,
  quobyte: podSources.quobyte!,
  azureDisk: podSources.azureDisk!,
  photonPersistentDisk: podSources.photonPersistentDisk!,
  portworxVolume: podSources.portworxVolume!,
  scaleIO: ['ScaleIOPersistentVolumeSource', 'A ScaleIO volume (removed driver).'],
  local: ['LocalVolumeSource', 'A local disk, partition or directory of one node.'],
  storageos: ['StorageOSPersistentVolumeSource', 'A StorageOS volume (removed driver).'],
  csi: ['CSIPersistentVolumeSource', 'A volume from a CSI driver.'],
};

/** Properties of a PersistentVolumeSpec that pick its source. */
export const persistentVolumeSourceProps: Record<string, Schema> = sourceProps(persistentVolumeSources);

const downwardItems = listOf('DownwardAPIVolumeFile', 'Files to create.');

export const volumeDefinitions: Definitions = {
  [V1 + 'Volume']: s.obj(
    { name: s.str('Volume name, a DNS label unique in the pod.'), ...sourceProps(podSources) },
    'A named volume that containers of the pod can mount; exactly one source is set.',
    ['name'],
  ),
  [V1 + 'LocalObjectReference']: {
    ...s.obj(
      { name: s.str('Name of the object in the same namespace.') },
      'A reference to an object in the same namespace.',
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [V1 + 'SecretReference']: {
    ...s.obj(
      { name: s.str('Secret name.'), namespace: s.str('Secret namespace.') },
      'A reference to a Secret in any namespace.',
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [V1 + 'KeyToPath']: s.obj(
    {
      key: s.str('Key to project.'),
      path: s.str('Relative file path to write it to.'),
      mode: s.int32('File mode bits, 0000 to 0777.'),
    },
    'Maps a key to a file path.',
    ['key', 'path'],
  ),
  [V1 + 'HostPathVolumeSource']: s.obj(
    {
      path: s.str('Path on the host.'),
      type: s.enumOf(
        ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'],
        'What must exist at the path.',
      ),
    },
    'A host path mounted into the pod.',
    ['path'],
  ),
  [V1 + 'EmptyDirVolumeSource']: s.obj(
    {
      medium: s.str('Storage medium: "" (node disk) or Memory.'),
      sizeLimit: s.quantity('Most storage the directory may use.'),
    },
    'An empty directory for the life of the pod.',
  ),
  [V1 + 'GCEPersistentDiskVolumeSource']: s.obj(
    { pdName: s.str('Disk name.'), fsType, partition: s.int32('Partition number.'), readOnly },
    'A GCE persistent disk.',
    ['pdName'],
  ),
  [V1 + 'AWSElasticBlockStoreVolumeSource']: s.obj(
    { volumeID: s.str('EBS volume ID.'), fsType, partition: s.int32('Partition number.'), readOnly },
    'An AWS EBS volume.',
    ['volumeID'],
  ),
  [V1 + 'GitRepoVolumeSource']: s.obj(
    {
      repository: s.str('Repository URL.'),
      revision: s.str('Commit hash.'),
      directory: s.str('Target directory name.'),
    },
    'A git repository cloned into a directory.',
    ['repository'],
  ),
  [V1 + 'SecretVolumeSource']: s.obj(
    {
      secretName: s.str('Secret name in the pod namespace.'),
      items,
      defaultMode,
      optional: optional('Secret or key'),
    },
    'A Secret projected as files.',
  ),
  [V1 + 'NFSVolumeSource']: s.obj(
    { server: s.str('NFS server host or IP.'), path: s.str('Exported path.'), readOnly },
    'An NFS mount.',
    ['server', 'path'],
  ),
  [V1 + 'ISCSIVolumeSource']: s.obj(iscsiProps(localRef('CHAP secret.')), 'An iSCSI disk.', [
    'targetPortal',
    'iqn',
    'lun',
  ]),
  [V1 + 'ISCSIPersistentVolumeSource']: s.obj(iscsiProps(secretRef('CHAP secret.')), 'An iSCSI disk.', [
    'targetPortal',
    'iqn',
    'lun',
  ]),
  [V1 + 'GlusterfsVolumeSource']: s.obj(glusterProps, 'A Glusterfs mount.', ['endpoints', 'path']),
  [V1 + 'GlusterfsPersistentVolumeSource']: s.obj(
    { ...glusterProps, endpointsNamespace: s.str('Namespace of the endpoints object.') },
    'A Glusterfs mount.',
    ['endpoints', 'path'],
  ),
  [V1 + 'PersistentVolumeClaimVolumeSource']: s.obj(
    { claimName: s.str('PVC name in the pod namespace.'), readOnly },
    'A reference to a PersistentVolumeClaim.',
    ['claimName'],
  ),
  [V1 + 'RBDVolumeSource']: s.obj(rbdProps(localRef('Authentication secret.')), 'A Rados block device.', [
    'monitors',
    'image',
  ]),
  [V1 + 'RBDPersistentVolumeSource']: s.obj(
    rbdProps(secretRef('Authentication secret.')),
    'A Rados block device.',
    ['monitors', 'image'],
  ),
  [V1 + 'FlexVolumeSource']: s.obj(
    flexProps(localRef('Secret passed to the driver.')),
    'A FlexVolume plugin volume.',
    ['driver'],
  ),
  [V1 + 'FlexPersistentVolumeSource']: s.obj(
    flexProps(secretRef('Secret passed to the driver.')),
    'A FlexVolume plugin volume.',
    ['driver'],
  ),
  [V1 + 'CinderVolumeSource']: s.obj(cinderProps(localRef('OpenStack credentials.')), 'A Cinder volume.', [
    'volumeID',
  ]),
  [V1 + 'CinderPersistentVolumeSource']: s.obj(
    cinderProps(secretRef('OpenStack credentials.')),
    'A Cinder volume.',
    ['volumeID'],
  ),
  [V1 + 'CephFSVolumeSource']: s.obj(cephProps(localRef('Authentication secret.')), 'A CephFS mount.', [
    'monitors',
  ]),
  [V1 + 'CephFSPersistentVolumeSource']: s.obj(
    cephProps(secretRef('Authentication secret.')),
    'A CephFS mount.',
    ['monitors'],
  ),
  [V1 + 'FlockerVolumeSource']: s.obj(
    { datasetName: s.str('Dataset name.'), datasetUUID: s.str('Dataset UUID.') },
    'A Flocker dataset.',
  ),
  [V1 + 'DownwardAPIVolumeSource']: s.obj(
    { items: downwardItems, defaultMode },
    'Pod fields projected as files.',
  ),
  [V1 + 'DownwardAPIVolumeFile']: s.obj(
    {
      path: s.str('Relative file path.'),
      fieldRef: core('ObjectFieldSelector', 'Pod field to write.'),
      resourceFieldRef: core('ResourceFieldSelector', 'Container resource to write.'),
      mode: s.int32('File mode bits, 0000 to 0777.'),
    },
    'One file of a downward API volume.',
    ['path'],
  ),
  [V1 + 'FCVolumeSource']: s.obj(
    {
      targetWWNs: s.strList('Target world wide names.'),
      lun: s.int32('Target LUN.'),
      fsType,
      readOnly,
      wwids: s.strList('Volume world wide identifiers.'),
    },
    'A Fibre Channel disk.',
  ),
  [V1 + 'AzureFileVolumeSource']: s.obj(
    { secretName: s.str('Secret with the account name and key.'), shareName: s.str('Share name.'), readOnly },
    'An Azure File share.',
    ['secretName', 'shareName'],
  ),
  [V1 + 'AzureFilePersistentVolumeSource']: s.obj(
    {
      secretName: s.str('Secret with the account name and key.'),
      shareName: s.str('Share name.'),
      readOnly,
      secretNamespace: s.str('Namespace of the secret.'),
    },
    'An Azure File share.',
    ['secretName', 'shareName'],
  ),
  [V1 + 'ConfigMapVolumeSource']: s.obj(
    {
      name: s.str('ConfigMap name in the pod namespace.'),
      items,
      defaultMode,
      optional: optional('ConfigMap or key'),
    },
    'A ConfigMap projected as files.',
  ),
  [V1 + 'VsphereVirtualDiskVolumeSource']: s.obj(
    {
      volumePath: s.str('Path of the disk.'),
      fsType,
      storagePolicyName: s.str('Storage policy name.'),
      storagePolicyID: s.str('Storage policy ID.'),
    },
    'A vSphere disk.',
    ['volumePath'],
  ),
  [V1 + 'QuobyteVolumeSource']: s.obj(
    {
      registry: s.str('Registry services, host:port.'),
      volume: s.str('Volume name.'),
      readOnly,
      user: s.str('User to map access to.'),
      group: s.str('Group to map access to.'),
      tenant: s.str('Tenant owning the volume.'),
    },
    'A Quobyte mount.',
    ['registry', 'volume'],
  ),
  [V1 + 'AzureDiskVolumeSource']: s.obj(
    {
      diskName: s.str('Disk name.'),
      diskURI: s.str('Disk URI.'),
      cachingMode: s.enumOf(['None', 'ReadOnly', 'ReadWrite'], 'Host caching mode.'),
      fsType,
      readOnly,
      kind: s.enumOf(['Dedicated', 'Managed', 'Shared'], 'Disk kind.'),
    },
    'An Azure data disk.',
    ['diskName', 'diskURI'],
  ),
  [V1 + 'PhotonPersistentDiskVolumeSource']: s.obj({ pdID: s.str('Disk ID.'), fsType }, 'A Photon disk.', [
    'pdID',
  ]),
  [V1 + 'ProjectedVolumeSource']: s.obj(
    { sources: listOf('VolumeProjection', 'Sources to combine.'), defaultMode },
    'Several volume sources projected into one directory.',
  ),
  [V1 + 'VolumeProjection']: s.obj(
    {
      secret: core('SecretProjection', 'A Secret.'),
      downwardAPI: core('DownwardAPIProjection', 'Pod fields.'),
      configMap: core('ConfigMapProjection', 'A ConfigMap.'),
      serviceAccountToken: core('ServiceAccountTokenProjection', 'A service account token.'),
    },
    'One source of a projected volume.',
  ),
  [V1 + 'SecretProjection']: s.obj(
    { name: s.str('Secret name.'), items, optional: optional('Secret or key') },
    'A Secret in a projected volume.',
  ),
  [V1 + 'ConfigMapProjection']: s.obj(
    { name: s.str('ConfigMap name.'), items, optional: optional('ConfigMap or key') },
    'A ConfigMap in a projected volume.',
  ),
  [V1 + 'DownwardAPIProjection']: s.obj({ items: downwardItems }, 'Pod fields in a projected volume.'),
  [V1 + 'ServiceAccountTokenProjection']: s.obj(
    {
      audience: s.str('Intended audience of the token; the API server by default.'),
      expirationSeconds: s.int64('Requested validity in seconds; 3600 by default, at least 600.'),
      path: s.str('Relative file path of the token.'),
    },
    'A bound service account token written to a file and refreshed.',
    ['path'],
  ),
  [V1 + 'PortworxVolumeSource']: s.obj(
    { volumeID: s.str('Volume ID.'), fsType, readOnly },
    'A Portworx volume.',
    ['volumeID'],
  ),
  [V1 + 'ScaleIOVolumeSource']: s.obj(scaleIOProps(localRef('Gateway credentials.')), 'A ScaleIO volume.', [
    'gateway',
    'system',
    'secretRef',
  ]),
  [V1 + 'ScaleIOPersistentVolumeSource']: s.obj(
    scaleIOProps(secretRef('Gateway credentials.')),
    'A ScaleIO volume.',
    ['gateway', 'system', 'secretRef'],
  ),
  [V1 + 'StorageOSVolumeSource']: s.obj(storageOSProps(localRef('API credentials.')), 'A StorageOS volume.'),
  [V1 + 'StorageOSPersistentVolumeSource']: s.obj(
    storageOSProps(core('ObjectReference', 'API credentials.')),
    'A StorageOS volume.',
  ),
  [V1 + 'CSIVolumeSource']: s.obj(
    {
      driver: s.str('CSI driver name.'),
      readOnly,
      fsType,
      volumeAttributes: s.strMap('Driver-specific attributes.'),
      nodePublishSecretRef: localRef('Secret passed to the driver on publish.'),
    },
    'An inline ephemeral CSI volume.',
    ['driver'],
  ),
  [V1 + 'CSIPersistentVolumeSource']: s.obj(
    {
      driver: s.str('CSI driver name.'),
      volumeHandle: s.str('Volume ID known to the driver.'),
      readOnly,
      fsType,
      volumeAttributes: s.strMap('Driver-specific attributes.'),
      controllerPublishSecretRef: secretRef('Secret for ControllerPublish.'),
      nodeStageSecretRef: secretRef('Secret for NodeStage.'),
      nodePublishSecretRef: secretRef('Secret for NodePublish.'),
      controllerExpandSecretRef: secretRef('Secret for ControllerExpand.'),
      nodeExpandSecretRef: secretRef('Secret for NodeExpand.'),
    },
    'A persistent volume from a CSI driver.',
    ['driver', 'volumeHandle'],
  ),
  [V1 + 'LocalVolumeSource']: s.obj(
    { path: s.str('Full path on the node.'), fsType },
    'A local disk, partition or directory.',
    ['path'],
  ),
  [V1 + 'EphemeralVolumeSource']: s.obj(
    { volumeClaimTemplate: core('PersistentVolumeClaimTemplate', 'Template of the PVC to create.') },
    'A volume backed by a PVC that exists only while the pod does.',
  ),
  [V1 + 'PersistentVolumeClaimTemplate']: s.obj(
    {
      metadata: meta('ObjectMeta', 'Labels and annotations copied to the PVC.'),
      spec: core('PersistentVolumeClaimSpec', 'Spec of the PVC.'),
    },
    'A template for a PersistentVolumeClaim.',
    ['spec'],
  ),
};
