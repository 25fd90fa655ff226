/**
 * The storage controllers `berth server` runs, as one entry for the controller manager: the
 * PersistentVolume binder, the local-path provisioner and PVC/PV in-use protection.
 */
import { localPathController, type LocalPathOptions } from '../localpath/controller.ts';
import { volumeProtectionController } from '../volumeprotection/controller.ts';
import type { Controller } from '../types.ts';
import { persistentVolumeController } from './controller.ts';

export function volumeControllers(o: { localPath?: LocalPathOptions } = {}): Controller[] {
  return [persistentVolumeController(), localPathController(o.localPath), volumeProtectionController()];
}
