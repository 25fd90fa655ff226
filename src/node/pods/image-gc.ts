/**
 * Image garbage collection, as kubelet's image GC manager does it: every `periodMs` (default 5 min)
 * the agent looks at the image filesystem; when its usage is at or above `highThresholdPercent`
 * (default 85) it removes images no container uses — least recently used first, then the oldest
 * detected — until usage would be below `lowThresholdPercent` (default 80). It never removes an
 * image a container (running or exited) or sandbox references, a pinned image (the CRI `pinned`
 * flag), or one named in `keep` (the pause image). When it cannot free enough it records a Warning
 * Event `FreeDiskSpaceFailed` on the Node; when the runtime fails it records `ImageGCFailed`.
 * "Last used" is the last time a GC pass saw a container using the image (or its first detection).
 *
 *   const gc = new ImageGC({ cri, usage: criImageFsUsage(cri), keep: [PAUSE_REF], events });
 *   await gc.garbageCollect(); // once; or gc.start() for a pass every periodMs
 */
import { statfs } from 'node:fs/promises';
import type { Clock, ClockTimer } from '../../client/clock.ts';
import type { EventRecorder } from '../../client/events.ts';
import type { ClientLogger } from '../../client/logger.ts';
import type { Cri } from '../cri/service.ts';
import type { Image } from '../cri/types.ts';

/** The image filesystem's size and free space, in bytes. */
export interface FsUsage {
  capacityBytes: number;
  availableBytes: number;
}

/** Where the GC reads the image filesystem's usage (tests pass a fake). */
export type FsUsageSource = () => Promise<FsUsage>;

/** The image filesystem of the runtime (CRI ImageFsInfo's mountpoint), measured with statfs. */
export function criImageFsUsage(cri: Pick<Cri, 'imageFsInfo'>): FsUsageSource {
  return async () => {
    const info = await cri.imageFsInfo();
    const mount = info.image_filesystems[0]?.fs_id?.mountpoint;
    // No image filesystem reported (a fake runtime): nothing to measure, nothing to collect.
    if (!mount) return { capacityBytes: 0, availableBytes: 0 };
    const s = await statfs(mount);
    return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
  };
}

export interface ImageGCOptions {
  cri: Cri;
  usage: FsUsageSource;
  clock: Clock;
  /** Start removing at this usage (percent, default 85; 100 disables GC). */
  highThresholdPercent?: number;
  /** Remove until usage is below this (percent, default 80). */
  lowThresholdPercent?: number;
  /** Image references never removed (the pause image). */
  keep?: readonly string[];
  /** Time between passes (default 5 min). */
  periodMs?: number;
  /** The Node that Events about GC name. */
  nodeName?: string;
  events?: EventRecorder;
  log?: ClientLogger;
}

/** What one pass did. */
export interface ImageGCResult {
  /** Usage in percent before the pass. */
  usagePercent: number;
  /** Bytes the pass set out to free (0 when under the high threshold). */
  bytesToFree: number;
  freedBytes: number;
  /** Image ids removed, in order. */
  removed: string[];
}

/** Checks the image-gc threshold flags: integers 0..100 with low ≤ high. */
export function validateImageGCThresholds(high: number, low: number): string | undefined {
  const ok = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 100;
  if (!ok(high)) return `--image-gc-high-threshold must be an integer from 0 to 100, got ${high}`;
  if (!ok(low)) return `--image-gc-low-threshold must be an integer from 0 to 100, got ${low}`;
  if (low > high)
    return `--image-gc-low-threshold (${low}) must not be above --image-gc-high-threshold (${high})`;
  return undefined;
}

interface Record_ {
  firstDetected: number;
  lastUsed: number;
}

/** The image garbage collector; see the file comment. */
export class ImageGC {
  private readonly o: ImageGCOptions;
  private readonly seen = new Map<string, Record_>();
  private inUse = new Set<string>();
  private timer: ClockTimer | undefined;
  private stopped = false;

  constructor(o: ImageGCOptions) {
    const err = validateImageGCThresholds(o.highThresholdPercent ?? 85, o.lowThresholdPercent ?? 80);
    if (err) throw new Error(err);
    this.o = o;
  }

  /** Runs a pass every `periodMs` until `stop`. */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.clock.after(this.o.periodMs ?? 5 * 60_000, () => {
      void this.garbageCollect()
        .catch(() => undefined)
        .finally(() => this.schedule());
    });
  }

  /** One pass: frees space when usage is at or above the high threshold. Never throws for GC failures. */
  async garbageCollect(): Promise<ImageGCResult> {
    const high = this.o.highThresholdPercent ?? 85;
    const low = this.o.lowThresholdPercent ?? 80;
    let images: Image[];
    let usage: FsUsage;
    try {
      images = await this.detect();
      usage = await this.o.usage();
    } catch (err) {
      this.warn('ImageGCFailed', `failed to get image filesystem usage or images: ${errText(err)}`);
      throw err;
    }
    const cap = usage.capacityBytes;
    const usagePercent = cap > 0 ? ((cap - usage.availableBytes) * 100) / cap : 0;
    const result: ImageGCResult = { usagePercent, bytesToFree: 0, freedBytes: 0, removed: [] };
    if (high >= 100 || cap <= 0 || usagePercent < high) return result;
    result.bytesToFree = Math.ceil((cap * (100 - low)) / 100 - usage.availableBytes);
    this.o.log?.info(
      { usagePercent: Math.round(usagePercent), high, bytesToFree: result.bytesToFree },
      'image filesystem usage over the high threshold; removing unused images',
    );
    await this.freeSpace(images, result);
    if (result.freedBytes < result.bytesToFree)
      this.warn(
        'FreeDiskSpaceFailed',
        `Failed to garbage collect required amount of images. Attempted to free ${result.bytesToFree} bytes, but only found ${result.freedBytes} bytes eligible to free.`,
      );
    return result;
  }

  /** Lists images and containers, updating first-detected and last-used times; returns the images. */
  private async detect(): Promise<Image[]> {
    const now = this.o.clock.now();
    const [images, containers] = await Promise.all([this.o.cri.listImages(), this.o.cri.listContainers()]);
    const inUse = new Set<string>();
    for (const c of containers) {
      if (c.image?.image) inUse.add(c.image.image);
      if (c.image_ref) inUse.add(c.image_ref);
    }
    const live = new Set<string>();
    for (const img of images) {
      live.add(img.id);
      let rec = this.seen.get(img.id);
      if (!rec) {
        rec = { firstDetected: now, lastUsed: now };
        this.seen.set(img.id, rec);
      }
      if (names(img).some((n) => inUse.has(n))) rec.lastUsed = now;
    }
    for (const id of this.seen.keys()) if (!live.has(id)) this.seen.delete(id);
    this.inUse = inUse;
    return images;
  }

  private async freeSpace(images: Image[], result: ImageGCResult): Promise<void> {
    const keep = new Set(this.o.keep ?? []);
    const candidates = images
      .filter((img) => !img.pinned && !names(img).some((n) => keep.has(n) || this.inUse.has(n)))
      .sort((a, b) => {
        const ra = this.seen.get(a.id)!;
        const rb = this.seen.get(b.id)!;
        return ra.lastUsed - rb.lastUsed || ra.firstDetected - rb.firstDetected;
      });
    for (const img of candidates) {
      if (result.freedBytes >= result.bytesToFree) break;
      try {
        await this.o.cri.removeImage(img.id);
      } catch (err) {
        this.o.log?.warn({ err, image: img.id }, 'removing an unused image failed');
        continue;
      }
      this.seen.delete(img.id);
      result.removed.push(img.id);
      result.freedBytes += Number(img.size) || 0;
      this.o.log?.info({ image: img.repo_tags[0] ?? img.id, size: img.size }, 'removed unused image');
    }
  }

  private warn(reason: string, message: string): void {
    this.o.log?.warn({ reason }, message);
    const node = this.o.nodeName;
    if (!node || !this.o.events) return;
    this.o.events.event(
      { apiVersion: 'v1', kind: 'Node', name: node, uid: node },
      'Warning',
      reason,
      message,
    );
  }
}

/** Every name an image goes by: its id, tags and digests. */
function names(img: Image): string[] {
  return [img.id, ...img.repo_tags, ...img.repo_digests];
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
