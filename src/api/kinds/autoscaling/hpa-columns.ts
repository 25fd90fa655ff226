/**
 * The columns of `kubectl get hpa`: REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE, computed
 * from an autoscaling/v2 object (the v1 view converts first), with kubectl's TARGETS wording
 * such as `cpu: 45%/80%` and `<unknown>` before the first reading.
 */
import type { KubeObject } from '../../object.ts';
import { objects, obj, str, type Obj } from '../../validation/util.ts';
import type { Column } from '../types.ts';
import { ageColumn, num } from '../apps/workload.ts';

const qty = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const unknown = '<unknown>';

function formatMetric(spec: Obj, status: Obj | undefined): string {
  const type = str(spec.type);
  if (type === 'External' || type === 'Object') {
    const key = type === 'External' ? 'external' : 'object';
    const target = obj(obj(spec[key]).target);
    const current = status?.[key] != null ? obj(obj(status[key]).current) : undefined;
    if (target.averageValue != null) {
      const cur = current && current.averageValue != null ? qty(current.averageValue) : unknown;
      return `${cur}/${qty(target.averageValue)} (avg)`;
    }
    return `${current ? qty(current.value) : unknown}/${qty(target.value)}`;
  }
  if (type === 'Pods') {
    const target = obj(obj(spec.pods).target);
    const cur = status?.pods != null ? qty(obj(obj(status.pods).current).averageValue) : unknown;
    return `${cur}/${qty(target.averageValue)}`;
  }
  if (type === 'Resource' || type === 'ContainerResource') {
    const key = type === 'Resource' ? 'resource' : 'containerResource';
    const src = obj(spec[key]);
    const target = obj(src.target);
    const current = status?.[key] != null ? obj(obj(status[key]).current) : undefined;
    if (target.averageValue != null) {
      return `${str(src.name)}: ${current ? qty(current.averageValue) : unknown}/${qty(target.averageValue)}`;
    }
    const cur =
      current && typeof current.averageUtilization === 'number' ? `${current.averageUtilization}%` : unknown;
    const tgt = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
    return `${str(src.name)}: ${cur}/${tgt}`;
  }
  return '<unknown type>';
}

/** kubectl's TARGETS cell: the first two metrics, then `+ N more...`; `<none>` without metrics. */
export function formatHPAMetrics(specs: unknown, statuses: unknown): string {
  const list = objects(specs);
  if (list.length === 0) return '<none>';
  const current = objects(statuses);
  const parts = list.map((m, i) => formatMetric(m, current[i]));
  const shown = parts.slice(0, 2).join(', ');
  return parts.length > 2 ? `${shown} + ${parts.length - 2} more...` : shown;
}

/** HPA columns reading a v2-shaped object obtained through `view` (identity for v2, conversion for v1). */
export function hpaColumns(view: (o: KubeObject) => KubeObject): Column[] {
  const spec = (o: KubeObject) => obj(view(o).spec);
  const status = (o: KubeObject) => obj(view(o).status);
  return [
    {
      name: 'Reference',
      type: 'string',
      description: 'The workload being scaled.',
      priority: 0,
      cell: (o) => {
        const ref = obj(spec(o).scaleTargetRef);
        return `${str(ref.kind)}/${str(ref.name)}`;
      },
    },
    {
      name: 'Targets',
      type: 'string',
      description: 'Current and target values of the metrics.',
      priority: 0,
      cell: (o) => formatHPAMetrics(spec(o).metrics, status(o).currentMetrics),
    },
    {
      name: 'MinPods',
      type: 'string',
      description: 'Lowest replica count.',
      priority: 0,
      cell: (o) => (typeof spec(o).minReplicas === 'number' ? String(spec(o).minReplicas) : '<unset>'),
    },
    {
      name: 'MaxPods',
      type: 'string',
      description: 'Highest replica count.',
      priority: 0,
      cell: (o) => num(spec(o).maxReplicas),
    },
    {
      name: 'Replicas',
      type: 'string',
      description: 'Current replica count.',
      priority: 0,
      cell: (o) => num(status(o).currentReplicas),
    },
    ageColumn,
  ];
}
