/**
 * policy/v1 PodDisruptionBudget: minAvailable and maxUnavailable are exclusive and each a
 * non-negative number or a percentage up to 100%; the spec stays mutable. Columns are those of
 * `kubectl get pdb`.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject, type KubeObject } from '../../object.ts';
import { oneOf } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { validateLabelSelector } from '../apps/label-selector.ts';
import {
  ageColumn,
  notMoreThan100Percent,
  num,
  specOf,
  statusOf,
  validatePositiveIntOrPercent,
} from '../apps/workload.ts';

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** Semantic checks of a PodDisruptionBudget (Kubernetes' ValidatePodDisruptionBudgetSpec). */
export function validatePodDisruptionBudget(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable))
    errs.push(
      fieldError.invalid(
        'spec.minAvailable',
        spec.minAvailable,
        'minAvailable and maxUnavailable cannot be both set',
      ),
    );
  for (const f of ['minAvailable', 'maxUnavailable']) {
    errs.push(...validatePositiveIntOrPercent(spec[f], `spec.${f}`));
    errs.push(...notMoreThan100Percent(spec[f], `spec.${f}`));
  }
  if (isObject(spec.selector)) errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  errs.push(
    ...oneOf(
      spec.unhealthyPodEvictionPolicy,
      'spec.unhealthyPodEvictionPolicy',
      ['AlwaysAllow', 'IfHealthyBudget'],
      false,
    ),
  );
  return errs;
}

const intOrString = (v: unknown): string => (isSet(v) ? String(v) : 'N/A');

/** The `poddisruptionbudgets` resource of policy/v1. */
export const podDisruptionBudgetKind: KindDef = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  listKind: 'PodDisruptionBudgetList',
  resource: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  schema: 'io.k8s.api.policy.v1.PodDisruptionBudget',
  hasStatus: true,
  strategy: {
    // The status Kubernetes shows right after create: its non-optional counters at 0.
    prepareForCreate: (o) => {
      o.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    },
    validate: validatePodDisruptionBudget,
  },
  columns: [
    {
      name: 'Min Available',
      type: 'string',
      description: 'Pods that must stay available.',
      priority: 0,
      cell: (o) => intOrString(specOf(o).minAvailable),
    },
    {
      name: 'Max Unavailable',
      type: 'string',
      description: 'Pods that may be unavailable.',
      priority: 0,
      cell: (o) => intOrString(specOf(o).maxUnavailable),
    },
    {
      name: 'Allowed Disruptions',
      type: 'integer',
      description: 'Disruptions allowed right now.',
      priority: 0,
      cell: (o) => num(statusOf(o).disruptionsAllowed),
    },
    ageColumn,
  ],
};
