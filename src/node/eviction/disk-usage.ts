/**
 * A pod's use of the node's disk, as the kubelet counts it when ranking pods under DiskPressure
 * (nodefs): each container's writable layer (the runtime's writable_layer reading) plus its log
 * files, and the pod's disk-backed emptyDir volumes (medium Memory is tmpfs, counted as memory).
 * Files are measured by their apparent size, walking directories without following links.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { podLogDir, volumeDir } from '../pods/paths.ts';
import type { RPod } from '../pods/types.ts';

/** One pod's disk usage: per container (writable layer + logs) and its emptyDir volumes. */
export interface PodDiskUsage {
  totalBytes: number;
  containers: { name: string; bytes: number }[];
  volumeBytes: number;
}

/** Bytes under `path` (a file or a directory tree); 0 when it does not exist. */
export async function pathBytes(path: string): Promise<number> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  let names: string[];
  try {
    names = await readdir(path);
  } catch {
    return 0;
  }
  let total = 0;
  for (const n of names) total += await pathBytes(join(path, n));
  return total;
}

/**
 * The pod's disk usage under the agent's `dataDir`; `rootfs` holds the writable-layer bytes of its
 * containers by name (containers the runtime gave no reading for count their logs only).
 */
export async function podDiskUsage(
  dataDir: string,
  pod: RPod,
  rootfs: ReadonlyMap<string, number>,
): Promise<PodDiskUsage> {
  const uid = pod.metadata.uid ?? '';
  const logs = podLogDir(dataDir, pod);
  const names = [
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.ephemeralContainers ?? []),
  ].map((c) => c.name);
  const containers: PodDiskUsage['containers'] = [];
  for (const name of names) {
    const bytes = (rootfs.get(name) ?? 0) + (await pathBytes(join(logs, name)));
    containers.push({ name, bytes });
  }
  let volumeBytes = 0;
  for (const v of pod.spec?.volumes ?? [])
    if (v.emptyDir && v.emptyDir.medium !== 'Memory')
      volumeBytes += await pathBytes(volumeDir(dataDir, uid, 'kubernetes.io~empty-dir', v.name));
  const totalBytes = containers.reduce((n, c) => n + c.bytes, volumeBytes);
  return { totalBytes, containers, volumeBytes };
}
