/**
 * The stage engine: for each pod it is shown, find the first stage whose selector matches and
 * schedule that stage's next step after the stage's delay (plus jitter) on one shared TimerHeap.
 * When the timer fires it re-reads the pod, checks the stage still applies, and hands the pod to
 * `apply` (which writes the status or deletes). A pod shown again while its stage is pending keeps
 * its original due time; a pod whose state moved on gets the new stage. After each apply the
 * engine looks at the latest pod again, because the watch event caused by the write may have
 * arrived while the write was still in flight (if it has not, that event will). Failed applies are retried after `retryMs`.
 */
import type { Clock } from '../../client/clock.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { podKey, type RPod } from '../../scheduler/types.ts';
import { parseDuration } from './duration.ts';
import { stageMatches, type Stage } from './stages.ts';
import { TimerHeap } from './timer-heap.ts';

export interface StageEngineOptions {
  stages: Stage[];
  clock: Clock;
  /** The latest known pod for a key (the informer's lister). */
  get(key: string): RPod | undefined;
  /** Performs a stage's next step on the pod. */
  apply(pod: RPod, stage: Stage): Promise<void>;
  /**
   * Whether `stage` may apply to `pod` now besides its selector (default: always). A pod a gate
   * turned away is looked at again only when shown again.
   */
  allowed?(pod: RPod, stage: Stage): boolean;
  log: ClientLogger;
  /** 0..1 source for jitter (default Math.random). */
  random?: () => number;
  retryMs?: number;
}

/** The delay of `stage` for `pod` in ms, jitter included. */
export function stageDelay(stage: Stage, pod: RPod, random: () => number = Math.random): number {
  let ms = stage.delay.durationMs;
  const from = stage.delay.durationFromAnnotation;
  const text = from ? pod.metadata.annotations?.[from] : undefined;
  if (text !== undefined) {
    try {
      ms = parseDuration(text);
    } catch {
      // A malformed annotation falls back to the stage's own duration.
    }
  }
  return ms + random() * (stage.delay.jitterMs ?? 0);
}

export class StageEngine {
  private readonly o: StageEngineOptions;
  private readonly timers: TimerHeap;
  /** key → `uid/stage` of the pending step, so repeats do not restart the delay. */
  private readonly pending = new Map<string, string>();
  private readonly inflight = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(opts: StageEngineOptions) {
    this.o = opts;
    this.timers = new TimerHeap(opts.clock);
  }

  /** Pods with a step scheduled. */
  get scheduled(): number {
    return this.timers.size;
  }

  /** Looks at a pod (added or changed) and schedules its next step, if any. */
  observe(pod: RPod): void {
    if (this.stopped) return;
    const key = podKey(pod);
    if (this.inflight.has(key)) return;
    const allowed = this.o.allowed;
    const stage = this.o.stages.find((s) => stageMatches(s, pod) && (!allowed || allowed(pod, s)));
    if (!stage) {
      this.forget(key);
      return;
    }
    const id = `${pod.metadata.uid ?? ''}/${stage.name}`;
    if (this.pending.get(key) === id && this.timers.has(key)) return;
    this.pending.set(key, id);
    this.timers.schedule(key, stageDelay(stage, pod, this.o.random), () => this.fire(key, stage, id));
  }

  /** The pod is gone: drop its pending step. */
  forget(key: string): void {
    this.pending.delete(key);
    this.timers.cancel(key);
  }

  /** Stops timers; resolves when steps in flight have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.stop();
    await Promise.allSettled([...this.inflight.values()]);
  }

  /** Resolves when steps in flight have finished (for tests). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight.values()]);
  }

  private fire(key: string, stage: Stage, id: string): void {
    this.pending.delete(key);
    const pod = this.o.get(key);
    if (
      !pod ||
      `${pod.metadata.uid ?? ''}/${stage.name}` !== id ||
      !stageMatches(stage, pod) ||
      (this.o.allowed && !this.o.allowed(pod, stage))
    ) {
      if (pod) this.observe(pod);
      return;
    }
    const run = (async () => {
      let ok = true;
      try {
        await this.o.apply(pod, stage);
      } catch (err) {
        ok = false;
        this.o.log.warn({ err, pod: key, stage: stage.name }, 'simulated pod step failed; retrying');
      } finally {
        this.inflight.delete(key);
      }
      if (this.stopped) return;
      const latest = this.o.get(key);
      if (!latest) return;
      // Same resourceVersion: our write's event has not arrived yet; it will call observe.
      if (ok) {
        if (latest.metadata.resourceVersion !== pod.metadata.resourceVersion) this.observe(latest);
      } else {
        this.pending.set(key, id);
        this.timers.schedule(key, this.o.retryMs ?? 1000, () => this.fire(key, stage, id));
      }
    })();
    this.inflight.set(key, run);
  }
}
