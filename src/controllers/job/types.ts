/**
 * The parts of batch/v1 Job and of Pod the Job controller reads and writes, with Kubernetes' field
 * names, plus the well-known labels, annotations and the finalizer it puts on pods. Objects travel
 * as plain JSON; these interfaces only name what the controller touches.
 */
import type { KubeObject, ObjectMeta } from '../../api/object.ts';
import type { LabelSelectorSpec } from '../../api/selectors/labels.ts';

export {
  controllerUidLabel,
  jobNameLabel,
  legacyControllerUidLabel,
  legacyJobNameLabel,
} from '../../api/kinds/batch/job.ts';

/** Finalizer the controller keeps on its pods until it has counted them in the Job's status. */
export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';
/** Annotation (and label) carrying an Indexed Job pod's completion index. */
export const completionIndexAnnotation = 'batch.kubernetes.io/job-completion-index';
/** Annotation carrying how many earlier pods of the same index failed (backoffLimitPerIndex). */
export const indexFailureCountAnnotation = 'batch.kubernetes.io/job-index-failure-count';
/** The env var an Indexed Job's containers read their index from. */
export const completionIndexEnv = 'JOB_COMPLETION_INDEX';
/** spec.managedBy value meaning "this controller" (any other value: leave the Job alone). */
export const jobControllerName = 'kubernetes.io/job-controller';

export interface JobCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface OnExitCodes {
  containerName?: string;
  operator: 'In' | 'NotIn';
  values: number[];
}

export interface OnPodConditionsPattern {
  type: string;
  status?: 'True' | 'False' | 'Unknown';
}

export type PodFailurePolicyAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PodFailurePolicyRule {
  action: PodFailurePolicyAction;
  onExitCodes?: OnExitCodes;
  onPodConditions?: OnPodConditionsPattern[];
}

export interface SuccessPolicyRule {
  succeededIndexes?: string;
  succeededCount?: number;
}

export interface JobSpec {
  parallelism?: number;
  completions?: number | null;
  activeDeadlineSeconds?: number;
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  maxFailedIndexes?: number;
  selector?: LabelSelectorSpec;
  manualSelector?: boolean;
  template: { metadata?: ObjectMeta; spec?: PodSpec };
  ttlSecondsAfterFinished?: number;
  completionMode?: 'NonIndexed' | 'Indexed';
  suspend?: boolean;
  podFailurePolicy?: { rules?: PodFailurePolicyRule[] };
  successPolicy?: { rules?: SuccessPolicyRule[] };
  podReplacementPolicy?: 'TerminatingOrFailed' | 'Failed';
  managedBy?: string;
}

export interface UncountedTerminatedPods {
  succeeded?: string[];
  failed?: string[];
}

export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  completedIndexes?: string;
  failedIndexes?: string;
  uncountedTerminatedPods?: UncountedTerminatedPods;
  ready?: number;
}

export interface Job extends KubeObject {
  spec: JobSpec;
  status?: JobStatus;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Container {
  name: string;
  image?: string;
  env?: EnvVar[];
  [k: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  restartPolicy?: string;
  hostname?: string;
  nodeName?: string;
  [k: string]: unknown;
}

export interface ContainerState {
  running?: { startedAt?: string };
  waiting?: { reason?: string };
  terminated?: { exitCode: number; reason?: string; finishedAt?: string; startedAt?: string };
}

export interface ContainerStatus {
  name: string;
  restartCount?: number;
  ready?: boolean;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: {
    phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    conditions?: PodCondition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    [k: string]: unknown;
  };
}
