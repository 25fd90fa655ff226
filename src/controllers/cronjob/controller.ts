/**
 * The CronJob controller: creates a Job for each scheduled time of each CronJob, honouring suspend,
 * startingDeadlineSeconds and concurrencyPolicy (Allow / Forbid: skip while a Job is active /
 * Replace: delete the active Jobs, then create), keeps status.active, lastScheduleTime and
 * lastSuccessfulTime, prunes finished Jobs beyond the history limits, and asks the work queue to
 * look again just after the next scheduled time (on the injected Clock). CronJob and Job handlers
 * only enqueue CronJob keys; `reconcile(key)` is safe to repeat: a run's Job name is derived from
 * its scheduled time, so a repeated attempt collides instead of running twice.
 *
 * A run skipped under Forbid stays due: when the active Job finishes, it starts late if it is still
 * the most recent scheduled time and within startingDeadlineSeconds (as in Kubernetes).
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { EventRecorder, ObjectReference } from '../../client/events.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/status.ts';
import { metaNamespaceKey, splitKey, type Lister } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import { controllerRefOf, refersToKind } from '../replicaset/controller-ref.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';
import { syncActive, type CronJobEvent } from './active.ts';
import { jobsToPrune } from './history.ts';
import { jobFromTemplate, jobReference } from './job-template.ts';
import { finishedCondition } from './job-state.ts';
import { parseSchedule, UnknownTimeZoneError, type CronSchedule } from './schedule.ts';
import { dueRuns, jobNameFor, maxMissedSchedules, requeueDelay, rfc1123z, rfc3339 } from './times.ts';
import type { CronJob, CronJobStatus, Job } from './types.ts';

type RO<T> = DeepReadonly<T>;

export interface CronJobControllerOptions {
  /** Concurrent reconciles (default 5). */
  workers?: number;
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The CronJob controller; `cronJobController()` makes one. */
export class CronJobController implements Controller {
  readonly name = 'cronjob';
  private readonly opts: CronJobControllerOptions;
  private queue!: WorkQueue<string>;
  private cjLister!: Lister<CronJob>;
  private jobLister!: Lister<Job>;
  private cronJobs!: ResourceClient<CronJob>;
  private jobs!: ResourceClient<Job>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private clock!: Clock;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];
  /** The missed time last reported per CronJob key, so MissSchedule is said once per run. */
  private readonly missReported = new Map<string, number>();

  constructor(opts: CronJobControllerOptions = {}) {
    this.opts = opts;
  }

  /** Registers informer handlers and makes the queue, without starting workers (tests call reconcile directly). */
  init(ctx: ControllerContext): void {
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.recorder = ctx.recorder('cronjob-controller');
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.cronJobs = ctx.client.resource<CronJob>('batch', 'v1', 'cronjobs');
    this.jobs = ctx.client.resource<Job>('batch', 'v1', 'jobs');
    const cjInf = ctx.informers.forResource<CronJob>('batch', 'v1', 'cronjobs');
    const jobInf = ctx.informers.forResource<Job>('batch', 'v1', 'jobs');
    this.cjLister = cjInf.lister;
    this.jobLister = jobInf.lister;
    this.watchCronJobs(cjInf);
    this.watchJobs(jobInf);
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.workers = runWorkers({
      queue: this.queue,
      workers: this.opts.workers ?? 5,
      reconcile: (k) => (this.stopping ? Promise.resolve() : this.reconcile(k)),
      log: this.log,
      controller: this.name,
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const r of this.removers.splice(0)) r();
    this.queue?.shutDown();
    await this.workers;
  }

  private watchCronJobs(inf: SharedInformer<CronJob>): void {
    this.removers.push(
      inf.addEventHandler({
        onAdd: (cj) => this.queue.add(metaNamespaceKey(cj)),
        onUpdate: (_old, cj) => this.queue.add(metaNamespaceKey(cj)),
        onDelete: (v) => this.queue.add(metaNamespaceKey(deletedObject(v))),
      }),
    );
  }

  /** Enqueues the CronJob a Job's controller reference names, if any. */
  private enqueueOwner(job: RO<Job>): void {
    const ref = controllerRefOf(job);
    if (!ref || !refersToKind(ref, 'batch', 'CronJob')) return;
    this.queue.add(`${job.metadata.namespace ?? ''}/${ref.name}`);
  }

  private watchJobs(inf: SharedInformer<Job>): void {
    this.removers.push(
      inf.addEventHandler({
        onAdd: (job) => this.enqueueOwner(job),
        onUpdate: (old, job) => {
          if (old.metadata.resourceVersion === job.metadata.resourceVersion) return;
          if (controllerRefOf(old)?.uid !== controllerRefOf(job)?.uid) this.enqueueOwner(old);
          this.enqueueOwner(job);
        },
        onDelete: (v) => this.enqueueOwner(deletedObject(v)),
      }),
    );
  }

  private event(cj: RO<CronJob>, e: CronJobEvent): void {
    const ref: ObjectReference = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      namespace: cj.metadata.namespace,
      name: cj.metadata.name,
      uid: cj.metadata.uid,
    };
    this.recorder.event(ref, e.type, e.reason, e.message);
  }

  /** Brings one CronJob's Jobs and status in line with its spec and the clock; see the file comment. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cj = this.cjLister.get(namespace, name);
    if (!cj) {
      this.missReported.delete(key);
      return;
    }
    const status = structuredClone(cj.status ?? {}) as CronJobStatus;
    const owned = this.jobLister
      .namespace(namespace)
      .list()
      .filter((j) => controllerRefOf(j)?.uid === cj.metadata.uid);
    const { events, unseen } = syncActive(status, owned, name);
    for (const e of events) this.event(cj, e);
    for (const ref of unseen) await this.dropIfMissing(cj, status, ref.name ?? '', ref.uid);

    let result: ReconcileResult = undefined;
    let failure: unknown;
    if (!cj.metadata.deletionTimestamp && cj.spec.suspend !== true) {
      try {
        result = await this.runDue(key, cj, status);
      } catch (err) {
        failure = err;
      }
    }
    await this.writeStatus(cj, status);
    if (failure !== undefined) throw failure;
    if (!cj.metadata.deletionTimestamp) await this.pruneHistory(cj, owned);
    return result;
  }

  /** Drops an active reference whose Job a fresh read says is gone (MissingJob). */
  private async dropIfMissing(cj: RO<CronJob>, status: CronJobStatus, name: string, uid?: string) {
    // The cache may simply not have the Job yet (we may have just created it): ask the API.
    try {
      const job = await this.jobs.get(cj.metadata.namespace, name);
      if (job.metadata.uid === uid) return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    status.active = (status.active ?? []).filter((r) => r.uid !== uid);
    if (status.active.length === 0) delete status.active;
    this.event(cj, { type: 'Normal', reason: 'MissingJob', message: `Active job went missing: ${name}` });
  }

  private schedule(cj: RO<CronJob>): CronSchedule | undefined {
    try {
      return parseSchedule(cj.spec.schedule, cj.spec.timeZone);
    } catch (err) {
      const zone = err instanceof UnknownTimeZoneError;
      this.event(cj, {
        type: 'Warning',
        reason: zone ? 'UnknownTimeZone' : 'UnparseableSchedule',
        message: zone
          ? `invalid timeZone: ${JSON.stringify(cj.spec.timeZone)}: ${errorMessage(err)}`
          : `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${errorMessage(err)}`,
      });
      return undefined;
    }
  }

  /** Starts the most recent due run if policy allows; returns when to look again. */
  private async runDue(key: string, cj: RO<CronJob>, status: CronJobStatus): Promise<ReconcileResult> {
    const sched = this.schedule(cj);
    if (!sched) return undefined;
    const now = this.clock.now();
    const delay = requeueDelay(sched, now);
    const again: ReconcileResult = delay === undefined ? undefined : { requeueAfterMs: delay };
    const { mostRecent, missed } = dueRuns({ ...cj, status }, now, sched);
    if (missed > maxMissedSchedules)
      this.event(cj, {
        type: 'Warning',
        reason: 'TooManyMissedTimes',
        message: `too many missed start times: > ${maxMissedSchedules}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
      });
    if (mostRecent === undefined) return again;
    const deadline = cj.spec.startingDeadlineSeconds;
    if (deadline != null && mostRecent < now - deadline * 1000) {
      if (this.missReported.get(key) !== mostRecent) {
        this.missReported.set(key, mostRecent);
        this.event(cj, {
          type: 'Warning',
          reason: 'MissSchedule',
          message: `Missed scheduled time to start a job: ${rfc1123z(mostRecent)}`,
        });
      }
      return again;
    }
    const jobName = jobNameFor(cj.metadata.name ?? '', mostRecent);
    const active = status.active ?? [];
    const last = Date.parse(status.lastScheduleTime ?? '');
    if (active.some((r) => r.name === jobName) || last >= mostRecent) return again;
    const policy = cj.spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active.length > 0) {
      this.event(cj, {
        type: 'Normal',
        reason: 'JobAlreadyActive',
        message: 'Not starting job because prior execution is running and concurrency policy is Forbid',
      });
      return again;
    }
    if (policy === 'Replace')
      for (const ref of active) await this.deleteActive(cj, status, ref.name ?? '', ref.uid);
    await this.createJob(cj, status, mostRecent, sched);
    return again;
  }

  /** Replace: deletes an active Job (Background propagation) and drops it from status.active. */
  private async deleteActive(cj: RO<CronJob>, status: CronJobStatus, name: string, uid?: string) {
    try {
      await this.jobs.delete(cj.metadata.namespace, name, {
        propagationPolicy: 'Background',
        ...(uid ? { preconditions: { uid } } : {}),
      });
      this.event(cj, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted job ${name}` });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) {
        this.event(cj, {
          type: 'Warning',
          reason: 'FailedDelete',
          message: `Error deleting job ${name}: ${errorMessage(err)}`,
        });
        throw err;
      }
    }
    status.active = (status.active ?? []).filter((r) => r.uid !== uid);
    if (status.active.length === 0) delete status.active;
  }

  private async createJob(cj: RO<CronJob>, status: CronJobStatus, at: number, sched: CronSchedule) {
    const want = jobFromTemplate(cj, at, sched.zone);
    const name = want.metadata.name ?? '';
    let job: Job;
    try {
      job = await this.jobs.create(cj.metadata.namespace, want);
      this.event(cj, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created job ${name}` });
    } catch (err) {
      if (!isAlreadyExists(err)) {
        this.event(cj, {
          type: 'Warning',
          reason: 'FailedCreate',
          message: `Error creating job: ${errorMessage(err)}`,
        });
        throw err;
      }
      // An earlier attempt at this run created it (our cache had not caught up): take it as ours.
      job = await this.jobs.get(cj.metadata.namespace, name);
      if (controllerRefOf(job)?.uid !== cj.metadata.uid) {
        this.event(cj, {
          type: 'Warning',
          reason: 'FailedCreate',
          message: `Error creating job: ${errorMessage(err)}`,
        });
        return;
      }
    }
    if (!finishedCondition(job) && !(status.active ?? []).some((r) => r.uid === job.metadata.uid))
      status.active = [...(status.active ?? []), jobReference(job)];
    status.lastScheduleTime = rfc3339(at);
  }

  /** Writes status when it changed; on a conflict, once more on the latest object. */
  private async writeStatus(cj: RO<CronJob>, status: CronJobStatus): Promise<void> {
    if (JSON.stringify(cj.status ?? {}) === JSON.stringify(status)) return;
    const next = structuredClone(cj) as CronJob;
    next.status = status;
    try {
      await this.cronJobs.updateStatus(next.metadata.namespace, next);
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
      // This controller alone writes CronJob status, and `status` already accounts for the Jobs.
      const fresh = await this.cronJobs.get(next.metadata.namespace, next.metadata.name ?? '');
      if (fresh.metadata.uid !== cj.metadata.uid) return;
      fresh.status = status;
      await this.cronJobs.updateStatus(fresh.metadata.namespace, fresh);
    }
  }

  /** Deletes finished Jobs beyond the history limits (Background propagation takes their pods). */
  private async pruneHistory(cj: RO<CronJob>, owned: RO<Job>[]): Promise<void> {
    const spec = cj.spec;
    for (const job of jobsToPrune(owned, spec.successfulJobsHistoryLimit, spec.failedJobsHistoryLimit)) {
      const name = job.metadata.name ?? '';
      try {
        await this.jobs.delete(job.metadata.namespace, name, {
          propagationPolicy: 'Background',
          preconditions: { uid: job.metadata.uid },
        });
        this.event(cj, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted job ${name}` });
      } catch (err) {
        if (isNotFound(err)) continue;
        this.log.warn({ err, cronjob: metaNamespaceKey(cj), job: name }, 'deleting an old job failed');
        this.event(cj, {
          type: 'Warning',
          reason: 'FailedDelete',
          message: `Error deleting job ${name}: ${errorMessage(err)}`,
        });
      }
    }
  }
}

/** Makes the CronJob controller (register it with the controller manager). */
export function cronJobController(opts: CronJobControllerOptions = {}): CronJobController {
  return new CronJobController(opts);
}
