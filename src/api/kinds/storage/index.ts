/** storage.k8s.io/v1: StorageClass, CSIDriver, CSINode, VolumeAttachment. */
import type { GroupModule } from '../types.ts';
import { csiDriver } from './csidriver.ts';
import { csiNode } from './csinode.ts';
import { definitions } from './definitions.ts';
import { storageClass } from './storageclass.ts';
import { volumeAttachment } from './volumeattachment.ts';

export const module: GroupModule = {
  kinds: [storageClass, csiDriver, csiNode, volumeAttachment],
  definitions,
};

export { storageClassNameCell } from './storageclass.ts';
