/**
 * The autoscaling group: HorizontalPodAutoscaler stored as autoscaling/v2 and also served as
 * autoscaling/v1 over the same storage, plus the autoscaling/v1 Scale type of /scale subresources.
 */
import type { GroupModule } from '../types.ts';
import { definitions } from './definitions.ts';
import { horizontalPodAutoscalerKind } from './horizontalpodautoscaler.ts';
import { horizontalPodAutoscalerV1Kind } from './horizontalpodautoscaler-v1.ts';

export const module: GroupModule = {
  kinds: [horizontalPodAutoscalerKind, horizontalPodAutoscalerV1Kind],
  definitions,
};
