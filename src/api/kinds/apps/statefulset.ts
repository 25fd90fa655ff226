/**
 * apps/v1 StatefulSet: defaults (OrderedReady, RollingUpdate partition 0, Retain/Retain claims),
 * spec validation, the short list of spec fields an update may change, and the READY column.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject, type KubeObject } from '../../object.ts';
import { defaultPodTemplateSpec } from '../core/pod-defaults.ts';
import { nonNegative, objects, obj, oneOf, str, type Obj } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import {
  ageColumn,
  child,
  deepEqual,
  intOrPercentValue,
  notMoreThan100Percent,
  num,
  setDefault,
  specOf,
  statusOf,
  validateReplicaTemplate,
  validatePositiveIntOrPercent,
  validateSelectorAndTemplate,
  wideTemplateColumns,
} from './workload.ts';

/** StatefulSet defaults, including the claim defaults applied inside volumeClaimTemplates. */
export function defaultStatefulSet(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = child(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') setDefault(child(strategy, 'rollingUpdate'), 'partition', 0);
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(child(spec, 'template'));
  for (const claim of objects(spec.volumeClaimTemplates)) {
    setDefault(claim, 'apiVersion', 'v1');
    setDefault(claim, 'kind', 'PersistentVolumeClaim');
    setDefault(child(claim, 'spec'), 'volumeMode', 'Filesystem');
    setDefault(child(claim, 'status'), 'phase', 'Pending');
  }
}

/** maxUnavailable, when given, is a positive integer or a percentage of at most 100%. */
function validateMaxUnavailable(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  const errs = [...validatePositiveIntOrPercent(v, path), ...notMoreThan100Percent(v, path)];
  if (errs.length === 0 && intOrPercentValue(v) === 0)
    errs.push(fieldError.invalid(path, v, 'must be greater than 0'));
  return errs;
}

function validateUpdateStrategy(strategy: Obj, path: string): FieldError[] {
  const type = str(strategy.type);
  const ru = strategy.rollingUpdate;
  switch (type) {
    case '':
      return [fieldError.required(path)];
    case 'OnDelete':
      return ru === undefined || ru === null
        ? []
        : [
            fieldError.invalid(
              `${path}.rollingUpdate`,
              ru,
              "only allowed for updateStrategy 'RollingUpdate'",
            ),
          ];
    case 'RollingUpdate':
      return isObject(ru)
        ? [
            ...nonNegative(ru.partition, `${path}.rollingUpdate.partition`),
            ...validateMaxUnavailable(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`),
          ]
        : [];
    default:
      return [fieldError.invalid(path, strategy, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

/**
 * The template as its pods will have it: each volumeClaimTemplate becomes a volume of the same name
 * (the controller mounts the pod's claim there), so volumeMounts may name the claim templates.
 */
function withClaimVolumes(spec: Obj): unknown {
  const template = spec.template;
  const claims = objects(spec.volumeClaimTemplates).map((c) => str(obj(c.metadata).name));
  if (!isObject(template) || claims.length === 0) return template;
  const podSpec = obj(template.spec);
  const volumes = objects(podSpec.volumes);
  const have = new Set(volumes.map((v) => str(v.name)));
  const added = claims
    .filter((n) => n !== '' && !have.has(n))
    .map((n) => ({ name: n, persistentVolumeClaim: { claimName: n } }));
  return { ...template, spec: { ...podSpec, volumes: [...volumes, ...added] } };
}

/** Semantic checks of a StatefulSet's spec (Kubernetes' ValidateStatefulSetSpec). */
export function validateStatefulSet(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  const policy = str(spec.podManagementPolicy);
  if (policy === '') errs.push(fieldError.required('spec.podManagementPolicy'));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel')
    errs.push(fieldError.invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));
  errs.push(...validateUpdateStrategy(obj(spec.updateStrategy), 'spec.updateStrategy'));
  const retention = obj(spec.persistentVolumeClaimRetentionPolicy);
  const rp = 'spec.persistentVolumeClaimRetentionPolicy';
  errs.push(...oneOf(retention.whenDeleted, `${rp}.whenDeleted`, ['Retain', 'Delete'], false));
  errs.push(...oneOf(retention.whenScaled, `${rp}.whenScaled`, ['Retain', 'Delete'], false));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(obj(spec.ordinals).start, 'spec.ordinals.start'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  errs.push(...validateSelectorAndTemplate(spec, 'spec', 'statefulset'));
  errs.push(...validateReplicaTemplate(withClaimVolumes(spec), 'spec.template', 'StatefulSet'));
  objects(spec.volumeClaimTemplates).forEach((claim, i) => {
    if (!str(obj(claim.metadata).name))
      errs.push(fieldError.required(`spec.volumeClaimTemplates[${i}].metadata.name`));
  });
  return errs;
}

/** Spec fields an update may change; everything else in spec is fixed at creation. */
const mutableSpecFields = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

/** Rejects changes to spec fields outside the mutable list (selector, serviceName, claims, …). */
export function validateStatefulSetUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const strip = (spec: Obj): Obj =>
    Object.fromEntries(Object.entries(spec).filter(([k]) => !mutableSpecFields.includes(k)));
  if (deepEqual(strip(specOf(o)), strip(specOf(old)))) return [];
  return [
    fieldError.forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

/** The `statefulsets` resource of apps/v1. */
export const statefulSetKind: KindDef = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  listKind: 'StatefulSetList',
  resource: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  schema: 'io.k8s.api.apps.v1.StatefulSet',
  hasStatus: true,
  scale: {
    specReplicasPath: 'spec.replicas',
    statusReplicasPath: 'status.replicas',
    labelSelectorPath: 'spec.selector',
  },
  strategy: {
    defaults: defaultStatefulSet,
    // The status Kubernetes shows right after create: its non-optional counters at 0.
    prepareForCreate: (o) => {
      o.status = { replicas: 0, availableReplicas: 0 };
    },
    validate: validateStatefulSet,
    validateUpdate: validateStatefulSetUpdate,
  },
  columns: [
    {
      name: 'Ready',
      type: 'string',
      description: 'Ready pods out of the desired number.',
      priority: 0,
      cell: (o) => `${num(statusOf(o).readyReplicas)}/${num(specOf(o).replicas)}`,
    },
    ageColumn,
    ...wideTemplateColumns({ selector: null }),
  ],
};
