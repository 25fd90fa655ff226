/**
 * Size-based rotation of container logs, as the kubelet's container log manager does: a running
 * container's log file above `maxBytes` is renamed to `<file>.<UTC timestamp>`, the runtime is told
 * to reopen its log (CRI ReopenContainerLog, which creates a fresh file under the old name), and
 * rotated files beyond `maxFiles - 1` are removed, oldest first. `kubectl logs` reads the current
 * file; a follower notices the new file and carries on in it (see log-reader.ts).
 */
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ClientLogger } from '../../client/logger.ts';
import type { RuntimeService } from '../cri/service.ts';
import { labelNode } from '../pods/labels.ts';

export interface LogRotationOptions {
  cri: RuntimeService;
  nodeName: string;
  log: ClientLogger;
  /** Rotate above this size (10 MiB, the kubelet's containerLogMaxSize). */
  maxBytes?: number;
  /** Files kept per container, the current one included (5, containerLogMaxFiles). */
  maxFiles?: number;
  /** How often logs are looked at (10 s). */
  intervalMs?: number;
}

/** The name a rotated log gets: a sortable UTC time stamp after the file's own name. */
export function rotatedName(path: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.(\d{3})Z$/, '-$1');
  return `${path}.${stamp}`;
}

export class LogRotator {
  private readonly o: LogRotationOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(o: LogRotationOptions) {
    this.o = o;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.rotateAll()
        .catch((err: unknown) => this.o.log.warn({ err }, 'container log rotation failed'))
        .finally(() => (this.running = undefined));
    }, this.o.intervalMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the node's running containers. */
  async rotateAll(now = new Date()): Promise<void> {
    const max = this.o.maxBytes ?? 10 * 1024 * 1024;
    const containers = await this.o.cri.listContainers({
      state: { state: 'CONTAINER_RUNNING' },
      label_selector: { [labelNode]: this.o.nodeName },
    });
    for (const c of containers) {
      const path = (await this.o.cri.containerStatus(c.id).catch(() => undefined))?.status?.log_path;
      if (!path) continue;
      const size = (await stat(path).catch(() => undefined))?.size ?? 0;
      if (size <= max) continue;
      await rename(path, rotatedName(path, now));
      await this.o.cri.reopenContainerLog(c.id);
      await this.prune(path);
    }
  }

  /** Removes the oldest rotated files beyond the limit. */
  private async prune(path: string): Promise<void> {
    const keep = Math.max(0, (this.o.maxFiles ?? 5) - 1);
    const base = basename(path);
    const rotated = (await readdir(dirname(path))).filter((f) => f.startsWith(`${base}.`)).sort();
    for (const f of rotated.slice(0, Math.max(0, rotated.length - keep)))
      await rm(join(dirname(path), f), { force: true });
  }
}
