/**
 * batch/v1 CronJob: defaults (Allow, not suspended, history 3/1), schedule and time zone checks,
 * the job template rules (selector generated later, never manual), the 52-character name limit,
 * and the SCHEDULE/TIMEZONE/SUSPEND/ACTIVE/LAST SCHEDULE columns.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { age } from '../../table/duration.ts';
import { nonNegative, obj, oneOf, type Obj } from '../../validation/util.ts';
import { defaultPodTemplateSpec } from '../core/pod-defaults.ts';
import type { KindDef } from '../types.ts';
import { formatLabelSelector } from '../apps/label-selector.ts';
import { ageColumn, child, setDefault, specOf, statusOf, wideTemplateColumns } from '../apps/workload.ts';
import { cronScheduleError, timeZoneError } from './cron-schedule.ts';
import { validateJobSpec } from './job-spec.ts';

/** A CronJob name leaves room for the 11-character suffix of the Jobs it creates. */
export const maxCronJobNameLength = 52;

/** CronJob defaults (SetDefaults_CronJob) and the pod template defaults inside the job template. */
export function defaultCronJob(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  defaultPodTemplateSpec(child(child(child(spec, 'jobTemplate'), 'spec'), 'template'));
}

function validateSchedule(spec: Obj): FieldError[] {
  const schedule = spec.schedule;
  if (typeof schedule !== 'string' || schedule === '') return [fieldError.required('spec.schedule')];
  if (schedule.includes('TZ')) {
    const detail =
      spec.timeZone != null
        ? 'cannot use both timeZone field and TZ or CRON_TZ in schedule'
        : 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
    return [fieldError.invalid('spec.schedule', schedule, detail)];
  }
  const err = cronScheduleError(schedule);
  return err ? [fieldError.invalid('spec.schedule', schedule, err)] : [];
}

function validateJobTemplate(spec: Obj): FieldError[] {
  const jobSpec = obj(obj(spec.jobTemplate).spec);
  const path = 'spec.jobTemplate.spec';
  const errs = validateJobSpec(jobSpec, path, { requireSelector: false });
  if (jobSpec.selector != null)
    errs.push(fieldError.invalid(`${path}.selector`, jobSpec.selector, '`selector` will be auto-generated'));
  if (jobSpec.manualSelector === true)
    errs.push(fieldError.notSupported(`${path}.manualSelector`, true, ['nil', 'false']));
  return errs;
}

/** Semantic checks of a CronJob (Kubernetes' ValidateCronJobCreate and ValidateCronJobSpec). */
export function validateCronJob(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  const name = o.metadata.name ?? '';
  if (name.length > maxCronJobNameLength)
    errs.push(
      fieldError.invalid('metadata.name', name, `must be no more than ${maxCronJobNameLength} characters`),
    );
  errs.push(...validateSchedule(spec));
  if (typeof spec.timeZone === 'string') {
    const err = timeZoneError(spec.timeZone);
    if (err) errs.push(fieldError.invalid('spec.timeZone', spec.timeZone, err));
  }
  errs.push(...oneOf(spec.concurrencyPolicy, 'spec.concurrencyPolicy', ['Allow', 'Forbid', 'Replace']));
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'])
    errs.push(...nonNegative(spec[f], `spec.${f}`));
  if (spec.jobTemplate == null) errs.push(fieldError.required('spec.jobTemplate'));
  else errs.push(...validateJobTemplate(spec));
  return errs;
}

/** kubectl's printBoolPtr: True/False, or <unset>. */
function boolCell(v: unknown): string {
  if (typeof v !== 'boolean') return '<unset>';
  return v ? 'True' : 'False';
}

const jobSpecOf = (o: KubeObject): Obj => obj(obj(specOf(o).jobTemplate).spec);

/** The `cronjobs` resource of batch/v1. */
export const cronJobKind: KindDef = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  listKind: 'CronJobList',
  resource: 'cronjobs',
  singular: 'cronjob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  schema: 'io.k8s.api.batch.v1.CronJob',
  hasStatus: true,
  strategy: {
    defaults: defaultCronJob,
    validate: validateCronJob,
  },
  columns: [
    {
      name: 'Schedule',
      type: 'string',
      description: 'The cron schedule.',
      priority: 0,
      cell: (o) => String(specOf(o).schedule ?? ''),
    },
    {
      name: 'Timezone',
      type: 'string',
      description: 'The time zone the schedule is read in.',
      priority: 0,
      cell: (o) => (typeof specOf(o).timeZone === 'string' ? (specOf(o).timeZone as string) : '<none>'),
    },
    {
      name: 'Suspend',
      type: 'boolean',
      description: 'Whether new runs are suspended.',
      priority: 0,
      cell: (o) => boolCell(specOf(o).suspend),
    },
    {
      name: 'Active',
      type: 'integer',
      description: 'Jobs of this CronJob that are running.',
      priority: 0,
      cell: (o) => (Array.isArray(statusOf(o).active) ? (statusOf(o).active as unknown[]).length : 0),
    },
    {
      name: 'Last Schedule',
      type: 'string',
      description: 'How long ago a Job was last scheduled.',
      priority: 0,
      cell: (o, now) => {
        const t = statusOf(o).lastScheduleTime;
        return typeof t === 'string' ? age(t, now) : '<none>';
      },
    },
    ageColumn,
    ...wideTemplateColumns({
      podSpec: (o) => obj(jobSpecOf(o).template).spec,
      selector: (o) => formatLabelSelector(jobSpecOf(o).selector),
    }),
  ],
};
