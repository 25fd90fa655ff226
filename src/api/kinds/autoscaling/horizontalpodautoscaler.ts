/**
 * autoscaling/v2 HorizontalPodAutoscaler — the stored form of every HPA (autoscaling/v1 is a view
 * over it). Defaults: minReplicas 1, an 80% CPU utilization metric when none is given, and the
 * scale-up/scale-down rules filled in whenever `behavior` is present.
 */
import type { KubeObject } from '../../object.ts';
import { obj, type Obj } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { child, setDefault } from '../apps/workload.ts';
import { hpaColumns } from './hpa-columns.ts';
import { validateHorizontalPodAutoscaler } from './hpa-validation.ts';

/** CPU utilization target used when an HPA names no metric. */
export const defaultCPUUtilization = 80;

function scaleUpDefaults(): Obj {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

// No stabilizationWindowSeconds: the controller's own flag (300s by default) decides when unset.
function scaleDownDefaults(): Obj {
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** Fills the unset fields of one direction's rules from the defaults for that direction. */
function fillRules(rules: unknown, defaults: Obj): Obj {
  const given = obj(rules);
  for (const key of ['selectPolicy', 'stabilizationWindowSeconds', 'policies'])
    if (given[key] !== undefined && given[key] !== null) defaults[key] = given[key];
  return defaults;
}

/** Kubernetes' SetDefaults_HorizontalPodAutoscaler for autoscaling/v2. */
export function defaultHorizontalPodAutoscaler(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'minReplicas', 1);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } },
      },
    ];
  }
  if (spec.behavior !== undefined && spec.behavior !== null) {
    const behavior = child(spec, 'behavior');
    behavior.scaleUp = fillRules(behavior.scaleUp, scaleUpDefaults());
    behavior.scaleDown = fillRules(behavior.scaleDown, scaleDownDefaults());
  }
}

/** The `horizontalpodautoscalers` resource of autoscaling/v2 (the storage version). */
export const horizontalPodAutoscalerKind: KindDef = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  listKind: 'HorizontalPodAutoscalerList',
  resource: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  schema: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  hasStatus: true,
  strategy: {
    defaults: defaultHorizontalPodAutoscaler,
    // The status Kubernetes shows right after create: its one non-optional counter at 0.
    prepareForCreate: (o) => {
      o.status = { desiredReplicas: 0 };
    },
    validate: validateHorizontalPodAutoscaler,
  },
  columns: hpaColumns((o) => o),
};
