/**
 * Which revision background compaction may drop history up to. kube-apiserver compacts etcd every
 * five minutes to the revision it saw at the previous tick, so whatever a client read at revision R
 * stays readable (a paginated LIST's continue token, a watch resumed from R) for one to two
 * intervals however busy the cluster is. A fixed count of revisions alone does not promise that: on
 * a busy cluster 1,000 revisions pass in a second and a `kubectl get pods` page two answered 410.
 * The window keeps both: everything since the previous tick and at least `keep` revisions.
 */
export class CompactionWindow {
  readonly #keep: number;
  #previousTick: number;

  /** `startRevision`: the store's revision when the timer starts (the first tick's "previous"). */
  constructor(keep: number, startRevision: number) {
    this.#keep = keep;
    this.#previousTick = startRevision;
  }

  /**
   * Called at each tick with the current revision: the revision to compact to (0 when nothing
   * may go yet). Remembers `current` as the next tick's floor.
   */
  tick(current: number): number {
    const target = Math.min(current - this.#keep, this.#previousTick);
    this.#previousTick = current;
    return Math.max(0, target);
  }
}
