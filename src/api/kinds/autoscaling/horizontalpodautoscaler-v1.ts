/**
 * autoscaling/v1 HorizontalPodAutoscaler, served over the autoscaling/v2 storage: writes convert
 * to v2 before they are stored, reads convert back. Checks run on the v2 form, as Kubernetes runs
 * them on its internal form.
 */
import type { KubeObject } from '../../object.ts';
import type { KindDef } from '../types.ts';
import { child, setDefault } from '../apps/workload.ts';
import { hpaV1ToV2, hpaV2ToV1 } from './convert.ts';
import { hpaColumns } from './hpa-columns.ts';
import { validateHorizontalPodAutoscaler } from './hpa-validation.ts';

/** autoscaling/v1 defaults: minReplicas 1 (the CPU target is defaulted on the v2 side). */
export function defaultHorizontalPodAutoscalerV1(o: KubeObject): void {
  setDefault(child(o, 'spec'), 'minReplicas', 1);
}

/** The `horizontalpodautoscalers` resource of autoscaling/v1. */
export const horizontalPodAutoscalerV1Kind: KindDef = {
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  listKind: 'HorizontalPodAutoscalerList',
  resource: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  schema: 'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler',
  hasStatus: true,
  storedAs: { group: 'autoscaling', resource: 'horizontalpodautoscalers' },
  toStorage: hpaV1ToV2,
  fromStorage: hpaV2ToV1,
  strategy: {
    defaults: defaultHorizontalPodAutoscalerV1,
    prepareForCreate: (o) => {
      o.status = { currentReplicas: 0, desiredReplicas: 0 };
    },
    validate: (o) => validateHorizontalPodAutoscaler(hpaV1ToV2(o)),
  },
  columns: hpaColumns(hpaV1ToV2),
};
