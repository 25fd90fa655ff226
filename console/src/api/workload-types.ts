/**
 * The parts of workload objects (apps/v1, batch/v1) and of Services, ConfigMaps and Secrets that
 * the console reads. Like types.ts, only displayed or patched fields are named; the rest stays
 * `unknown` so no page assumes a field the server did not send.
 */
import type { Condition, Container, KubeObject, ObjectMeta } from './types.ts';

/** A label selector as workloads carry it. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A pod template: the part of a workload that rollouts, restarts and rollbacks change. */
export interface PodTemplate {
  metadata?: Partial<ObjectMeta>;
  spec?: { containers?: Container[]; initContainers?: Container[]; [field: string]: unknown };
}

/** What every pod-owning workload has in its spec. */
export interface WorkloadSpec {
  replicas?: number;
  paused?: boolean;
  selector?: LabelSelector;
  template?: PodTemplate;
}

export interface StatefulSet extends KubeObject {
  spec?: WorkloadSpec & { serviceName?: string };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    conditions?: Condition[];
  };
}

export interface DaemonSet extends KubeObject {
  spec?: WorkloadSpec;
  status?: {
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberMisscheduled?: number;
    conditions?: Condition[];
  };
}

export interface JobSpec {
  completions?: number;
  parallelism?: number;
  suspend?: boolean;
  selector?: LabelSelector;
  template?: PodTemplate;
  [field: string]: unknown;
}

export interface Job extends KubeObject {
  spec?: JobSpec;
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    ready?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: Condition[];
  };
}

export interface CronJob extends KubeObject {
  spec?: {
    schedule?: string;
    timeZone?: string;
    suspend?: boolean;
    concurrencyPolicy?: string;
    jobTemplate?: { metadata?: Partial<ObjectMeta>; spec?: JobSpec };
  };
  status?: {
    active?: { name?: string; namespace?: string; uid?: string }[];
    lastScheduleTime?: string;
    lastSuccessfulTime?: string;
  };
}

export interface ReplicaSet extends KubeObject {
  spec?: { replicas?: number; selector?: LabelSelector; template?: PodTemplate };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

export interface ControllerRevision extends KubeObject {
  revision?: number;
  data?: unknown;
}

export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface Service extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    externalIPs?: string[];
    externalName?: string;
    ports?: ServicePort[];
    selector?: Record<string, string>;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

export interface Secret extends KubeObject {
  type?: string;
  /** Base64-encoded values; never rendered unless the user asks. */
  data?: Record<string, string>;
}
