/**
 * apps/v1 ReplicaSet: replicas default 1, the replica-style template rules, an immutable
 * selector, the `status.replicas` field selector and the DESIRED/CURRENT/READY columns.
 */
import type { FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { defaultPodTemplateSpec } from '../core/pod-defaults.ts';
import { nonNegative } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import {
  ageColumn,
  child,
  immutable,
  num,
  setDefault,
  specOf,
  statusOf,
  validateReplicaTemplate,
  validateSelectorAndTemplate,
  wideTemplateColumns,
} from './workload.ts';

/** ReplicaSet defaults: replicas 1 and the pod template defaults. */
export function defaultReplicaSet(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultPodTemplateSpec(child(spec, 'template'));
}

/** Semantic checks of a ReplicaSet's spec (Kubernetes' ValidateReplicaSetSpec). */
export function validateReplicaSet(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  return [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateSelectorAndTemplate(spec, 'spec', 'deployment'),
    ...validateReplicaTemplate(spec.template, 'spec.template', 'ReplicaSet'),
  ];
}

/** The ReplicaSet status Kubernetes shows right after create (its required counter is 0). */
function prepareReplicaSetForCreate(o: KubeObject): void {
  o.status = { replicas: 0 };
}

/** The `replicasets` resource of apps/v1. */
export const replicaSetKind: KindDef = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  listKind: 'ReplicaSetList',
  resource: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  schema: 'io.k8s.api.apps.v1.ReplicaSet',
  hasStatus: true,
  scale: {
    specReplicasPath: 'spec.replicas',
    statusReplicasPath: 'status.replicas',
    labelSelectorPath: 'spec.selector',
  },
  strategy: {
    defaults: defaultReplicaSet,
    prepareForCreate: prepareReplicaSetForCreate,
    validate: validateReplicaSet,
    validateUpdate: (o, old) => immutable(specOf(o).selector, specOf(old).selector, 'spec.selector'),
  },
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
      description: 'Pods with a Ready condition.',
      priority: 0,
      cell: (o) => num(statusOf(o).readyReplicas),
    },
    ageColumn,
    ...wideTemplateColumns(),
  ],
  fieldSelectors: {
    'status.replicas': (o) => String(num(statusOf(o).replicas)),
  },
};
