/**
 * The controller manager: runs a list of controllers while, and only while, this process holds the
 * `kube-controller-manager` Lease in kube-system. Each term of leadership gets a fresh informer
 * factory and an AbortSignal: every controller registers its handlers in `start(ctx)`, then the
 * informers start and sync. When leadership ends (lost, or `stop`) the signal aborts, controllers
 * stop, informers shut down, event recorders flush — and, unless stopped, the manager campaigns again.
 */
import { hostname } from 'node:os';
import type { Client } from '../client/client.ts';
import { realClock, type Clock } from '../client/clock.ts';
import { EventRecorder } from '../client/events.ts';
import { informerFactory } from '../client/informer.ts';
import { LeaderElector } from '../client/leader-election.ts';
import { stderrLogger, type ClientLogger } from '../client/logger.ts';
import type { Controller, ControllerContext } from './types.ts';

export interface LeaseOptions {
  namespace?: string;
  name?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ControllerManagerOptions {
  /** The manager's own client: leader election and the shared informers. */
  client: Client;
  /**
   * The client a controller writes (and records events) through, by Controller.name — its own
   * identity, as --use-service-account-credentials gives each controller; `client` unless told.
   */
  clientFor?: (controllerName: string) => Client;
  controllers: Controller[];
  log?: ClientLogger;
  clock?: Clock;
  /** This candidate's identity; hostname + pid unless told. */
  identity?: string;
  lease?: LeaseOptions;
  /** Resync period of the shared informers (default 0: never). */
  resyncPeriodMs?: number;
}

/** The identity Kubernetes components customarily use: host name plus something unique to the process. */
export function defaultIdentity(): string {
  return `${hostname()}_${process.pid}`;
}

/** One term of leadership: what must be torn down when it ends. */
interface Term {
  abort: AbortController;
  done: Promise<void>;
}

/** Runs controllers behind leader election. */
export class ControllerManager {
  private readonly o: ControllerManagerOptions;
  private readonly log: ClientLogger;
  private readonly clock: Clock;
  readonly identity: string;
  private elector: LeaderElector | undefined;
  private term: Term | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private runningNow = false;
  private readonly runningWaiters: (() => void)[] = [];

  constructor(o: ControllerManagerOptions) {
    this.o = o;
    this.log = o.log ?? stderrLogger;
    this.clock = o.clock ?? realClock;
    this.identity = o.identity ?? defaultIdentity();
  }

  /** Starts campaigning for the lease; returns at once. */
  start(): void {
    if (this.stopped) throw new Error('controller manager: start after stop');
    this.loop ??= this.campaign();
  }

  /** True while controllers run (leader, informers synced). */
  isRunning(): boolean {
    return this.runningNow;
  }

  /** Resolves once controllers run (for tests and start-up logs); never rejects. */
  whenRunning(): Promise<void> {
    if (this.runningNow) return Promise.resolve();
    return new Promise((r) => this.runningWaiters.push(r));
  }

  /** Stops controllers first, then releases the lease (so a successor never overlaps a running term). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.term?.abort.abort();
    await this.term?.done;
    await this.elector?.stop();
    await this.loop;
  }

  private async campaign(): Promise<void> {
    const l = this.o.lease ?? {};
    while (!this.stopped) {
      const elector = new LeaderElector({
        client: this.o.client,
        namespace: l.namespace ?? 'kube-system',
        name: l.name ?? 'kube-controller-manager',
        identity: this.identity,
        leaseDurationMs: l.leaseDurationMs,
        renewDeadlineMs: l.renewDeadlineMs,
        retryPeriodMs: l.retryPeriodMs,
        clock: this.clock,
        logger: this.log,
        callbacks: {
          onStartedLeading: (signal) => {
            const abort = new AbortController();
            signal.addEventListener('abort', () => abort.abort(), { once: true });
            this.term = { abort, done: this.lead(abort.signal) };
          },
          onStoppedLeading: () => this.term?.abort.abort(),
          onNewLeader: (id) =>
            this.log.info({ leader: id, identity: this.identity }, 'new controller-manager leader'),
        },
      });
      this.elector = elector;
      await elector.run();
      await this.term?.done;
      this.term = undefined;
      if (!this.stopped)
        this.log.warn({ identity: this.identity }, 'controller manager lost leadership; campaigning again');
    }
  }

  /** One term: start controllers and informers, wait for the end, tear everything down. */
  private async lead(signal: AbortSignal): Promise<void> {
    const informers = informerFactory(this.o.client, {
      clock: this.clock,
      logger: this.log,
      resyncPeriodMs: this.o.resyncPeriodMs,
    });
    const recorders: EventRecorder[] = [];
    // One context per controller: the informers are shared, the client (and so the identity its
    // writes and events carry) is the controller's own.
    const contextFor = (c: Controller): ControllerContext => {
      const client = this.o.clientFor?.(c.name) ?? this.o.client;
      const mine = new Map<string, EventRecorder>();
      return {
        client,
        informers,
        log: this.log,
        clock: this.clock,
        signal,
        recorder: (component) => {
          let r = mine.get(component);
          if (!r) {
            r = new EventRecorder({ client, component, clock: this.clock, logger: this.log });
            mine.set(component, r);
            recorders.push(r);
          }
          return r;
        },
      };
    };
    const started: Controller[] = [];
    try {
      for (const c of this.o.controllers) {
        if (signal.aborted) break;
        try {
          await c.start(contextFor(c));
          started.push(c);
        } catch (err) {
          this.log.error(
            { err, controller: c.name },
            'controller failed to start; the others run without it',
          );
        }
      }
      if (!signal.aborted) {
        informers.start();
        if (await informers.waitForCacheSync(signal)) {
          this.runningNow = true;
          this.log.info(
            { controllers: started.map((c) => c.name), identity: this.identity },
            'controllers running',
          );
          for (const w of this.runningWaiters.splice(0)) w();
        }
      }
      if (!signal.aborted)
        await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    } finally {
      this.runningNow = false;
      await Promise.all(
        started.map((c) =>
          c
            .stop()
            .catch((err: unknown) =>
              this.log.error({ err, controller: c.name }, 'controller failed to stop cleanly'),
            ),
        ),
      );
      await informers.shutdown();
      await Promise.all(recorders.map((r) => r.flush()));
    }
  }
}
