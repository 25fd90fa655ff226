/**
 * The parts of DaemonSet (apps/v1) the DaemonSet controller reads and writes, with Kubernetes'
 * field names. Pods are the workload controllers' Pod with a typed spec (the controller reads
 * tolerations, node affinity and nodeName); nodes are the scheduler's Node shape.
 */
import type { KubeObject, ObjectMeta } from '../../api/object.ts';
import type { LabelSelectorSpec } from '../../api/selectors/labels.ts';
import type { Pod as WorkloadPod } from '../replicaset/types.ts';
import type { PodSpec } from '../../scheduler/types.ts';

export type { Node, Taint, Toleration, NodeSelectorTerm } from '../../scheduler/types.ts';

/** A pod spec as the controller sees it: the scheduler's typed fields plus whatever else it carries. */
export type DaemonPodSpec = PodSpec & Record<string, unknown>;

/** A pod owned (or about to be owned) by a DaemonSet. */
export interface Pod extends WorkloadPod {
  spec?: DaemonPodSpec;
}

export interface DaemonSetTemplate {
  metadata?: ObjectMeta;
  spec?: DaemonPodSpec;
}

export interface DaemonSetUpdateStrategy {
  type?: 'RollingUpdate' | 'OnDelete';
  rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string };
}

export interface DaemonSetCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: DaemonSetCondition[];
}

export interface DaemonSet extends KubeObject {
  spec: {
    selector?: LabelSelectorSpec;
    template?: DaemonSetTemplate;
    updateStrategy?: DaemonSetUpdateStrategy;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: DaemonSetStatus;
}

/** apps/v1 ControllerRevision: an immutable snapshot of a template (`data`) with a revision number. */
export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision: number;
}

/** The label on pods and ControllerRevisions naming the revision (template hash) they belong to. */
export const controllerRevisionHashLabel = 'controller-revision-hash';
/** The label on daemon pods carrying the DaemonSet's template generation when the pod was made. */
export const podTemplateGenerationLabel = 'pod-template-generation';
/** The DaemonSet annotation the API server keeps at the generation of the last template change. */
export const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';
