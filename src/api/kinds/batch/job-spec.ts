/**
 * Validation of a batch/v1 JobSpec, shared by Job and by the jobTemplate of a CronJob: counts,
 * completion mode, per-index backoff, pod failure and success policies, pod replacement, and the
 * pod template (restartPolicy OnFailure or Never).
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject } from '../../object.ts';
import { validatePodTemplateSpec } from '../../validation/pod.ts';
import { isQualifiedName } from '../../validation/names.ts';
import { nonNegative, objects, obj, oneOf, str, type Obj } from '../../validation/util.ts';
import { selectorMatches, validateLabelSelector } from '../apps/label-selector.ts';

/** Most completions and parallelism an Indexed Job may have. */
export const maxIndexedCompletions = 100000;
const maxRules = 20;
const maxExitCodes = 255;

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

function validatePodFailurePolicy(spec: Obj, path: string): FieldError[] {
  const policy = obj(spec.podFailurePolicy);
  const errs: FieldError[] = [];
  const rules = objects(policy.rules);
  if (rules.length > maxRules) errs.push(fieldError.tooMany(`${path}.rules`, rules.length, maxRules));
  const podSpec = obj(obj(spec.template).spec);
  const containerNames = [...objects(podSpec.containers), ...objects(podSpec.initContainers)].map((c) =>
    str(c.name),
  );
  rules.forEach((rule, i) => {
    const rp = `${path}.rules[${i}]`;
    const action = str(rule.action);
    errs.push(...oneOf(action, `${rp}.action`, ['Count', 'FailIndex', 'FailJob', 'Ignore']));
    if (action === 'FailIndex' && !isSet(spec.backoffLimitPerIndex))
      errs.push(fieldError.invalid(`${rp}.action`, action, 'requires the backoffLimitPerIndex to be set'));
    const hasCodes = isObject(rule.onExitCodes);
    const hasConditions = Array.isArray(rule.onPodConditions);
    if (hasCodes && hasConditions)
      errs.push(
        fieldError.invalid(rp, rule, 'specifying both OnExitCodes and OnPodConditions is not supported'),
      );
    if (!hasCodes && !hasConditions)
      errs.push(
        fieldError.invalid(rp, rule, 'specifying one of OnExitCodes and OnPodConditions is required'),
      );
    if (hasCodes) errs.push(...validateExitCodes(obj(rule.onExitCodes), `${rp}.onExitCodes`, containerNames));
    const patterns = objects(rule.onPodConditions);
    if (patterns.length > maxRules)
      errs.push(fieldError.tooMany(`${rp}.onPodConditions`, patterns.length, maxRules));
    patterns.forEach((pattern, j) => {
      const pp = `${rp}.onPodConditions[${j}]`;
      for (const msg of isQualifiedName(str(pattern.type)))
        errs.push(fieldError.invalid(`${pp}.type`, str(pattern.type), msg));
      errs.push(...oneOf(pattern.status, `${pp}.status`, ['True', 'False', 'Unknown']));
    });
  });
  return errs;
}

function validateExitCodes(req: Obj, path: string, containerNames: string[]): FieldError[] {
  const errs: FieldError[] = [];
  const operator = str(req.operator);
  errs.push(...oneOf(operator, `${path}.operator`, ['In', 'NotIn']));
  const name = req.containerName;
  if (typeof name === 'string' && !containerNames.includes(name))
    errs.push(
      fieldError.invalid(
        `${path}.containerName`,
        name,
        'must be one of the container or initContainer names in the pod template',
      ),
    );
  const values = Array.isArray(req.values) ? req.values : [];
  if (values.length === 0) errs.push(fieldError.required(`${path}.values`, 'at least one value is required'));
  if (values.length > maxExitCodes)
    errs.push(fieldError.tooMany(`${path}.values`, values.length, maxExitCodes));
  values.forEach((v, j) => {
    const vp = `${path}.values[${j}]`;
    if (operator === 'In' && v === 0)
      errs.push(fieldError.invalid(vp, v, 'must not be 0 for the In operator'));
    if (j > 0 && typeof v === 'number' && typeof values[j - 1] === 'number') {
      if (v === values[j - 1]) errs.push(fieldError.duplicate(vp, v));
      else if (v < (values[j - 1] as number)) errs.push(fieldError.invalid(vp, v, 'must be ordered'));
    }
  });
  return errs;
}

/**
 * Parses an index set such as "1,3-5,7" into ranges; an error string when malformed.
 * Ranges must be ascending and not overlap, as Kubernetes requires.
 */
export function parseIndexes(text: string, completions: number): { count: number } | { error: string } {
  let count = 0;
  let last = -1;
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return { error: `cannot convert string to integer for index: ${JSON.stringify(part)}` };
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return { error: `first index is larger than the second: ${JSON.stringify(part)}` };
    if (lo <= last) return { error: `overlapping or unordered intervals: ${JSON.stringify(part)}` };
    if (hi >= completions) return { error: `too large index: ${JSON.stringify(part)}` };
    count += hi - lo + 1;
    last = hi;
  }
  return { count };
}

function validateSuccessPolicy(spec: Obj, specPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const path = `${specPath}.successPolicy`;
  if (str(spec.completionMode) !== 'Indexed')
    errs.push(
      fieldError.invalid(
        `${specPath}.completionMode`,
        spec.completionMode ?? null,
        'requires indexed completion mode',
      ),
    );
  const rules = objects(obj(spec.successPolicy).rules);
  if (rules.length === 0)
    errs.push(
      fieldError.required(
        `${path}.rules`,
        'at least one rules must be specified when the successPolicy is specified',
      ),
    );
  if (rules.length > maxRules) errs.push(fieldError.tooMany(`${path}.rules`, rules.length, maxRules));
  const completions = typeof spec.completions === 'number' ? spec.completions : 0;
  rules.forEach((rule, i) => {
    const rp = `${path}.rules[${i}]`;
    if (!isSet(rule.succeededIndexes) && !isSet(rule.succeededCount)) {
      errs.push(
        fieldError.required(rp, 'at least one of succeededCount or succeededIndexes must be specified'),
      );
      return;
    }
    let indexCount = Infinity;
    if (typeof rule.succeededIndexes === 'string') {
      const parsed = parseIndexes(rule.succeededIndexes, completions);
      if ('error' in parsed)
        errs.push(fieldError.invalid(`${rp}.succeededIndexes`, rule.succeededIndexes, parsed.error));
      else indexCount = parsed.count;
    }
    const count = rule.succeededCount;
    if (typeof count === 'number') {
      errs.push(...nonNegative(count, `${rp}.succeededCount`));
      if (count > completions)
        errs.push(
          fieldError.invalid(
            `${rp}.succeededCount`,
            count,
            `must be less than or equal to ${completions} (the number of specified completions)`,
          ),
        );
      else if (count > indexCount)
        errs.push(
          fieldError.invalid(
            `${rp}.succeededCount`,
            count,
            `must be less than or equal to ${indexCount} (the number of indexes in the specified succeededIndexes field)`,
          ),
        );
    }
  });
  return errs;
}

/**
 * Semantic checks of a JobSpec at `path` (`spec` for a Job, `spec.jobTemplate.spec` for a
 * CronJob). With `requireSelector`, a missing selector is an error (a Job has one generated by then).
 */
export function validateJobSpec(spec: Obj, path: string, opts: { requireSelector: boolean }): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'ttlSecondsAfterFinished',
    'backoffLimitPerIndex',
    'maxFailedIndexes',
  ])
    errs.push(...nonNegative(spec[f], `${path}.${f}`));
  const mode = str(spec.completionMode);
  if (mode === 'Indexed') {
    if (!isSet(spec.completions))
      errs.push(fieldError.required(`${path}.completions`, 'when completion mode is Indexed'));
    for (const f of ['completions', 'parallelism']) {
      const v = spec[f];
      if (typeof v === 'number' && v > maxIndexedCompletions)
        errs.push(
          fieldError.invalid(
            `${path}.${f}`,
            v,
            `must be less than or equal to ${maxIndexedCompletions} when completion mode is Indexed`,
          ),
        );
    }
  } else if (mode !== '' && mode !== 'NonIndexed') {
    errs.push(fieldError.notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
  }
  if (isSet(spec.backoffLimitPerIndex) && mode !== 'Indexed')
    errs.push(
      fieldError.required(
        `${path}.completionMode`,
        'when backoffLimitPerIndex is specified, completionMode must be "Indexed"',
      ),
    );
  if (isSet(spec.maxFailedIndexes)) {
    if (!isSet(spec.backoffLimitPerIndex))
      errs.push(fieldError.required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
    if (
      typeof spec.maxFailedIndexes === 'number' &&
      typeof spec.completions === 'number' &&
      spec.maxFailedIndexes > spec.completions
    )
      errs.push(
        fieldError.invalid(
          `${path}.maxFailedIndexes`,
          spec.maxFailedIndexes,
          'must be less than or equal to completions',
        ),
      );
  }
  const podSpec = obj(obj(spec.template).spec);
  const restartPolicy = str(podSpec.restartPolicy);
  if (isSet(spec.podFailurePolicy)) {
    errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
    if (restartPolicy !== 'Never')
      errs.push(
        fieldError.invalid(
          `${path}.template.spec.restartPolicy`,
          restartPolicy,
          'only "Never" is supported when podFailurePolicy is specified',
        ),
      );
  }
  if (isSet(spec.successPolicy)) errs.push(...validateSuccessPolicy(spec, path));
  if (isSet(spec.podReplacementPolicy)) {
    const allowed = isSet(spec.podFailurePolicy) ? ['Failed'] : ['TerminatingOrFailed', 'Failed'];
    errs.push(...oneOf(spec.podReplacementPolicy, `${path}.podReplacementPolicy`, allowed));
  }
  if (typeof spec.managedBy === 'string' && spec.managedBy.length > 63)
    errs.push(fieldError.tooLong(`${path}.managedBy`, 63));
  if (!isObject(spec.selector)) {
    if (opts.requireSelector) errs.push(fieldError.required(`${path}.selector`));
  } else {
    const selectorErrors = validateLabelSelector(spec.selector, `${path}.selector`);
    errs.push(...selectorErrors);
    const labels = obj(obj(obj(spec.template).metadata).labels);
    if (selectorErrors.length === 0 && !selectorMatches(spec.selector, labels))
      errs.push(
        fieldError.invalid(
          `${path}.template.metadata.labels`,
          labels,
          '`selector` does not match template `labels`',
        ),
      );
  }
  if (!isObject(spec.template)) {
    errs.push(fieldError.required(`${path}.template`));
  } else {
    errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
    if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never')
      errs.push(
        fieldError.notSupported(`${path}.template.spec.restartPolicy`, restartPolicy, ['OnFailure', 'Never']),
      );
  }
  return errs;
}
