/**
 * Schema definitions of batch/v1: Job (with pod failure and success policies) and CronJob, named
 * as Kubernetes names them so `kubectl explain job.spec.podFailurePolicy` works.
 */
import { s, type Definitions } from '../../schema/types.ts';
import { CORE, META, kindSchema, listSchema } from '../apps/schema-kit.ts';

const B = 'io.k8s.api.batch.v1.';
const gvk = (kind: string) => ({ group: 'batch', version: 'v1', kind });

const job: Definitions = {
  [B + 'Job']: kindSchema(gvk('Job'), 'Runs pods until a number of them finish successfully.', {
    spec: s.ref(B + 'JobSpec', 'The desired behaviour of the Job.'),
    status: s.ref(B + 'JobStatus', 'The most recently observed state of the Job.'),
  }),
  [B + 'JobList']: listSchema(gvk('JobList'), B + 'Job'),
  [B + 'JobSpec']: s.obj(
    {
      parallelism: s.int32('Most pods the Job runs at the same time (default 1).'),
      completions: s.int32(
        'Successful pods needed for the Job to be complete; unset means any one success completes it.',
      ),
      activeDeadlineSeconds: s.int64(
        'Seconds the Job may run, counted from its start, before the system ends it.',
      ),
      podFailurePolicy: s.ref(
        B + 'PodFailurePolicy',
        'How pod failures count toward the backoff limit, by exit code or pod condition.',
      ),
      successPolicy: s.ref(
        B + 'SuccessPolicy',
        'When an Indexed Job may be declared succeeded before all indexes finish.',
      ),
      backoffLimit: s.int32('Retries before the Job is marked failed (default 6).'),
      backoffLimitPerIndex: s.int32('Retries allowed for each index of an Indexed Job.'),
      maxFailedIndexes: s.int32(
        'Failed indexes tolerated before the whole Job fails; needs backoffLimitPerIndex.',
      ),
      selector: s.ref(
        META + 'LabelSelector',
        'Label query over the pods of this Job; generated unless manualSelector is true.',
      ),
      manualSelector: s.bool(
        'When true, the selector is taken as given instead of being generated from the Job uid.',
      ),
      template: s.ref(
        CORE + 'PodTemplateSpec',
        'The pod the Job runs; restartPolicy must be OnFailure or Never.',
      ),
      ttlSecondsAfterFinished: s.int32('Seconds after finishing before the Job is deleted automatically.'),
      completionMode: s.enumOf(
        ['NonIndexed', 'Indexed'],
        'NonIndexed (default) or Indexed: whether each pod gets a completion index.',
      ),
      suspend: s.bool('When true, the Job creates no pods and running pods are stopped (default false).'),
      podReplacementPolicy: s.enumOf(
        ['TerminatingOrFailed', 'Failed'],
        'When replacement pods are created: as soon as a pod is terminating, or only once it has fully failed.',
      ),
      managedBy: s.str(
        'The controller that reconciles this Job; empty or kubernetes.io/job-controller means the built-in one.',
      ),
    },
    'The desired state of a Job.',
    ['template'],
  ),
  [B + 'PodFailurePolicy']: s.obj(
    {
      rules: s.list(
        s.ref(B + 'PodFailurePolicyRule'),
        'Rules checked in order; the first that matches a failed pod decides.',
      ),
    },
    'How failed pods are treated.',
    ['rules'],
  ),
  [B + 'PodFailurePolicyRule']: s.obj(
    {
      action: s.enumOf(['Count', 'FailIndex', 'FailJob', 'Ignore'], 'What to do when the rule matches.'),
      onExitCodes: s.ref(B + 'PodFailurePolicyOnExitCodesRequirement', 'Match on container exit codes.'),
      onPodConditions: s.list(
        s.ref(B + 'PodFailurePolicyOnPodConditionsPattern'),
        'Match on pod conditions.',
      ),
    },
    'One rule of a pod failure policy; exactly one of onExitCodes and onPodConditions is set.',
    ['action'],
  ),
  [B + 'PodFailurePolicyOnExitCodesRequirement']: s.obj(
    {
      containerName: s.str('Only this container is checked; all containers when unset.'),
      operator: s.enumOf(['In', 'NotIn'], 'Whether the exit code must be in, or outside, the values.'),
      values: {
        type: 'array',
        items: s.int32('An exit code.'),
        'x-kubernetes-list-type': 'set',
        description: 'Exit codes, sorted and unique.',
      },
    },
    'Matches failed containers by exit code.',
    ['operator', 'values'],
  ),
  [B + 'PodFailurePolicyOnPodConditionsPattern']: s.obj(
    {
      type: s.str('The pod condition type to look for.'),
      status: s.str('The required condition status (default True).'),
    },
    'Matches a failed pod by one of its conditions.',
    ['type'],
  ),
  [B + 'SuccessPolicy']: s.obj(
    { rules: s.list(s.ref(B + 'SuccessPolicyRule'), 'Any rule met makes the Job succeed.') },
    'When an Indexed Job counts as succeeded.',
    ['rules'],
  ),
  [B + 'SuccessPolicyRule']: s.obj(
    {
      succeededIndexes: s.str('Indexes that must succeed, as a list of numbers and ranges such as "1,3-5".'),
      succeededCount: s.int32('How many of those indexes must succeed.'),
    },
    'One rule of a success policy.',
  ),
  [B + 'JobStatus']: s.obj(
    {
      conditions: {
        type: 'array',
        items: s.ref(B + 'JobCondition'),
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-patch-merge-key': 'type',
        'x-kubernetes-list-type': 'atomic',
        description: 'The latest observations of the Job (Complete, Failed, Suspended, …).',
      },
      startTime: s.time('When the Job controller started the Job.'),
      completionTime: s.time('When the Job completed.'),
      active: s.int32('Pods that are pending or running.'),
      succeeded: s.int32('Pods that succeeded.'),
      failed: s.int32('Pods that failed.'),
      terminating: s.int32('Pods that are terminating.'),
      completedIndexes: s.str('Completed indexes of an Indexed Job, in compressed range form.'),
      failedIndexes: s.str('Failed indexes of an Indexed Job, in compressed range form.'),
      uncountedTerminatedPods: s.ref(
        B + 'UncountedTerminatedPods',
        'Finished pods the controller has not counted yet.',
      ),
      ready: s.int32('Pods with a Ready condition.'),
    },
    'The observed state of a Job.',
  ),
  [B + 'JobCondition']: s.obj(
    {
      type: s.str('Kind of condition: Complete, Failed, Suspended, FailureTarget, SuccessCriteriaMet.'),
      status: s.str('Whether the condition holds: True, False or Unknown.'),
      lastProbeTime: s.time('When the condition was last checked.'),
      lastTransitionTime: s.time('When the condition last changed status.'),
      reason: s.str('One-word CamelCase cause of the last change.'),
      message: s.str('Human-readable detail about the last change.'),
    },
    'One observation about a Job.',
    ['type', 'status'],
  ),
  [B + 'UncountedTerminatedPods']: s.obj(
    {
      succeeded: s.strList('UIDs of succeeded pods not yet counted.', { 'x-kubernetes-list-type': 'set' }),
      failed: s.strList('UIDs of failed pods not yet counted.', { 'x-kubernetes-list-type': 'set' }),
    },
    'Pods that finished but are not yet reflected in the counters.',
  ),
};

const cronJob: Definitions = {
  [B + 'CronJob']: kindSchema(gvk('CronJob'), 'Creates Jobs on a repeating schedule.', {
    spec: s.ref(B + 'CronJobSpec', 'The desired behaviour of the CronJob.'),
    status: s.ref(B + 'CronJobStatus', 'The most recently observed state of the CronJob.'),
  }),
  [B + 'CronJobList']: listSchema(gvk('CronJobList'), B + 'CronJob'),
  [B + 'CronJobSpec']: s.obj(
    {
      schedule: s.str('When to run, in cron format ("*/5 * * * *") or a macro such as @hourly.'),
      timeZone: s.str('IANA time zone the schedule is read in; the controller’s zone when unset.'),
      startingDeadlineSeconds: s.int64(
        'Seconds after a missed start time during which the Job may still be started.',
      ),
      concurrencyPolicy: s.enumOf(
        ['Allow', 'Forbid', 'Replace'],
        'What to do when a run is due while the previous one is still active (default Allow).',
      ),
      suspend: s.bool('When true, no further runs are started (default false).'),
      jobTemplate: s.ref(B + 'JobTemplateSpec', 'The Job created at each run.'),
      successfulJobsHistoryLimit: s.int32('Finished successful Jobs to keep (default 3).'),
      failedJobsHistoryLimit: s.int32('Failed Jobs to keep (default 1).'),
    },
    'The desired state of a CronJob.',
    ['schedule', 'jobTemplate'],
  ),
  [B + 'JobTemplateSpec']: s.obj(
    {
      metadata: s.ref(META + 'ObjectMeta', 'Labels and annotations copied to each created Job.'),
      spec: s.ref(B + 'JobSpec', 'The spec of each created Job.'),
    },
    'The Job a CronJob creates.',
  ),
  [B + 'CronJobStatus']: s.obj(
    {
      active: s.list(s.ref(CORE + 'ObjectReference'), 'The Jobs of this CronJob that are running.'),
      lastScheduleTime: s.time('When a Job was last scheduled.'),
      lastSuccessfulTime: s.time('When a Job last completed successfully.'),
    },
    'The observed state of a CronJob.',
  ),
};

/** All batch/v1 definitions. */
export const definitions: Definitions = { ...job, ...cronJob };
