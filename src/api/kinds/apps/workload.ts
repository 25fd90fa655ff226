/**
 * Rules and table cells the workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
 * CronJob) share: int-or-percent fields, immutable fields, the selector/template pairing, the
 * replica-style pod template rules, and the CONTAINERS / IMAGES / SELECTOR / AGE cells.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject, type KubeObject } from '../../object.ts';
import { validatePodTemplateSpec } from '../../validation/pod.ts';
import { obj, objects, str, type Obj } from '../../validation/util.ts';
import type { Column } from '../types.ts';
import {
  formatLabelSelector,
  isEmptySelector,
  selectorMatches,
  validateLabelSelector,
} from './label-selector.ts';

/** The `spec` of an object as a record ({} when missing). */
export function specOf(o: KubeObject): Obj {
  return obj(o.spec);
}

/** The `status` of an object as a record ({} when missing). */
export function statusOf(o: KubeObject): Obj {
  return obj(o.status);
}

/** A numeric field as a number (0 when unset), for status counters in table cells. */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** The child object `key` of `parent`, created empty when missing. */
export function child(parent: Obj, key: string): Obj {
  if (!isObject(parent[key])) parent[key] = {};
  return parent[key] as Obj;
}

/** Sets `parent[key]` when it is unset (undefined or null). */
export function setDefault(parent: Obj, key: string, value: unknown): void {
  if (parent[key] === undefined || parent[key] === null) parent[key] = value;
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** `field is immutable` when the value changed — Kubernetes' ValidateImmutableField. */
export function immutable(value: unknown, old: unknown, path: string): FieldError[] {
  return deepEqual(value, old) ? [] : [fieldError.invalid(path, value ?? null, 'field is immutable')];
}

const percent = /^[0-9]+%$/;

/**
 * An int-or-string that must be a non-negative integer or a percentage like "25%"
 * (maxSurge, maxUnavailable, minAvailable).
 */
export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') {
    return percent.test(v)
      ? []
      : [
          fieldError.invalid(
            path,
            v,
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
          ),
        ];
  }
  if (typeof v === 'number')
    return v < 0 ? [fieldError.invalid(path, v, 'must be greater than or equal to 0')] : [];
  return [fieldError.invalid(path, v, "must be an integer or percentage (e.g '5%')")];
}

/** A percentage above 100% is rejected (integers are not limited here). */
export function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  if (typeof v !== 'string' || !percent.test(v)) return [];
  return Number.parseInt(v, 10) > 100 ? [fieldError.invalid(path, v, 'must not be greater than 100%')] : [];
}

/** The number in an int-or-percent value ("25%" → 25, 3 → 3); unset or malformed → 0. */
export function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && percent.test(v)) return Number.parseInt(v, 10);
  return 0;
}

/**
 * The selector rules shared by the replica-style kinds: required, not empty, well-formed, and
 * matching the template's labels. `what` names the kind in the empty-selector message.
 */
export function validateSelectorAndTemplate(spec: Obj, path: string, what: string): FieldError[] {
  const errs: FieldError[] = [];
  const selector = spec.selector;
  if (!isObject(selector)) {
    errs.push(fieldError.required(`${path}.selector`));
    return errs;
  }
  const selectorErrors = validateLabelSelector(selector, `${path}.selector`);
  errs.push(...selectorErrors);
  if (isEmptySelector(selector))
    errs.push(fieldError.invalid(`${path}.selector`, selector, `empty selector is invalid for ${what}`));
  const labels = obj(obj(obj(spec.template).metadata).labels);
  // A malformed selector is reported once; matching it against the labels would only add noise.
  if (selectorErrors.length === 0 && !isEmptySelector(selector) && !selectorMatches(selector, labels))
    errs.push(
      fieldError.invalid(
        `${path}.template.metadata.labels`,
        labels,
        '`selector` does not match template `labels`',
      ),
    );
  return errs;
}

/**
 * The pod template of a kind whose pods must keep running (Deployment, ReplicaSet, StatefulSet,
 * DaemonSet): the shared pod template checks, restartPolicy Always, no activeDeadlineSeconds.
 */
export function validateReplicaTemplate(template: unknown, path: string, kind: string): FieldError[] {
  if (!isObject(template)) return [fieldError.required(path)];
  const errs = validatePodTemplateSpec(template, path);
  const podSpec = obj(template.spec);
  const restartPolicy = str(podSpec.restartPolicy);
  if (restartPolicy !== 'Always')
    errs.push(fieldError.notSupported(`${path}.spec.restartPolicy`, restartPolicy, ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null)
    errs.push(
      fieldError.forbidden(
        `${path}.spec.activeDeadlineSeconds`,
        `activeDeadlineSeconds in ${kind} is not Supported`,
      ),
    );
  return errs;
}

/** Names and images of a pod spec's containers, comma-joined, for the wide CONTAINERS/IMAGES cells. */
export function containerCells(podSpec: unknown): { names: string; images: string } {
  const containers = objects(obj(podSpec).containers);
  return {
    names: containers.map((c) => str(c.name)).join(','),
    images: containers.map((c) => str(c.image)).join(','),
  };
}

const templateSpec = (o: KubeObject): Obj => obj(obj(specOf(o).template).spec);

export { ageColumn } from '../../table/columns.ts';

/**
 * The wide CONTAINERS, IMAGES and (optionally) SELECTOR columns of a workload, reading the pod
 * spec and selector through the given accessors (CronJob reaches them through its jobTemplate).
 */
export function wideTemplateColumns(
  opts: { podSpec?: (o: KubeObject) => unknown; selector?: ((o: KubeObject) => string) | null } = {},
): Column[] {
  const podSpec = opts.podSpec ?? templateSpec;
  const cols: Column[] = [
    {
      name: 'Containers',
      type: 'string',
      description: 'Names of the containers in the pod template.',
      priority: 1,
      cell: (o) => containerCells(podSpec(o)).names,
    },
    {
      name: 'Images',
      type: 'string',
      description: 'Images of the containers in the pod template.',
      priority: 1,
      cell: (o) => containerCells(podSpec(o)).images,
    },
  ];
  if (opts.selector !== null) {
    const selector = opts.selector ?? ((o: KubeObject) => formatLabelSelector(specOf(o).selector));
    cols.push({
      name: 'Selector',
      type: 'string',
      description: 'The label selector of the pods.',
      priority: 1,
      cell: selector,
    });
  }
  return cols;
}
