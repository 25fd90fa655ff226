/**
 * apps/v1 DaemonSet: RollingUpdate defaults (maxUnavailable 1, maxSurge 0), validation (exactly
 * one of maxSurge/maxUnavailable non-zero), an immutable selector, and the DESIRED … NODE SELECTOR
 * columns.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject, type KubeObject } from '../../object.ts';
import { defaultPodTemplateSpec } from '../core/pod-defaults.ts';
import { nonNegative, obj, str, type Obj } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { formatLabels } from './label-selector.ts';
import {
  ageColumn,
  child,
  immutable,
  intOrPercentValue,
  notMoreThan100Percent,
  num,
  setDefault,
  specOf,
  statusOf,
  validatePositiveIntOrPercent,
  validateReplicaTemplate,
  validateSelectorAndTemplate,
  wideTemplateColumns,
} from './workload.ts';

/** DaemonSet defaults: RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10. */
export function defaultDaemonSet(o: KubeObject): void {
  const spec = child(o, 'spec');
  const strategy = child(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(child(spec, 'template'));
}

function validateUpdateStrategy(strategy: Obj, path: string): FieldError[] {
  const type = str(strategy.type);
  if (type === 'OnDelete') return [];
  if (type !== 'RollingUpdate') return [fieldError.notSupported(path, type, ['RollingUpdate', 'OnDelete'])];
  const ru = strategy.rollingUpdate;
  if (!isObject(ru)) return [fieldError.required(`${path}.rollingUpdate`)];
  const p = `${path}.rollingUpdate`;
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
    ...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`),
    ...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`),
    ...notMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`),
  ];
  const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
  if (hasUnavailable && hasSurge)
    errs.push(
      fieldError.invalid(`${p}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'),
    );
  if (!hasUnavailable && !hasSurge)
    errs.push(fieldError.required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  return errs;
}

/** Semantic checks of a DaemonSet's spec (Kubernetes' ValidateDaemonSetSpec). */
export function validateDaemonSet(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  return [
    ...validateSelectorAndTemplate(spec, 'spec', 'daemonset'),
    ...validateReplicaTemplate(spec.template, 'spec.template', 'DaemonSet'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateUpdateStrategy(obj(spec.updateStrategy), 'spec.updateStrategy'),
    ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
  ];
}

const templateNodeSelector = (o: KubeObject): unknown => obj(obj(specOf(o).template).spec).nodeSelector;

/** The `daemonsets` resource of apps/v1. */
export const daemonSetKind: KindDef = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  listKind: 'DaemonSetList',
  resource: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  schema: 'io.k8s.api.apps.v1.DaemonSet',
  hasStatus: true,
  strategy: {
    defaults: defaultDaemonSet,
    // The status Kubernetes shows right after create: its non-optional counters at 0.
    prepareForCreate: (o) => {
      o.status = {
        currentNumberScheduled: 0,
        numberMisscheduled: 0,
        desiredNumberScheduled: 0,
        numberReady: 0,
      };
    },
    validate: validateDaemonSet,
    validateUpdate: (o, old) => immutable(specOf(o).selector, specOf(old).selector, 'spec.selector'),
  },
  columns: [
    {
      name: 'Desired',
      type: 'integer',
      description: 'Nodes that should run the daemon pod.',
      priority: 0,
      cell: (o) => num(statusOf(o).desiredNumberScheduled),
    },
    {
      name: 'Current',
      type: 'integer',
      description: 'Nodes running the daemon pod.',
      priority: 0,
      cell: (o) => num(statusOf(o).currentNumberScheduled),
    },
    {
      name: 'Ready',
      type: 'integer',
      description: 'Nodes whose daemon pod is ready.',
      priority: 0,
      cell: (o) => num(statusOf(o).numberReady),
    },
    {
      name: 'Up-to-date',
      type: 'integer',
      description: 'Nodes running the updated daemon pod.',
      priority: 0,
      cell: (o) => num(statusOf(o).updatedNumberScheduled),
    },
    {
      name: 'Available',
      type: 'integer',
      description: 'Nodes whose daemon pod is available.',
      priority: 0,
      cell: (o) => num(statusOf(o).numberAvailable),
    },
    {
      name: 'Node Selector',
      type: 'string',
      description: "The template's node selector.",
      priority: 0,
      cell: (o) => formatLabels(templateNodeSelector(o)),
    },
    ageColumn,
    ...wideTemplateColumns(),
  ],
};
