/**
 * The Job controller: runs each Job's pods to completion (see sync.ts for one pass). Job and pod
 * handlers only enqueue `namespace/name` keys of Jobs and feed the expectations; `reconcile(key)`
 * claims the Job's pods and syncs it. A second queue handles orphan pods that still carry the
 * job-tracking finalizer (their Job is gone or finished): the finalizer comes off so they can go.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { matchesLabels, type LabelRequirement } from '../../api/selectors/labels.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { EventRecorder } from '../../client/events.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isNotFound } from '../../client/status.ts';
import { metaNamespaceKey, splitKey, type Lister, type Store } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import { claimObjects } from '../replicaset/claim.ts';
import { claimCandidates, controllerIndexers } from '../replicaset/controller-index.ts';
import { controllerRefOf, newControllerRef, refersToKind } from '../replicaset/controller-ref.ts';
import { workloadSelector } from '../replicaset/controller.ts';
import { Expectations } from '../replicaset/expectations.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers } from '../workers.ts';
import { defaultBackoffTimes, type BackoffTimes } from './backoff.ts';
import { isJobFinished } from './conditions.ts';
import type { JobDeps } from './context.ts';
import { FinalizerExpectations } from './finalizer-expectations.ts';
import { finalizerRemovalPatch, hasTrackingFinalizer } from './pod-state.ts';
import { syncJob } from './sync.ts';
import { jobControllerName, jobTrackingFinalizer, type Job, type Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

export interface JobControllerOptions {
  /** Concurrent Job syncs (default 5). */
  workers?: number;
  /** Pod failure backoff (default 10 s doubling up to 6 min). */
  backoff?: BackoffTimes;
}

/** The Job controller; `jobController()` makes one. */
export class JobController implements Controller {
  readonly name = 'job';
  readonly expectations: Expectations;
  readonly finalizerExpectations = new FinalizerExpectations();
  private readonly opts: JobControllerOptions;
  private queue!: WorkQueue<string>;
  private orphanQueue!: WorkQueue<string>;
  private jobLister!: Lister<Job>;
  private podLister!: Lister<Pod>;
  private podStore!: Store<Pod>;
  private deps!: JobDeps;
  private jobs!: ResourceClient<Job>;
  private pods!: ResourceClient<Pod>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private clock!: Clock;
  private workers: Promise<void>[] = [];
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  constructor(opts: JobControllerOptions = {}) {
    this.opts = opts;
    this.expectations = new Expectations({
      now: () => this.clock.now(),
      after: (ms, fn) => this.clock.after(ms, fn),
    });
  }

  /** Registers informer handlers and makes the queues, without starting workers (tests call reconcile). */
  init(ctx: ControllerContext): void {
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.recorder = ctx.recorder('job-controller');
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.orphanQueue = new WorkQueue<string>({ clock: ctx.clock });
    this.jobs = ctx.client.resource<Job>('batch', 'v1', 'jobs');
    this.pods = ctx.client.resource<Pod>('', 'v1', 'pods');
    const jobInformer = ctx.informers.forResource<Job>('batch', 'v1', 'jobs');
    const podInformer = ctx.informers.forResource<Pod>('', 'v1', 'pods', { indexers: controllerIndexers });
    this.jobLister = jobInformer.lister;
    this.podLister = podInformer.lister;
    this.podStore = podInformer.store;
    this.deps = {
      pods: this.pods,
      jobs: this.jobs,
      recorder: this.recorder,
      expectations: this.expectations,
      finalizerExpectations: this.finalizerExpectations,
      clock: this.clock,
      backoff: this.opts.backoff ?? defaultBackoffTimes,
      requeueAfter: (key, ms) => this.queue.addAfter(key, ms),
    };
    this.watchJobs(jobInformer);
    this.watchPods(podInformer);
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.workers.push(
      runWorkers({
        queue: this.queue,
        workers: this.opts.workers ?? 5,
        reconcile: (k) => (this.stopping ? Promise.resolve() : this.reconcile(k)),
        log: this.log,
        controller: this.name,
      }),
      runWorkers({
        queue: this.orphanQueue,
        workers: 1,
        reconcile: (k) => (this.stopping ? Promise.resolve() : this.reconcileOrphanPod(k)),
        log: this.log,
        controller: `${this.name}-orphan-pods`,
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const r of this.removers.splice(0)) r();
    this.queue?.shutDown();
    this.orphanQueue?.shutDown();
    await Promise.all(this.workers);
  }

  /** Keys waiting in the Job queue (for tests). */
  queued(): number {
    return this.queue.len();
  }

  /** Reconciles the next queued Job key, if one is ready (for tests); returns it. */
  async processNext(): Promise<string | undefined> {
    if (this.queue.len() === 0) return undefined;
    const key = await this.queue.get();
    if (key === undefined) return undefined;
    try {
      await this.reconcile(key);
    } finally {
      this.queue.done(key);
    }
    return key;
  }

  /** Keys waiting in the orphan-pod queue (for tests). */
  queuedOrphans(): number {
    return this.orphanQueue.len();
  }

  enqueue(job: RO<Job>): void {
    this.queue.add(metaNamespaceKey(job));
  }

  private watchJobs(inf: SharedInformer<Job>): void {
    this.removers.push(
      inf.addEventHandler({
        onAdd: (job) => this.enqueue(job),
        onUpdate: (_old, job) => this.enqueue(job),
        onDelete: (v) => {
          const job = deletedObject(v);
          const key = metaNamespaceKey(job);
          this.expectations.delete(key);
          this.finalizerExpectations.delete(key);
          this.enqueue(job);
        },
      }),
    );
  }

  /** The Job `ref` points at, if it exists with that uid. */
  private resolveRef(
    ns: string,
    ref: RO<{ apiVersion: string; kind: string; name: string; uid: string }> | undefined,
  ): RO<Job> | undefined {
    if (!ref || !refersToKind(ref, 'batch', 'Job')) return undefined;
    const job = this.jobLister.get(ns, ref.name);
    return job && job.metadata.uid === ref.uid ? job : undefined;
  }

  private watchPods(inf: SharedInformer<Pod>): void {
    const owner = (pod: RO<Pod>): RO<Job> | undefined =>
      this.resolveRef(pod.metadata.namespace ?? '', controllerRefOf(pod));
    const checkOrphan = (pod: RO<Pod>): void => {
      if (!hasTrackingFinalizer(pod)) return;
      const job = owner(pod);
      if (!job || isJobFinished(job)) this.orphanQueue.add(metaNamespaceKey(pod));
    };
    const onDelete = (pod: RO<Pod>): void => {
      if (pod.metadata.uid) this.finalizerExpectations.observed(pod.metadata.uid);
      const job = owner(pod);
      if (!job) return;
      this.expectations.deletionObserved(metaNamespaceKey(job), metaNamespaceKey(pod));
      this.enqueue(job);
    };
    this.removers.push(
      inf.addEventHandler({
        onAdd: (pod) => {
          if (pod.metadata.deletionTimestamp) {
            onDelete(pod);
            checkOrphan(pod);
            return;
          }
          const job = owner(pod);
          if (job) {
            this.expectations.creationObserved(metaNamespaceKey(job));
            this.enqueue(job);
          } else if (!controllerRefOf(pod)) {
            for (const j of this.jobsSelecting(pod)) this.enqueue(j);
          }
          checkOrphan(pod);
        },
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
          if (hasTrackingFinalizer(old) && !hasTrackingFinalizer(cur) && cur.metadata.uid)
            this.finalizerExpectations.observed(cur.metadata.uid);
          if (cur.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) onDelete(cur);
          const job = owner(cur);
          if (job) this.enqueue(job);
          const oldJob = owner(old);
          if (oldJob && oldJob.metadata.uid !== job?.metadata.uid) this.enqueue(oldJob);
          if (!controllerRefOf(cur)) for (const j of this.jobsSelecting(cur)) this.enqueue(j);
          checkOrphan(cur);
        },
        onDelete: (v) => onDelete(deletedObject(v)),
      }),
    );
  }

  /** Unfinished Jobs whose selector matches an orphan pod (candidates to adopt it). */
  private jobsSelecting(pod: RO<Pod>): RO<Job>[] {
    return this.jobLister
      .namespace(pod.metadata.namespace ?? '')
      .list()
      .filter((j) => !isJobFinished(j) && matchesLabels(safeSelector(j), pod.metadata.labels));
  }

  /** Syncs one Job; see the file comment. */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const job = this.jobLister.get(namespace, name);
    if (!job) {
      this.expectations.delete(key);
      this.finalizerExpectations.delete(key);
      return;
    }
    if (isJobFinished(job)) return;
    if (job.spec.managedBy && job.spec.managedBy !== jobControllerName) return;
    // Read expectations before the pods, so a pod arriving in between only delays the next sync.
    const satisfied = this.expectations.satisfied(key);
    const pods = await this.claimPods(job);
    await syncJob(key, job, pods, satisfied, this.deps);
  }

  /** The Job's pods (finished ones included): owned and matching, plus adopted orphans. */
  private async claimPods(job: RO<Job>): Promise<RO<Pod>[]> {
    const selector = safeSelector(job);
    const { claimed, adopted } = await claimObjects<Pod>(claimCandidates(this.podStore, job), {
      owner: job,
      ownerRef: newControllerRef(job, 'batch/v1', 'Job'),
      matches: (p) => matchesLabels(selector, p.metadata.labels),
      canAdopt: () => this.recheckNotDeleting(job),
      client: this.pods,
    });
    if (adopted.length === 0) return claimed;
    // Adopted pods are tracked like our own: they get the finalizer too.
    const names = new Set(adopted);
    return Promise.all(
      claimed.map(async (p) => {
        if (!names.has(p.metadata.name ?? '') || hasTrackingFinalizer(p)) return p;
        return (await this.pods.patch(p.metadata.namespace, p.metadata.name ?? '', 'merge', {
          metadata: {
            finalizers: [...(p.metadata.finalizers ?? []), jobTrackingFinalizer],
            resourceVersion: p.metadata.resourceVersion,
          },
        })) as RO<Pod>;
      }),
    );
  }

  private async recheckNotDeleting(job: RO<Job>): Promise<void> {
    const fresh = await this.jobs.get(job.metadata.namespace, job.metadata.name ?? '');
    if (fresh.metadata.uid !== job.metadata.uid)
      throw new Error(`original Job ${metaNamespaceKey(job)} is gone: got uid ${fresh.metadata.uid}`);
    if (fresh.metadata.deletionTimestamp)
      throw new Error(`Job ${metaNamespaceKey(job)} is being deleted; not adopting`);
  }

  /**
   * Takes the tracking finalizer off a pod whose Job is gone (checked against the API, not only
   * the cache) or finished, or that no Job controls.
   */
  async reconcileOrphanPod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.podLister.get(namespace, name);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = controllerRefOf(pod);
    if (ref && refersToKind(ref, 'batch', 'Job')) {
      let job: RO<Job> | undefined = this.resolveRef(namespace, ref);
      if (!job) {
        try {
          const fresh = await this.jobs.get(namespace, ref.name);
          if (fresh.metadata.uid === ref.uid) job = fresh;
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      if (job && job.spec.managedBy && job.spec.managedBy !== jobControllerName) return;
      if (job && !isJobFinished(job)) return; // its Job counts it
    }
    const patch = finalizerRemovalPatch(pod);
    if (!patch) return;
    try {
      await this.pods.patch(namespace, name, 'json', patch);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** The Job's selector, or null (match nothing) when missing, empty or malformed. */
function safeSelector(job: RO<Job>): LabelRequirement[] | null {
  try {
    return workloadSelector(job.spec.selector);
  } catch {
    return null;
  }
}

/** Makes the Job controller (register it with the controller manager). */
export function jobController(opts: JobControllerOptions = {}): JobController {
  return new JobController(opts);
}
