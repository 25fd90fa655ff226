/**
 * Where a pod's files live under the agent's data directory, in kubelet's layout:
 *   pods/<uid>/volumes/<plugin>/<volume>          volume directories (emptyDir, configMap, …)
 *   pods/<uid>/etc-hosts                          (reserved)
 *   logs/pods/<namespace>_<name>_<uid>/<container>/<restartCount>.log   CRI log files
 * The log path is what `kubectl logs` reads (src/node/streams), so it is exported from here.
 */
import { join } from 'node:path';
import type { RPod } from './types.ts';

/** Root of every pod's directory. */
export function podsRoot(dataDir: string): string {
  return join(dataDir, 'pods');
}

/** The pod's own directory (volumes live under it). */
export function podDir(dataDir: string, uid: string): string {
  return join(podsRoot(dataDir), uid);
}

/** Directory of one volume of the pod. */
export function volumeDir(dataDir: string, uid: string, plugin: string, volume: string): string {
  return join(podDir(dataDir, uid), 'volumes', plugin, volume);
}

/** Root of every pod's log directory. */
export function podLogsRoot(dataDir: string): string {
  return join(dataDir, 'logs', 'pods');
}

/** The sandbox's log_directory: `<namespace>_<name>_<uid>`. */
export function podLogDir(dataDir: string, pod: Pick<RPod, 'metadata'>): string {
  const m = pod.metadata;
  return join(podLogsRoot(dataDir), `${m.namespace ?? ''}_${m.name ?? ''}_${m.uid ?? ''}`);
}

/** A container's log file relative to the pod log directory: `<container>/<restartCount>.log`. */
export function containerLogPath(container: string, restartCount: number): string {
  return `${container}/${restartCount}.log`;
}
