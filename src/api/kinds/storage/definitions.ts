/**
 * Schemas of storage.k8s.io/v1: StorageClass, CSIDriver, CSINode and VolumeAttachment with the types
 * they hold. Names match Kubernetes' so `kubectl explain` paths read the same.
 */
import { s, type Definitions } from '../../schema/types.ts';
import { kindSchema, listSchema } from '../networking/kind-schema.ts';

const P = 'io.k8s.api.storage.v1.';
const G = 'storage.k8s.io';
const V = 'v1';

export const definitions: Definitions = {
  [P + 'StorageClass']: kindSchema(
    G,
    V,
    'StorageClass',
    'A class of dynamically provisioned persistent volumes and how to make them.',
    {
      provisioner: s.str('Name of the volume plugin that provisions volumes of this class.'),
      parameters: s.strMap('Settings passed to the provisioner.'),
      reclaimPolicy: s.enumOf(
        ['Delete', 'Recycle', 'Retain'],
        'What happens to provisioned volumes when released; Delete by default.',
      ),
      mountOptions: s.strList('Mount options given to provisioned volumes, not validated.'),
      allowVolumeExpansion: s.bool('Whether claims of this class may grow.'),
      volumeBindingMode: s.enumOf(
        ['Immediate', 'WaitForFirstConsumer'],
        'When claims are bound and provisioned; Immediate by default.',
      ),
      allowedTopologies: s.list(
        s.ref('io.k8s.api.core.v1.TopologySelectorTerm'),
        'Topology domains where volumes may be provisioned; any when empty.',
      ),
    },
    ['provisioner'],
  ),
  [P + 'StorageClassList']: listSchema(G, V, 'StorageClass', P + 'StorageClass'),

  [P + 'CSIDriver']: kindSchema(
    G,
    V,
    'CSIDriver',
    'Capabilities of a CSI volume driver installed in the cluster.',
    {
      spec: s.ref(P + 'CSIDriverSpec', 'What the driver supports.'),
    },
    ['spec'],
  ),
  [P + 'CSIDriverList']: listSchema(G, V, 'CSIDriver', P + 'CSIDriver'),
  [P + 'CSIDriverSpec']: s.obj(
    {
      attachRequired: s.bool(
        'Whether volumes need an attach step (VolumeAttachment) before mounting; immutable.',
      ),
      podInfoOnMount: s.bool('Whether the driver receives pod details at mount time.'),
      volumeLifecycleModes: {
        ...s.strList('Volume modes the driver supports: Persistent, Ephemeral; immutable.'),
        'x-kubernetes-list-type': 'set',
      },
      storageCapacity: s.bool('Whether the scheduler should consider the capacity the driver reports.'),
      fsGroupPolicy: s.enumOf(
        ['File', 'None', 'ReadWriteOnceWithFSType'],
        'Whether the driver supports changing volume ownership to the pod fsGroup; immutable.',
      ),
      tokenRequests: s.list(
        s.ref(P + 'TokenRequest'),
        'Service account tokens the kubelet passes to the driver.',
      ),
      requiresRepublish: s.bool('Whether NodePublishVolume is called again periodically.'),
      seLinuxMount: s.bool('Whether the driver supports the SELinux "-o context" mount option.'),
    },
    'Capabilities of a CSI driver.',
  ),
  [P + 'TokenRequest']: s.obj(
    {
      audience: s.str('Audience of the token.'),
      expirationSeconds: s.int64('Lifetime of the token in seconds.'),
    },
    'A service account token the driver wants.',
    ['audience'],
  ),

  [P + 'CSINode']: kindSchema(
    G,
    V,
    'CSINode',
    'The CSI drivers installed on one node; named after the node.',
    {
      spec: s.ref(P + 'CSINodeSpec', 'Drivers on the node.'),
    },
    ['spec'],
  ),
  [P + 'CSINodeList']: listSchema(G, V, 'CSINode', P + 'CSINode'),
  [P + 'CSINodeSpec']: s.obj(
    { drivers: s.mapList(s.ref(P + 'CSINodeDriver'), 'name', 'The CSI drivers on the node.') },
    'CSI drivers on a node.',
    ['drivers'],
  ),
  [P + 'CSINodeDriver']: s.obj(
    {
      name: s.str('Driver name, as in its CSIDriver object.'),
      nodeID: s.str('The node as the driver knows it.'),
      topologyKeys: s.strList('Topology label keys the driver supports.'),
      allocatable: s.ref(P + 'VolumeNodeResources', 'How many volumes of this driver the node can take.'),
    },
    'One CSI driver on a node.',
    ['name', 'nodeID'],
  ),
  [P + 'VolumeNodeResources']: s.obj(
    { count: s.int32('Maximum number of unique volumes of the driver on the node.') },
    'Volume limits of a driver on a node.',
  ),

  [P + 'VolumeAttachment']: kindSchema(
    G,
    V,
    'VolumeAttachment',
    'A request to attach a volume to a node, and its outcome.',
    {
      spec: s.ref(P + 'VolumeAttachmentSpec', 'What to attach where; immutable.'),
      status: s.ref(P + 'VolumeAttachmentStatus', 'Attach and detach outcome.'),
    },
    ['spec'],
  ),
  [P + 'VolumeAttachmentList']: listSchema(G, V, 'VolumeAttachment', P + 'VolumeAttachment'),
  [P + 'VolumeAttachmentSpec']: s.obj(
    {
      attacher: s.str('Name of the CSI driver that attaches the volume.'),
      source: s.ref(P + 'VolumeAttachmentSource', 'The volume to attach.'),
      nodeName: s.str('Node to attach the volume to.'),
    },
    'What to attach and where.',
    ['attacher', 'source', 'nodeName'],
  ),
  [P + 'VolumeAttachmentSource']: s.obj(
    {
      persistentVolumeName: s.str('Name of the persistent volume to attach.'),
      inlineVolumeSpec: s.ref(
        'io.k8s.api.core.v1.PersistentVolumeSpec',
        'An inline volume (migrated from an in-tree plugin).',
      ),
    },
    'The volume of an attachment: a persistent volume or an inline spec.',
  ),
  [P + 'VolumeAttachmentStatus']: s.obj(
    {
      attached: s.bool('Whether the volume is attached.'),
      attachmentMetadata: s.strMap('Details the attacher returns, passed on to mount.'),
      attachError: s.ref(P + 'VolumeError', 'Last attach failure, if any.'),
      detachError: s.ref(P + 'VolumeError', 'Last detach failure, if any.'),
    },
    'Outcome of an attachment.',
    ['attached'],
  ),
  [P + 'VolumeError']: s.obj(
    {
      time: s.ref('io.k8s.apimachinery.pkg.apis.meta.v1.Time', 'When the error happened.'),
      message: s.str('What went wrong.'),
    },
    'An attach or detach failure.',
  ),
};
