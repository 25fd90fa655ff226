/**
 * What one sync of one Job works with: the clients and bookkeeping shared by every sync (JobDeps)
 * and the per-sync state computed from the Job and its pods (SyncState), which the steps —
 * manage pods, decide the outcome, track finished pods — read and update in turn.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { EventRecorder } from '../../client/events.ts';
import type { Expectations } from '../replicaset/expectations.ts';
import type { BackoffTimes } from './backoff.ts';
import type { FinalizerExpectations } from './finalizer-expectations.ts';
import type { IndexSet } from './indexes.ts';
import type { Job, JobCondition, Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** Most pods created or deleted, and most finished pods counted, in one sync of one Job. */
export const maxPodChangesPerSync = 500;
export const maxUncountedPods = 500;

export interface JobDeps {
  pods: ResourceClient<Pod>;
  jobs: ResourceClient<Job>;
  recorder: EventRecorder;
  /** Pod creations/deletions not yet seen by the informer, per Job key. */
  expectations: Expectations;
  finalizerExpectations: FinalizerExpectations;
  clock: Clock;
  backoff: BackoffTimes;
  /** Look at the Job again after `ms` (the earliest request wins). */
  requeueAfter(key: string, ms: number): void;
}

export interface SyncState {
  key: string;
  /** A private copy of the Job; its status is what gets written. */
  job: Job;
  /** Every pod the Job owns (claimed), finished ones included. */
  pods: RO<Pod>[];
  /** Pods counted in status.active (as cached at the start of the sync). */
  activePods: RO<Pod>[];
  active: number;
  ready: number;
  terminating: number;
  /** Pod uids already listed in status.uncountedTerminatedPods when the sync began. */
  uncountedSucceeded: ReadonlySet<string>;
  uncountedFailed: ReadonlySet<string>;
  /** Pods whose finalizer removal is not yet visible in the cache (already counted). */
  expectedRemovals: ReadonlySet<string>;
  succeeded: number;
  failed: number;
  /** Indexed Jobs: indexes counted in status before this sync, and now. */
  prevSucceededIndexes?: IndexSet;
  succeededIndexes?: IndexSet;
  /** backoffLimitPerIndex: indexes that ran out of retries. */
  failedIndexes?: IndexSet;
  /**
   * The outcome decided so far: FailureTarget / SuccessCriteriaMet when first decided in this sync,
   * Failed / Complete when an earlier sync decided it and only the terminal condition is pending.
   */
  finished?: JobCondition;
}
