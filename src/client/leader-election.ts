/**
 * Leader election on a coordination.k8s.io/v1 Lease. Every candidate loops: read the Lease, and
 * take it if it is free (no holder), expired, or already ours, by writing it back with the
 * resourceVersion that was read — a compare-and-swap, so of two candidates racing for one expiry
 * exactly one write succeeds and the other gets 409 Conflict. Expiry is judged by the candidate's
 * own clock from when it last *saw the record change*, not from the holder's renewTime, so clock
 * skew between machines does not matter. The leader renews every retry period and gives up
 * (onStoppedLeading) if it cannot renew within the renew deadline; on stop it releases the Lease
 * (empty holder) so a successor can take over at once.
 */
import type { KubeObject } from '../api/object.ts';
import type { Client, ResourceClient } from './client.ts';
import { realClock, sleep, type Clock } from './clock.ts';
import { stderrLogger, type ClientLogger } from './logger.ts';
import { isAlreadyExists, isConflict, isNotFound } from './status.ts';

/** The spec of a Lease, as leader election writes it. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderCallbacks {
  /** Called when this candidate becomes leader; `signal` aborts when leadership ends. */
  onStartedLeading(signal: AbortSignal): void;
  /** Called once leadership ends (lost, or released on stop). */
  onStoppedLeading(): void;
  /** Called when the observed holder changes (including to this candidate). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionOptions {
  client: Client;
  namespace: string;
  name: string;
  /** This candidate's unique identity (hostname + random suffix is customary). */
  identity: string;
  /** How long a non-renewed lease stays valid (default 15 s; written in whole seconds, ≥ 1). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before giving up (default 10 s; < leaseDuration). */
  renewDeadlineMs?: number;
  /** Pause between attempts (default 2 s). */
  retryPeriodMs?: number;
  /** Release the lease on stop (default true). */
  releaseOnCancel?: boolean;
  callbacks: LeaderCallbacks;
  clock?: Clock;
  logger?: ClientLogger;
}

/** Lease times are MicroTime: RFC 3339 with six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** One candidate. `run` campaigns until stopped or until leadership is lost. */
export class LeaderElector {
  private readonly o: LeaderElectionOptions;
  private readonly leases: ResourceClient<Lease>;
  private readonly clock: Clock;
  private readonly log: ClientLogger;
  private readonly stopSignal = new AbortController();
  private observed: Lease | undefined;
  private observedRaw = '';
  private observedAt = 0;
  private leading: AbortController | undefined;
  private reportedLeader = '';
  private running: Promise<void> | undefined;

  constructor(opts: LeaderElectionOptions) {
    const lease = opts.leaseDurationMs ?? 15_000;
    const renew = opts.renewDeadlineMs ?? 10_000;
    if (renew >= lease) throw new Error('leader election: renewDeadline must be shorter than leaseDuration');
    if (!opts.identity) throw new Error('leader election: identity is required');
    this.o = opts;
    this.leases = opts.client.resource<Lease>('coordination.k8s.io', 'v1', 'leases');
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? stderrLogger;
  }

  private get leaseMs(): number {
    return this.o.leaseDurationMs ?? 15_000;
  }

  private get retryMs(): number {
    return this.o.retryPeriodMs ?? 2_000;
  }

  /** True while this candidate holds the lease (as of its last successful write). */
  isLeader(): boolean {
    return this.leading !== undefined;
  }

  /** The holder last observed ('' when none). */
  getLeader(): string {
    return this.observed?.spec?.holderIdentity ?? '';
  }

  /** Campaigns, leads, and resolves when leadership is lost or `stop` is called. */
  run(): Promise<void> {
    this.running ??= this.campaign();
    return this.running;
  }

  /** Stops campaigning; a leader releases the lease (unless releaseOnCancel is false). */
  async stop(): Promise<void> {
    this.stopSignal.abort();
    await this.running;
  }

  private get stopped(): boolean {
    return this.stopSignal.signal.aborted;
  }

  private async campaign(): Promise<void> {
    // Acquire: retry until we hold the lease or are stopped.
    while (!this.stopped && !(await this.tryAcquireOrRenew()))
      await sleep(this.clock, this.retryMs, this.stopSignal.signal);
    if (this.stopped) return;
    const leading = new AbortController();
    this.leading = leading;
    this.callback('onStartedLeading', () => this.o.callbacks.onStartedLeading(leading.signal));
    // Renew: each round must succeed within renewDeadline, else leadership is lost.
    const deadlineMs = this.o.renewDeadlineMs ?? 10_000;
    while (!this.stopped) {
      await sleep(this.clock, this.retryMs, this.stopSignal.signal);
      if (this.stopped) break;
      const start = this.clock.now();
      let renewed = false;
      while (!this.stopped && this.clock.now() - start < deadlineMs) {
        if ((renewed = await this.tryAcquireOrRenew())) break;
        await sleep(this.clock, Math.min(this.retryMs, deadlineMs), this.stopSignal.signal);
      }
      if (!renewed && !this.stopped) {
        this.log.warn(
          { lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity },
          'failed to renew lease; leadership lost',
        );
        break;
      }
    }
    if (this.stopped && this.o.releaseOnCancel !== false) await this.release();
    this.leading = undefined;
    leading.abort();
    this.callback('onStoppedLeading', () => this.o.callbacks.onStoppedLeading());
  }

  /** One attempt to take or renew the lease; true when this candidate holds it afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const mine: LeaseSpec = {
      holderIdentity: this.o.identity,
      leaseDurationSeconds: Math.max(1, Math.round(this.leaseMs / 1000)),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    let current: Lease;
    try {
      current = await this.leases.get(this.o.namespace, this.o.name);
    } catch (err) {
      if (!isNotFound(err)) return this.failed(err, 'get');
      try {
        const created = await this.leases.create(this.o.namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.o.name, namespace: this.o.namespace },
          spec: mine,
        });
        this.observe(created, now);
        return true;
      } catch (err2) {
        return isAlreadyExists(err2) ? false : this.failed(err2, 'create');
      }
    }
    this.observe(current, now);
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const held = holder !== '' && holder !== this.o.identity;
    const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    if (held && this.observedAt + durationMs > now) return false;
    if (holder === this.o.identity) {
      mine.acquireTime = spec.acquireTime ?? mine.acquireTime;
      mine.leaseTransitions = spec.leaseTransitions ?? 0;
    } else {
      mine.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
    }
    try {
      // The resourceVersion we read makes this a compare-and-swap.
      const updated = await this.leases.update(this.o.namespace, { ...current, spec: mine });
      this.observe(updated, now);
      return true;
    } catch (err) {
      return isConflict(err) ? false : this.failed(err, 'update');
    }
  }

  /** Gives the lease up (empty holder, 1 s duration) if we still hold it. */
  private async release(): Promise<void> {
    const cur = this.observed;
    if (!cur || cur.spec?.holderIdentity !== this.o.identity) return;
    const now = this.clock.now();
    const spec: LeaseSpec = {
      leaseDurationSeconds: 1,
      leaseTransitions: cur.spec.leaseTransitions ?? 0,
      renewTime: microTime(now),
      acquireTime: microTime(now),
    };
    try {
      this.observe(await this.leases.update(this.o.namespace, { ...cur, spec }), now);
    } catch (err) {
      this.failed(err, 'release');
    }
  }

  /** Remembers the record and, when it changed, when we saw it change (expiry runs from then). */
  private observe(lease: Lease, now: number): void {
    const raw = JSON.stringify(lease.spec ?? {});
    if (raw !== this.observedRaw) {
      this.observedRaw = raw;
      this.observedAt = now;
    }
    this.observed = lease;
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      if (holder !== '' && this.o.callbacks.onNewLeader)
        this.callback('onNewLeader', () => this.o.callbacks.onNewLeader?.(holder));
    }
  }

  private failed(err: unknown, op: string): false {
    this.log.warn(
      { err, op, lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity },
      'lease operation failed',
    );
    return false;
  }

  private callback(name: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err, callback: name, identity: this.o.identity }, 'leader election callback threw');
    }
  }
}
