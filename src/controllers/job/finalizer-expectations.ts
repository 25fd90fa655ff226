/**
 * Finalizer-removal expectations: the uids of pods whose job-tracking finalizer this controller
 * has removed (or is removing) but whose change the pod informer has not shown yet. A sync skips
 * those pods — their count is already in the Job's status — so a lagging cache can never make a
 * finished pod count twice. An entry goes when the informer shows the pod without the finalizer
 * or gone, or when the removal failed.
 */
export class FinalizerExpectations {
  private readonly byJob = new Map<string, Set<string>>();
  /** pod uid → job key, so pod events can clear entries without resolving the owner. */
  private readonly jobOf = new Map<string, string>();

  /** Records that the finalizers of these pods are being removed. */
  expectRemovals(jobKey: string, uids: readonly string[]): void {
    if (uids.length === 0) return;
    let set = this.byJob.get(jobKey);
    if (!set) this.byJob.set(jobKey, (set = new Set()));
    for (const uid of uids) {
      set.add(uid);
      this.jobOf.set(uid, jobKey);
    }
  }

  /** The removal for `uid` was seen (or will never happen). Returns the job key it belonged to. */
  observed(uid: string): string | undefined {
    const jobKey = this.jobOf.get(uid);
    if (jobKey === undefined) return undefined;
    this.jobOf.delete(uid);
    const set = this.byJob.get(jobKey);
    set?.delete(uid);
    if (set?.size === 0) this.byJob.delete(jobKey);
    return jobKey;
  }

  /** Uids still expected for the Job. */
  expected(jobKey: string): ReadonlySet<string> {
    return this.byJob.get(jobKey) ?? new Set();
  }

  /** Forgets the Job (it was deleted). */
  delete(jobKey: string): void {
    for (const uid of this.byJob.get(jobKey) ?? []) this.jobOf.delete(uid);
    this.byJob.delete(jobKey);
  }
}
