/**
 * Expectations for a DaemonSet sync that may create and delete pods in the same pass (a node joins
 * while another leaves; a surge creates on one node and deletes on another). It pairs two of the
 * ReplicaSet controller's Expectations — one counting creations, one tracking deleted pod keys —
 * and is satisfied only when both are (or have expired), so a lagging pod cache never makes the
 * controller act twice on the same node.
 */
import type { Clock } from '../../client/clock.ts';
import { Expectations } from '../replicaset/expectations.ts';

export class DaemonSetExpectations {
  private readonly creations: Expectations;
  private readonly deletions: Expectations;

  constructor(clock: Clock) {
    this.creations = new Expectations(clock);
    this.deletions = new Expectations(clock);
  }

  /** True when the DaemonSet may be synced: nothing from the last writes is still unobserved. */
  satisfied(dsKey: string): boolean {
    return this.creations.satisfied(dsKey) && this.deletions.satisfied(dsKey);
  }

  /** Records the writes about to happen, replacing any earlier record. */
  expect(dsKey: string, creations: number, deletedPodKeys: readonly string[]): void {
    this.creations.expectCreations(dsKey, creations);
    this.deletions.expectDeletions(dsKey, deletedPodKeys);
  }

  creationObserved(dsKey: string): void {
    this.creations.creationObserved(dsKey);
  }

  deletionObserved(dsKey: string, podKey: string): void {
    this.deletions.deletionObserved(dsKey, podKey);
  }

  delete(dsKey: string): void {
    this.creations.delete(dsKey);
    this.deletions.delete(dsKey);
  }

  /** Pending counts, for tests and logs. */
  pending(dsKey: string): { adds: number; deletes: number } {
    return {
      adds: this.creations.pending(dsKey)?.adds ?? 0,
      deletes: this.deletions.pending(dsKey)?.deletes ?? 0,
    };
  }
}
