/**
 * Protobuf tables for apps/v1 Deployment and batch/v1 Job and CronJob.
 * Field numbers from Kubernetes' generated.proto; see ../table.ts for the flags.
 */
import type { MessageTable } from '../table.ts';

export const appsBatchMessages: MessageTable = {
  'apps.v1.Deployment': {
    1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['spec', 'apps.v1.DeploymentSpec'],
    3: ['status', 'apps.v1.DeploymentStatus'],
  },
  'apps.v1.DeploymentCondition': {
    1: ['type', 'string', 'z'], 2: ['status', 'string', 'z'], 4: ['reason', 'string'], 5: ['message', 'string'],
    6: ['lastUpdateTime', 'Time'], 7: ['lastTransitionTime', 'Time'],
  },
  'apps.v1.DeploymentSpec': {
    1: ['replicas', 'int32', 'z'], 2: ['selector', 'meta.v1.LabelSelector'], 3: ['template', 'core.v1.PodTemplateSpec'],
    4: ['strategy', 'apps.v1.DeploymentStrategy'], 5: ['minReadySeconds', 'int32'],
    6: ['revisionHistoryLimit', 'int32', 'z'], 7: ['paused', 'bool'], 9: ['progressDeadlineSeconds', 'int32', 'z'],
  },
  'apps.v1.DeploymentStatus': {
    1: ['observedGeneration', 'int64'], 2: ['replicas', 'int32'], 3: ['updatedReplicas', 'int32'],
    4: ['availableReplicas', 'int32'], 5: ['unavailableReplicas', 'int32'],
    6: ['conditions', 'apps.v1.DeploymentCondition', 'r'], 7: ['readyReplicas', 'int32'],
    8: ['collisionCount', 'int32', 'z'],
  },
  'apps.v1.DeploymentStrategy': { 1: ['type', 'string'], 2: ['rollingUpdate', 'apps.v1.RollingUpdateDeployment'] },
  'apps.v1.RollingUpdateDeployment': { 1: ['maxUnavailable', 'IntOrString'], 2: ['maxSurge', 'IntOrString'] },
  'batch.v1.CronJob': {
    1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['spec', 'batch.v1.CronJobSpec'], 3: ['status', 'batch.v1.CronJobStatus'],
  },
  'batch.v1.CronJobSpec': {
    1: ['schedule', 'string', 'z'], 2: ['startingDeadlineSeconds', 'int64', 'z'], 3: ['concurrencyPolicy', 'string'],
    4: ['suspend', 'bool', 'z'], 5: ['jobTemplate', 'batch.v1.JobTemplateSpec'],
    6: ['successfulJobsHistoryLimit', 'int32', 'z'], 7: ['failedJobsHistoryLimit', 'int32', 'z'],
    8: ['timeZone', 'string', 'z'],
  },
  'batch.v1.CronJobStatus': {
    1: ['active', 'core.v1.ObjectReference', 'r'], 4: ['lastScheduleTime', 'Time'], 5: ['lastSuccessfulTime', 'Time'],
  },
  'batch.v1.Job': {
    1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['spec', 'batch.v1.JobSpec'], 3: ['status', 'batch.v1.JobStatus'],
  },
  'batch.v1.JobCondition': {
    1: ['type', 'string', 'z'], 2: ['status', 'string', 'z'], 3: ['lastProbeTime', 'Time'],
    4: ['lastTransitionTime', 'Time'], 5: ['reason', 'string'], 6: ['message', 'string'],
  },
  'batch.v1.JobSpec': {
    1: ['parallelism', 'int32', 'z'], 2: ['completions', 'int32', 'z'], 3: ['activeDeadlineSeconds', 'int64', 'z'],
    4: ['selector', 'meta.v1.LabelSelector'], 5: ['manualSelector', 'bool', 'z'],
    6: ['template', 'core.v1.PodTemplateSpec'], 7: ['backoffLimit', 'int32', 'z'],
    8: ['ttlSecondsAfterFinished', 'int32', 'z'], 9: ['completionMode', 'string', 'z'], 10: ['suspend', 'bool', 'z'],
    11: ['podFailurePolicy', 'batch.v1.PodFailurePolicy'], 12: ['backoffLimitPerIndex', 'int32', 'z'],
    13: ['maxFailedIndexes', 'int32', 'z'], 14: ['podReplacementPolicy', 'string', 'z'],
    15: ['managedBy', 'string', 'z'], 16: ['successPolicy', 'batch.v1.SuccessPolicy'],
  },
  'batch.v1.JobStatus': {
    1: ['conditions', 'batch.v1.JobCondition', 'r'], 2: ['startTime', 'Time'], 3: ['completionTime', 'Time'],
    4: ['active', 'int32'], 5: ['succeeded', 'int32'], 6: ['failed', 'int32'], 7: ['completedIndexes', 'string'],
    8: ['uncountedTerminatedPods', 'batch.v1.UncountedTerminatedPods'], 9: ['ready', 'int32', 'z'],
    10: ['failedIndexes', 'string', 'z'], 11: ['terminating', 'int32', 'z'],
  },
  'batch.v1.JobTemplateSpec': { 1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['spec', 'batch.v1.JobSpec'] },
  'batch.v1.PodFailurePolicy': { 1: ['rules', 'batch.v1.PodFailurePolicyRule', 'r'] },
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': {
    1: ['containerName', 'string', 'z'], 2: ['operator', 'string', 'z'], 3: ['values', 'int32', 'r'],
  },
  'batch.v1.PodFailurePolicyOnPodConditionsPattern': { 1: ['type', 'string', 'z'], 2: ['status', 'string', 'z'] },
  'batch.v1.PodFailurePolicyRule': {
    1: ['action', 'string', 'z'], 2: ['onExitCodes', 'batch.v1.PodFailurePolicyOnExitCodesRequirement'],
    3: ['onPodConditions', 'batch.v1.PodFailurePolicyOnPodConditionsPattern', 'r'],
  },
  'batch.v1.SuccessPolicy': { 1: ['rules', 'batch.v1.SuccessPolicyRule', 'r'] },
  'batch.v1.SuccessPolicyRule': { 1: ['succeededIndexes', 'string', 'z'], 2: ['succeededCount', 'int32', 'z'] },
  'batch.v1.UncountedTerminatedPods': { 1: ['succeeded', 'string', 'r'], 2: ['failed', 'string', 'r'] },
};
