/**
 * core/v1 ReplicationController (legacy): selector and labels default to the template labels,
 * replicas 1; selector required and matching the template; template restartPolicy Always.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject, type KubeObject } from '../../object.ts';
import { validateLabels } from '../../validation/meta.ts';
import { validatePodTemplateSpec } from '../../validation/pod.ts';
import type { KindDef } from '../types.ts';
import { defaultPodTemplateSpec } from './pod-defaults.ts';
import { containerCells } from './podtemplate.ts';
import { ageColumn, child, col, field, formatLabels, specOf, statusOf, str } from './util.ts';

/** RC defaults: selector and object labels from the template labels, replicas 1, template defaults. */
export function defaultReplicationController(o: KubeObject): void {
  const spec = child(o, 'spec');
  const labels = field(field(spec, 'template'), 'metadata').labels;
  if (isObject(labels) && Object.keys(labels).length) {
    if (!isObject(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    if (!o.metadata.labels || Object.keys(o.metadata.labels).length === 0)
      o.metadata.labels = { ...(labels as Record<string, string>) };
  }
  if (typeof spec.replicas !== 'number') spec.replicas = 1;
  if (isObject(spec.template)) defaultPodTemplateSpec(spec.template);
}

/** RC checks (Kubernetes' ValidateReplicationControllerSpec). */
export function validateReplicationController(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  if (typeof spec.replicas === 'number' && spec.replicas < 0)
    errs.push(fieldError.invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  if (typeof spec.minReadySeconds === 'number' && spec.minReadySeconds < 0)
    errs.push(
      fieldError.invalid('spec.minReadySeconds', spec.minReadySeconds, 'must be greater than or equal to 0'),
    );
  const selector = field(spec, 'selector') as Record<string, string>;
  if (Object.keys(selector).length === 0) errs.push(fieldError.required('spec.selector'));
  else errs.push(...validateLabels(selector, 'spec.selector'));
  if (!isObject(spec.template)) {
    errs.push(fieldError.required('spec.template'));
    return errs;
  }
  const labels = field(field(spec, 'template'), 'metadata').labels as Record<string, string> | undefined;
  if (Object.keys(selector).length && !Object.entries(selector).every(([k, v]) => labels?.[k] === v))
    errs.push(
      fieldError.invalid(
        'spec.template.metadata.labels',
        labels ?? {},
        '`selector` does not match template `labels`',
      ),
    );
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  const rp = str(field(field(spec, 'template'), 'spec').restartPolicy);
  if (rp && rp !== 'Always')
    errs.push(fieldError.notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  return errs;
}

const tplSpec = (o: KubeObject) => field(field(specOf(o), 'template'), 'spec');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** The `replicationcontrollers` resource of core/v1. */
export const replicationControllerKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  listKind: 'ReplicationControllerList',
  resource: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  schema: 'io.k8s.api.core.v1.ReplicationController',
  hasStatus: true,
  scale: {
    specReplicasPath: 'spec.replicas',
    statusReplicasPath: 'status.replicas',
    labelSelectorPath: 'spec.selector',
  },
  strategy: { defaults: defaultReplicationController, validate: validateReplicationController },
  columns: [
    {
      name: 'Desired',
      type: 'integer',
      description: 'Desired number of pods.',
      priority: 0,
      cell: (o) => num(specOf(o).replicas),
    },
    {
      name: 'Current',
      type: 'integer',
      description: 'Pods that exist now.',
      priority: 0,
      cell: (o) => num(statusOf(o).replicas),
    },
    {
      name: 'Ready',
      type: 'integer',
      description: 'Ready pods.',
      priority: 0,
      cell: (o) => num(statusOf(o).readyReplicas),
    },
    ageColumn,
    col('Containers', 'Names of the containers.', (o) => containerCells(tplSpec(o)).names, 1),
    col('Images', 'Images of the containers.', (o) => containerCells(tplSpec(o)).images, 1),
    col('Selector', 'Label selector of the pods.', (o) => formatLabels(specOf(o).selector), 1),
  ],
  fieldSelectors: { 'status.replicas': (o) => String(num(statusOf(o).replicas)) },
};
