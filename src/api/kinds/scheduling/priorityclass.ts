/**
 * scheduling.k8s.io/v1 PriorityClass: a named priority value for pods. Names starting "system-" are
 * reserved for the two built-in classes (with their exact values); value and preemptionPolicy never
 * change after creation.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { str } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { ageColumn } from '../networking/kind-schema.ts';

/** The highest value a user-defined class may have. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** Priority of system-cluster-critical; system-node-critical is 1000 above it. */
export const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
const SYSTEM_PREFIX = 'system-';
const POLICIES = ['Never', 'PreemptLowerPriority'];

/** The built-in classes every cluster has. */
export const SYSTEM_PRIORITY_CLASSES: { name: string; value: number; description: string }[] = [
  {
    name: 'system-node-critical',
    value: SYSTEM_CRITICAL_PRIORITY + 1000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    name: 'system-cluster-critical',
    value: SYSTEM_CRITICAL_PRIORITY,
    description:
      'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

/** Why a "system-" class is not one of the built-ins as they must be ('' when it is). */
function systemClassProblem(o: KubeObject): string {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === o.metadata.name);
  if (!known) return `${o.metadata.name} is not a known system priority class`;
  if (o.value !== known.value) return `value of ${known.name} PriorityClass must be ${known.value}`;
  if (o.globalDefault === true) return `globalDefault of ${known.name} PriorityClass must be false`;
  return '';
}

function validatePriorityClass(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = o.metadata.name ?? '';
  if (name.startsWith(SYSTEM_PREFIX)) {
    const problem = systemClassProblem(o);
    if (problem) {
      errs.push(
        fieldError.forbidden(
          'metadata.name',
          `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${problem}`,
        ),
      );
    }
  } else if (typeof o.value === 'number' && o.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(
      fieldError.forbidden(
        'value',
        `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`,
      ),
    );
  }
  if (o.preemptionPolicy != null && !POLICIES.includes(str(o.preemptionPolicy))) {
    errs.push(fieldError.notSupported('preemptionPolicy', o.preemptionPolicy, POLICIES));
  }
  return errs;
}

function validatePriorityClassUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (o.value !== old.value) errs.push(fieldError.forbidden('value', 'may not be changed in an update.'));
  if (str(o.preemptionPolicy) !== str(old.preemptionPolicy)) {
    errs.push(fieldError.invalid('preemptionPolicy', o.preemptionPolicy ?? null, 'field is immutable'));
  }
  return errs;
}

export const priorityClass: KindDef = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  listKind: 'PriorityClassList',
  resource: 'priorityclasses',
  singular: 'priorityclass',
  namespaced: false,
  shortNames: ['pc'],
  schema: 'io.k8s.api.scheduling.v1.PriorityClass',
  strategy: {
    defaults(o) {
      if (o.preemptionPolicy == null) o.preemptionPolicy = 'PreemptLowerPriority';
    },
    validate: validatePriorityClass,
    validateUpdate: validatePriorityClassUpdate,
  },
  columns: [
    {
      name: 'Value',
      type: 'integer',
      description: 'The priority value.',
      priority: 0,
      cell: (o) => (typeof o.value === 'number' ? o.value : 0),
    },
    {
      name: 'Global-Default',
      type: 'boolean',
      description: 'Whether pods without a class get this one.',
      priority: 0,
      cell: (o) => o.globalDefault === true,
    },
    ageColumn,
    {
      name: 'PreemptionPolicy',
      type: 'string',
      description: 'Whether pods of this class may preempt others.',
      priority: 0,
      cell: (o) => str(o.preemptionPolicy),
    },
  ],
};
