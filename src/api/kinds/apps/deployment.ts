/**
 * apps/v1 Deployment: rolling-update defaults, spec validation (selector/template pairing,
 * strategy, limits) and the selector made immutable, and the columns `kubectl get deploy` shows.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject, type KubeObject } from '../../object.ts';
import { defaultPodTemplateSpec } from '../core/pod-defaults.ts';
import { nonNegative, obj, str, type Obj } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { labelSelectorString } from './label-selector.ts';
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

/** Deployment defaults: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600. */
export function defaultDeployment(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplateSpec(child(spec, 'template'));
}

function validateStrategy(strategy: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(strategy.type);
  const ru = strategy.rollingUpdate;
  if (type === 'Recreate') {
    if (ru !== undefined && ru !== null)
      errs.push(
        fieldError.forbidden(
          `${path}.rollingUpdate`,
          "may not be specified when strategy `type` is 'Recreate'",
        ),
      );
  } else if (type === 'RollingUpdate') {
    if (!isObject(ru)) {
      errs.push(fieldError.required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil'));
    } else {
      const p = `${path}.rollingUpdate`;
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0)
        errs.push(
          fieldError.invalid(
            `${p}.maxUnavailable`,
            ru.maxUnavailable ?? 0,
            'may not be 0 when `maxSurge` is 0',
          ),
        );
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
    }
  } else {
    errs.push(
      type === ''
        ? fieldError.required(`${path}.type`)
        : fieldError.notSupported(`${path}.type`, type, ['Recreate', 'RollingUpdate']),
    );
  }
  return errs;
}

/** Semantic checks of a Deployment's spec (Kubernetes' ValidateDeploymentSpec). */
export function validateDeployment(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelectorAndTemplate(spec, 'spec', 'deployment'));
  errs.push(...validateReplicaTemplate(spec.template, 'spec.template', 'Deployment'));
  errs.push(...validateStrategy(obj(spec.strategy), 'spec.strategy'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const deadline = spec.progressDeadlineSeconds;
  if (typeof deadline === 'number') {
    errs.push(...nonNegative(deadline, 'spec.progressDeadlineSeconds'));
    if (deadline <= num(spec.minReadySeconds))
      errs.push(
        fieldError.invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'),
      );
  }
  return errs;
}

/** The selector of an apps/v1 Deployment never changes. */
export function validateDeploymentUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  return immutable(specOf(o).selector, specOf(old).selector, 'spec.selector');
}

/** The `deployments` resource of apps/v1. */
export const deploymentKind: KindDef = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  resource: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  schema: 'io.k8s.api.apps.v1.Deployment',
  hasStatus: true,
  scale: {
    specReplicasPath: 'spec.replicas',
    statusReplicasPath: 'status.replicas',
    labelSelectorPath: 'spec.selector',
  },
  strategy: {
    defaults: defaultDeployment,
    validate: validateDeployment,
    validateUpdate: validateDeploymentUpdate,
  },
  columns: [
    {
      name: 'Ready',
      type: 'string',
      description: 'Ready pods out of the desired number.',
      priority: 0,
      cell: (o) => `${num(statusOf(o).readyReplicas)}/${num(specOf(o).replicas)}`,
    },
    {
      name: 'Up-to-date',
      type: 'string',
      description: 'Pods running the current template.',
      priority: 0,
      cell: (o) => num(statusOf(o).updatedReplicas),
    },
    {
      name: 'Available',
      type: 'string',
      description: 'Pods available to serve.',
      priority: 0,
      cell: (o) => num(statusOf(o).availableReplicas),
    },
    ageColumn,
    // The deployment printer shows the raw selector string (empty, not <none>, for an empty one).
    ...wideTemplateColumns({ selector: (o) => labelSelectorString(specOf(o).selector) }),
  ],
};
