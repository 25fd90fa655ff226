/**
 * Semantic checks of an autoscaling/v2 HorizontalPodAutoscaler (Kubernetes'
 * ValidateHorizontalPodAutoscalerSpec): replica bounds, the scale target reference, each metric
 * source and target, and the scaling behavior. autoscaling/v1 objects are checked after conversion,
 * so their errors name the v2 fields — as Kubernetes reports them.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject, type KubeObject } from '../../object.ts';
import { objects, obj, str, type Obj } from '../../validation/util.ts';
import { validateLabelSelector } from '../apps/label-selector.ts';

const metricTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const sourceField: Record<string, string> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  ContainerResource: 'containerResource',
  External: 'external',
};
/** Longest stabilization window (one hour). */
export const maxStabilizationWindowSeconds = 3600;
/** Longest scaling policy period (30 minutes). */
export const maxPeriodSeconds = 1800;

/** Errors for a name used as a URL path segment (kinds and names of referenced objects). */
function pathSegmentErrors(value: string, path: string): FieldError[] {
  const msgs: string[] = [];
  if (value === '.' || value === '..') msgs.push(`may not be '${value}'`);
  for (const bad of ['/', '%']) if (value.includes(bad)) msgs.push(`may not contain '${bad}'`);
  return msgs.map((m) => fieldError.invalid(path, value, m));
}

function validateReference(ref: unknown, path: string): FieldError[] {
  const r = obj(ref);
  const errs: FieldError[] = [];
  for (const f of ['kind', 'name']) {
    const v = str(r[f]);
    if (v === '') errs.push(fieldError.required(`${path}.${f}`));
    else errs.push(...pathSegmentErrors(v, `${path}.${f}`));
  }
  return errs;
}

/** -1, 0 or 1 for a quantity given as a string or number (already well-formed per the schema). */
function quantitySign(q: unknown): number {
  if (typeof q === 'number') return Math.sign(q);
  const m = /^([+-]?)(\d*\.?\d*)/.exec(String(q));
  if (!m || Number(m[2] || '0') === 0) return 0;
  return m[1] === '-' ? -1 : 1;
}

function validateTarget(target: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(target.type);
  if (type === '') errs.push(fieldError.required(`${path}.type`, 'must specify a metric target type'));
  else if (!['Utilization', 'Value', 'AverageValue'].includes(type))
    errs.push(fieldError.invalid(`${path}.type`, type, 'must be either Utilization, Value, or AverageValue'));
  for (const f of ['value', 'averageValue'])
    if (target[f] != null && quantitySign(target[f]) !== 1)
      errs.push(fieldError.invalid(`${path}.${f}`, target[f], 'must be positive'));
  if (typeof target.averageUtilization === 'number' && target.averageUtilization < 1)
    errs.push(
      fieldError.invalid(`${path}.averageUtilization`, target.averageUtilization, 'must be greater than 0'),
    );
  return errs;
}

function validateIdentifier(metric: unknown, path: string): FieldError[] {
  const m = obj(metric);
  const name = str(m.name);
  const errs =
    name === ''
      ? [fieldError.required(`${path}.name`, 'must specify a metric name')]
      : pathSegmentErrors(name, `${path}.name`);
  if (isObject(m.selector)) errs.push(...validateLabelSelector(m.selector, `${path}.selector`));
  return errs;
}

function validateSource(type: string, src: Obj, path: string): FieldError[] {
  const target = obj(src.target);
  const errs: FieldError[] = [...validateTarget(target, `${path}.target`)];
  const has = (f: string) => target[f] != null;
  if (type === 'Resource' || type === 'ContainerResource') {
    if (str(src.name) === '') errs.push(fieldError.required(`${path}.name`, 'must specify a resource name'));
    if (type === 'ContainerResource' && str(src.container) === '')
      errs.push(fieldError.required(`${path}.container`, 'must specify a container'));
    if (!has('averageUtilization') && !has('averageValue'))
      errs.push(
        fieldError.required(
          `${path}.target.averageUtilization`,
          'must set either a target raw value or a target utilization',
        ),
      );
    if (has('averageUtilization') && has('averageValue'))
      errs.push(
        fieldError.forbidden(
          `${path}.target.averageValue`,
          'may not set both a target raw value and a target utilization',
        ),
      );
  } else if (type === 'Pods') {
    errs.push(...validateIdentifier(src.metric, `${path}.metric`));
    if (!has('averageValue'))
      errs.push(
        fieldError.required(`${path}.target.averageValue`, 'must specify a positive target averageValue'),
      );
  } else {
    if (type === 'Object') errs.push(...validateReference(src.describedObject, `${path}.describedObject`));
    errs.push(...validateIdentifier(src.metric, `${path}.metric`));
    if (!has('value') && !has('averageValue'))
      errs.push(
        fieldError.required(`${path}.target.averageValue`, 'must set either a target value or averageValue'),
      );
  }
  return errs;
}

function validateMetric(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(spec.type);
  if (type === '') errs.push(fieldError.required(`${path}.type`, 'must specify a metric source type'));
  else if (!metricTypes.includes(type)) errs.push(fieldError.notSupported(`${path}.type`, type, metricTypes));
  const expected = sourceField[type];
  const present = Object.values(sourceField).filter((f) => spec[f] != null);
  if (expected && spec[expected] == null)
    errs.push(
      fieldError.required(`${path}.${expected}`, 'must populate information for the given metric source'),
    );
  if (expected && isObject(spec[expected]))
    errs.push(...validateSource(type, spec[expected] as Obj, `${path}.${expected}`));
  for (const f of present)
    if (f !== expected)
      errs.push(fieldError.forbidden(`${path}.${f}`, 'must populate the given metric source only'));
  return errs;
}

function validateRules(rules: unknown, path: string): FieldError[] {
  if (!isObject(rules)) return [];
  const errs: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (typeof window === 'number') {
    if (window < 0)
      errs.push(
        fieldError.invalid(
          `${path}.stabilizationWindowSeconds`,
          window,
          'must be greater than or equal to zero',
        ),
      );
    if (window > maxStabilizationWindowSeconds)
      errs.push(
        fieldError.invalid(
          `${path}.stabilizationWindowSeconds`,
          window,
          `must be less than or equal to ${maxStabilizationWindowSeconds}`,
        ),
      );
  }
  if (rules.selectPolicy != null && !['Max', 'Min', 'Disabled'].includes(str(rules.selectPolicy)))
    errs.push(
      fieldError.notSupported(`${path}.selectPolicy`, rules.selectPolicy, ['Disabled', 'Max', 'Min']),
    );
  const policies = objects(rules.policies);
  if (policies.length === 0)
    errs.push(fieldError.required(`${path}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = `${path}.policies[${i}]`;
    if (p.type !== 'Pods' && p.type !== 'Percent')
      errs.push(fieldError.notSupported(`${pp}.type`, p.type ?? '', ['Percent', 'Pods']));
    if (!(typeof p.value === 'number' && p.value > 0))
      errs.push(fieldError.invalid(`${pp}.value`, p.value ?? 0, 'must be greater than zero'));
    const period = typeof p.periodSeconds === 'number' ? p.periodSeconds : 0;
    if (period <= 0)
      errs.push(fieldError.invalid(`${pp}.periodSeconds`, period, 'must be greater than zero'));
    if (period > maxPeriodSeconds)
      errs.push(
        fieldError.invalid(
          `${pp}.periodSeconds`,
          period,
          `must be less than or equal to ${maxPeriodSeconds}`,
        ),
      );
  });
  return errs;
}

/** All semantic checks of a v2 HorizontalPodAutoscaler. */
export function validateHorizontalPodAutoscaler(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const min = spec.minReplicas;
  const max = typeof spec.maxReplicas === 'number' ? spec.maxReplicas : 0;
  if (typeof min === 'number' && min < 1)
    errs.push(fieldError.invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (max < 1) errs.push(fieldError.invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (typeof min === 'number' && max < min)
    errs.push(fieldError.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateReference(spec.scaleTargetRef, 'spec.scaleTargetRef'));
  objects(spec.metrics).forEach((m, i) => errs.push(...validateMetric(m, `spec.metrics[${i}]`)));
  const behavior = obj(spec.behavior);
  errs.push(...validateRules(behavior.scaleUp, 'spec.behavior.scaleUp'));
  errs.push(...validateRules(behavior.scaleDown, 'spec.behavior.scaleDown'));
  return errs;
}
