/**
 * Conversion between autoscaling/v1 and autoscaling/v2 HorizontalPodAutoscalers, loss-free in
 * both directions. v1 holds one CPU utilization target; everything else v2 can say (other
 * metrics, current metric readings, conditions, behavior) rides in annotations on the v1 object,
 * under the names Kubernetes uses, and is taken back out when converting to v2. The annotation
 * values are JSON of the v2 shapes (Kubernetes writes older v2beta1-like shapes there).
 */
import type { KubeObject, ObjectMeta } from '../../object.ts';
import { objects, obj, str, type Obj } from '../../validation/util.ts';
import { defaultHorizontalPodAutoscaler } from './horizontalpodautoscaler.ts';

/** Annotation holding the v2 metrics other than the CPU utilization target. */
export const metricSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
/** Annotation holding status.currentMetrics. */
export const metricStatusesAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
/** Annotation holding status.conditions. */
export const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
/** Annotation holding spec.behavior. */
export const behaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';

const conversionAnnotations = [
  metricSpecsAnnotation,
  metricStatusesAnnotation,
  conditionsAnnotation,
  behaviorAnnotation,
];

function isCpuUtilization(metric: Obj, field: 'target' | 'current'): boolean {
  const res = obj(metric.resource);
  return (
    str(metric.type) === 'Resource' &&
    str(res.name) === 'cpu' &&
    typeof obj(res[field]).averageUtilization === 'number'
  );
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function copyMeta(meta: ObjectMeta): ObjectMeta {
  return structuredClone(meta);
}

/** Copies the fields that exist under the same name in both versions. */
function pick(from: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = structuredClone(from[k]);
  return out;
}

/** autoscaling/v1 → autoscaling/v2, taking the extra v2 fields back out of the annotations. */
export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const metadata = copyMeta(v1.metadata);
  const annotations = { ...(metadata.annotations ?? {}) };
  for (const a of conversionAnnotations) delete annotations[a];
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  const source = v1.metadata.annotations ?? {};

  const spec1 = obj(v1.spec);
  const spec: Obj = pick(spec1, ['scaleTargetRef', 'minReplicas', 'maxReplicas']);
  const metrics: unknown[] = [];
  if (typeof spec1.targetCPUUtilizationPercentage === 'number') {
    metrics.push({
      type: 'Resource',
      resource: {
        name: 'cpu',
        target: { type: 'Utilization', averageUtilization: spec1.targetCPUUtilizationPercentage },
      },
    });
  }
  const others = parseJson(source[metricSpecsAnnotation]);
  if (Array.isArray(others)) metrics.push(...others);
  if (metrics.length) spec.metrics = metrics;
  const behavior = parseJson(source[behaviorAnnotation]);
  if (behavior && typeof behavior === 'object') spec.behavior = behavior;

  const out: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata, spec };
  if (v1.status !== undefined) {
    const status1 = obj(v1.status);
    const status: Obj = pick(status1, [
      'observedGeneration',
      'lastScaleTime',
      'currentReplicas',
      'desiredReplicas',
    ]);
    const current = parseJson(source[metricStatusesAnnotation]);
    if (Array.isArray(current)) status.currentMetrics = current;
    else if (typeof status1.currentCPUUtilizationPercentage === 'number')
      status.currentMetrics = [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: status1.currentCPUUtilizationPercentage } },
        },
      ];
    const conditions = parseJson(source[conditionsAnnotation]);
    if (Array.isArray(conditions)) status.conditions = conditions;
    out.status = status;
  }
  // Reading a v2 object applies v2 defaults (e.g. the 80% CPU metric when v1 named no target).
  defaultHorizontalPodAutoscaler(out);
  return out;
}

/** autoscaling/v2 → autoscaling/v1, parking what v1 cannot hold in annotations. */
export function hpaV2ToV1(v2: KubeObject): KubeObject {
  const metadata = copyMeta(v2.metadata);
  const annotations: Record<string, string> = { ...(metadata.annotations ?? {}) };
  const spec2 = obj(v2.spec);
  const spec: Obj = pick(spec2, ['scaleTargetRef', 'minReplicas', 'maxReplicas']);
  const others: Obj[] = [];
  for (const m of objects(spec2.metrics)) {
    if (spec.targetCPUUtilizationPercentage === undefined && isCpuUtilization(m, 'target'))
      spec.targetCPUUtilizationPercentage = obj(obj(m.resource).target).averageUtilization;
    else others.push(m);
  }
  if (others.length) annotations[metricSpecsAnnotation] = JSON.stringify(others);
  if (spec2.behavior !== undefined && spec2.behavior !== null)
    annotations[behaviorAnnotation] = JSON.stringify(spec2.behavior);

  const status2 = obj(v2.status);
  const status: Obj = {
    currentReplicas: 0,
    desiredReplicas: 0,
    ...pick(status2, ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']),
  };
  const current = objects(status2.currentMetrics);
  const cpu = current.find((m) => isCpuUtilization(m, 'current'));
  if (cpu) status.currentCPUUtilizationPercentage = obj(obj(cpu.resource).current).averageUtilization;
  if (current.length) annotations[metricStatusesAnnotation] = JSON.stringify(current);
  const conditions = objects(status2.conditions);
  if (conditions.length) annotations[conditionsAnnotation] = JSON.stringify(conditions);

  if (Object.keys(annotations).length) metadata.annotations = annotations;
  const out: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata, spec };
  if (v2.status !== undefined) out.status = status;
  return out;
}
