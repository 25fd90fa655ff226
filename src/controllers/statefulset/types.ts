/**
 * The parts of StatefulSet and PersistentVolumeClaim the StatefulSet controller reads and writes,
 * with Kubernetes' field names. Objects travel as plain JSON (see api/object.ts); only the fields
 * used here are named.
 */
import type { KubeObject, ObjectMeta } from '../../api/object.ts';
import type { LabelSelectorSpec } from '../../api/selectors/labels.ts';
import type { PodTemplateSpec, WorkloadCondition } from '../replicaset/types.ts';

export type { Pod, PodTemplateSpec } from '../replicaset/types.ts';

export type RetentionPolicyType = 'Retain' | 'Delete';

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: WorkloadCondition[];
}

export interface StatefulSet extends KubeObject {
  spec: {
    replicas?: number;
    selector?: LabelSelectorSpec;
    template?: PodTemplateSpec;
    volumeClaimTemplates?: PersistentVolumeClaim[];
    serviceName?: string;
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
    updateStrategy?: {
      type?: 'RollingUpdate' | 'OnDelete';
      rollingUpdate?: { partition?: number; maxUnavailable?: number | string };
    };
    revisionHistoryLimit?: number;
    minReadySeconds?: number;
    persistentVolumeClaimRetentionPolicy?: {
      whenDeleted?: RetentionPolicyType;
      whenScaled?: RetentionPolicyType;
    };
    ordinals?: { start?: number };
  };
  status?: StatefulSetStatus;
}

export interface PersistentVolumeClaim extends KubeObject {
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: { phase?: string; [k: string]: unknown };
}

/** A ControllerRevision as stored: `data` holds the patch that restores the set's pod template. */
export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision?: number;
}
