/**
 * Expectations (client-go's ControllerExpectations / UIDTrackingControllerExpectations): after a
 * controller creates or deletes pods it must not act again on the same owner until its informer
 * has seen those changes, or a lagging cache would make it create (or delete) the same pods twice.
 * Per owner key it records how many creations are still unobserved and which pod keys it asked to
 * delete. The owner is "satisfied" when both are drained — or when the record is older than the
 * TTL, so a lost watch event can delay a controller but never wedge it.
 */
import type { Clock } from '../../client/clock.ts';

/** How long an unfulfilled expectation blocks before it is ignored (Kubernetes: 5 minutes). */
export const expectationsTimeoutMs = 5 * 60 * 1000;

interface Record {
  adds: number;
  deletes: Set<string>;
  at: number;
}

/** Pending creates and deletes per owner key. */
export class Expectations {
  private readonly byOwner = new Map<string, Record>();
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(clock: Clock, ttlMs = expectationsTimeoutMs) {
    this.clock = clock;
    this.ttlMs = ttlMs;
  }

  /** True when the owner may be synced: nothing pending, no record, or the record expired. */
  satisfied(ownerKey: string): boolean {
    const r = this.byOwner.get(ownerKey);
    if (!r) return true;
    if (r.adds <= 0 && r.deletes.size === 0) return true;
    return this.clock.now() - r.at > this.ttlMs;
  }

  /** Records that `count` pods are about to be created (replacing any earlier record). */
  expectCreations(ownerKey: string, count: number): void {
    this.byOwner.set(ownerKey, { adds: count, deletes: new Set(), at: this.clock.now() });
  }

  /** Records that the pods with these keys are about to be deleted (replacing any earlier record). */
  expectDeletions(ownerKey: string, podKeys: readonly string[]): void {
    this.byOwner.set(ownerKey, { adds: 0, deletes: new Set(podKeys), at: this.clock.now() });
  }

  /** One creation was seen by the informer, or will never happen (the create failed or was skipped). */
  creationObserved(ownerKey: string): void {
    const r = this.byOwner.get(ownerKey);
    if (r && r.adds > 0) r.adds--;
  }

  /**
   * The deletion of `podKey` was seen (or failed). Tracking keys rather than a counter makes a pod
   * that is first marked for deletion and later removed count once.
   */
  deletionObserved(ownerKey: string, podKey: string): void {
    this.byOwner.get(ownerKey)?.deletes.delete(podKey);
  }

  /** Forgets the owner (it was deleted). */
  delete(ownerKey: string): void {
    this.byOwner.delete(ownerKey);
  }

  /** Pending counts, for tests and logs. */
  pending(ownerKey: string): { adds: number; deletes: number } | undefined {
    const r = this.byOwner.get(ownerKey);
    return r && { adds: r.adds, deletes: r.deletes.size };
  }
}
