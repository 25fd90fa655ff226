/**
 * batch/v1 Job: SetDefaults_Job's defaults, the selector and pod labels generated from the Job's
 * uid on create (unless manualSelector), spec validation, the fields fixed after creation, the
 * `status.successful` field selector and the STATUS/COMPLETIONS/DURATION columns.
 */
import { randomUUID } from 'node:crypto';
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject, type KubeObject } from '../../object.ts';
import { humanDuration } from '../../table/duration.ts';
import { obj, objects, str, type Obj } from '../../validation/util.ts';
import { defaultPodTemplateSpec } from '../core/pod-defaults.ts';
import type { KindDef } from '../types.ts';
import {
  ageColumn,
  child,
  immutable,
  num,
  setDefault,
  specOf,
  statusOf,
  wideTemplateColumns,
} from '../apps/workload.ts';
import { validateJobSpec } from './job-spec.ts';

/** Label the generated selector selects on: the Job's uid. */
export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
/** Older spelling of controllerUidLabel, still set on pods. */
export const legacyControllerUidLabel = 'controller-uid';
/** Label carrying the Job's name on its pods. */
export const jobNameLabel = 'batch.kubernetes.io/job-name';
/** Older spelling of jobNameLabel, still set on pods. */
export const legacyJobNameLabel = 'job-name';

/** Job defaults (Kubernetes' SetDefaults_Job) plus the pod template defaults. */
export function defaultJob(o: KubeObject): void {
  const spec = child(o, 'spec');
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', spec.backoffLimitPerIndex == null ? 6 : 2147483647);
  copyTemplateLabels(o);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  if (isObject(spec.podFailurePolicy))
    for (const rule of objects(spec.podFailurePolicy.rules))
      for (const pattern of objects(rule.onPodConditions)) setDefault(pattern, 'status', 'True');
  setDefault(spec, 'podReplacementPolicy', spec.podFailurePolicy == null ? 'TerminatingOrFailed' : 'Failed');
  setDefault(spec, 'manualSelector', false);
  defaultPodTemplateSpec(child(spec, 'template'));
}

/** A Job without labels of its own takes its pod template's labels. */
function copyTemplateLabels(o: KubeObject): void {
  const labels = obj(obj(specOf(o).template).metadata).labels;
  if (isObject(labels) && Object.keys(o.metadata.labels ?? {}).length === 0)
    o.metadata.labels = { ...(labels as Record<string, string>) };
}

/**
 * Unless the selector is manual, labels the pod template with the Job's uid and name and selects
 * on the uid, so a Job's pods can never be claimed by another controller. Kubernetes does this in
 * PrepareForCreate and then re-applies defaults when it reads the object back, which copies the
 * new template labels to a Job that had none; both happen here.
 */
export function prepareJobForCreate(o: KubeObject): void {
  const spec = child(o, 'spec');
  if (spec.manualSelector === true) return;
  if (!o.metadata.uid) o.metadata.uid = randomUUID();
  const uid = o.metadata.uid;
  const name = o.metadata.name ?? '';
  const labels = child(child(child(spec, 'template'), 'metadata'), 'labels');
  for (const key of [legacyJobNameLabel, jobNameLabel]) setDefault(labels, key, name);
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) setDefault(labels, key, uid);
  setDefault(child(child(spec, 'selector'), 'matchLabels'), controllerUidLabel, uid);
  copyTemplateLabels(o);
}

/** With a generated selector, the template must carry the uid labels and the selector select on them. */
function validateGeneratedSelector(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  if (spec.manualSelector === true) return [];
  const uid = o.metadata.uid;
  if (!uid) return [fieldError.required('metadata.uid')];
  const errs: FieldError[] = [];
  const labels = obj(obj(obj(spec.template).metadata).labels);
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) {
    const path = `spec.template.metadata.labels[${key}]`;
    if (labels[key] === undefined) errs.push(fieldError.required(path));
    else if (labels[key] !== uid) errs.push(fieldError.invalid(path, labels[key], `must be '${uid}'`));
  }
  const selector = obj(spec.selector);
  const expected = { matchLabels: { [controllerUidLabel]: uid } };
  const matchLabels = obj(selector.matchLabels);
  const generated =
    Object.keys(selector).every((k) => k === 'matchLabels') &&
    Object.keys(matchLabels).length === 1 &&
    matchLabels[controllerUidLabel] === uid;
  if (!generated)
    errs.push(
      fieldError.invalid('spec.selector', spec.selector ?? expected, '`selector` not auto-generated'),
    );
  return errs;
}

/** Semantic checks of a Job (Kubernetes' ValidateJob plus the generated-selector check). */
export function validateJob(o: KubeObject): FieldError[] {
  return [...validateGeneratedSelector(o), ...validateJobSpec(specOf(o), 'spec', { requireSelector: true })];
}

/** True when completions and parallelism change together on an Indexed Job (elastic Indexed Jobs). */
function elasticCompletions(spec: Obj, old: Obj): boolean {
  return (
    spec.completionMode === 'Indexed' &&
    old.completionMode === 'Indexed' &&
    spec.completions === spec.parallelism &&
    old.completions === old.parallelism
  );
}

/** Fields fixed after creation: selector, template, completionMode, completions (mostly), policies. */
export function validateJobUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(o);
  const prev = specOf(old);
  const errs: FieldError[] = [];
  if (!elasticCompletions(spec, prev))
    errs.push(...immutable(spec.completions, prev.completions, 'spec.completions'));
  for (const f of [
    'selector',
    'template',
    'completionMode',
    'podFailurePolicy',
    'backoffLimitPerIndex',
    'managedBy',
    'successPolicy',
  ])
    errs.push(...immutable(spec[f], prev[f], `spec.${f}`));
  return errs;
}

function hasCondition(o: KubeObject, type: string): boolean {
  const c = objects(statusOf(o).conditions).find((x) => x.type === type);
  return c !== undefined && c.status === 'True';
}

/** The STATUS cell: Complete, Failed, Terminating, Suspended, FailureTarget or Running. */
export function jobStatus(o: KubeObject): string {
  if (hasCondition(o, 'Complete')) return 'Complete';
  if (hasCondition(o, 'Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(o, 'Suspended')) return 'Suspended';
  if (hasCondition(o, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** The COMPLETIONS cell: `succeeded/completions`, or `n/1 of p` for a work-queue Job. */
export function jobCompletions(o: KubeObject): string {
  const spec = specOf(o);
  const succeeded = num(statusOf(o).succeeded);
  if (typeof spec.completions === 'number') return `${succeeded}/${spec.completions}`;
  const parallelism = num(spec.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** The DURATION cell: start to completion, or start to now while running; empty before start. */
export function jobDuration(o: KubeObject, now: number): string {
  const status = statusOf(o);
  const start = Date.parse(str(status.startTime));
  if (Number.isNaN(start)) return '';
  const end = Date.parse(str(status.completionTime));
  return humanDuration((Number.isNaN(end) ? now : end) - start);
}

/** The `jobs` resource of batch/v1. */
export const jobKind: KindDef = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  listKind: 'JobList',
  resource: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  schema: 'io.k8s.api.batch.v1.Job',
  hasStatus: true,
  strategy: {
    defaults: defaultJob,
    prepareForCreate: prepareJobForCreate,
    validate: validateJob,
    validateUpdate: validateJobUpdate,
  },
  columns: [
    { name: 'Status', type: 'string', description: 'Status of the job.', priority: 0, cell: jobStatus },
    {
      name: 'Completions',
      type: 'string',
      description: 'Succeeded pods out of the required completions.',
      priority: 0,
      cell: jobCompletions,
    },
    {
      name: 'Duration',
      type: 'string',
      description: 'Time the job took (or has taken so far) to complete.',
      priority: 0,
      cell: jobDuration,
    },
    ageColumn,
    ...wideTemplateColumns(),
  ],
  fieldSelectors: {
    'status.successful': (o) => String(num(statusOf(o).succeeded)),
  },
};
