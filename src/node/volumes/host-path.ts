/**
 * hostPath volumes: the path on the node, checked (or created) by its type —
 * '' (no check), DirectoryOrCreate (mkdir -p, 0755), Directory, FileOrCreate (an empty 0644 file,
 * parents created), File, Socket, CharDevice, BlockDevice.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { VolumeError } from './payload.ts';

/** Checks or prepares `path` for hostPath type `type`; throws VolumeError with kubelet's wording. */
export function prepareHostPath(path: string, type = ''): void {
  const st = existsSync(path) ? statSync(path) : undefined;
  switch (type) {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!st) mkdirSync(path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory())
        throw new VolumeError(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'Directory':
      if (!st?.isDirectory()) throw new VolumeError(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'FileOrCreate':
      if (!st) {
        mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
        closeSync(openSync(path, 'a', 0o644));
      } else if (!st.isFile()) throw new VolumeError(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'File':
      if (!st?.isFile()) throw new VolumeError(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'Socket':
      if (!st?.isSocket()) throw new VolumeError(`hostPath type check failed: ${path} is not a socket file`);
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice())
        throw new VolumeError(`hostPath type check failed: ${path} is not a character device`);
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice())
        throw new VolumeError(`hostPath type check failed: ${path} is not a block device`);
      return;
    default:
      throw new VolumeError(`unknown hostPath type ${JSON.stringify(type)}`);
  }
}
