/**
 * Protobuf tables for meta.k8s.io/v1: ObjectMeta and friends, LabelSelector, DeleteOptions, Condition.
 * Field numbers from Kubernetes' generated.proto; see ../table.ts for the flags.
 */
import type { MessageTable } from '../table.ts';

export const metaMessages: MessageTable = {
  'meta.v1.Condition': {
    1: ['type', 'string', 'z'],
    2: ['status', 'string', 'z'],
    3: ['observedGeneration', 'int64'],
    4: ['lastTransitionTime', 'Time'],
    5: ['reason', 'string', 'z'],
    6: ['message', 'string', 'z'],
  },
  'meta.v1.DeleteOptions': {
    1: ['gracePeriodSeconds', 'int64', 'z'],
    2: ['preconditions', 'meta.v1.Preconditions'],
    3: ['orphanDependents', 'bool', 'z'],
    4: ['propagationPolicy', 'string', 'z'],
    5: ['dryRun', 'string', 'r'],
    6: ['ignoreStoreReadErrorWithClusterBreakingPotential', 'bool', 'z'],
  },
  'meta.v1.FieldSelectorRequirement': {
    1: ['key', 'string'],
    2: ['operator', 'string'],
    3: ['values', 'string', 'r'],
  },
  'meta.v1.LabelSelector': {
    1: ['matchLabels', 'string', 'm'],
    2: ['matchExpressions', 'meta.v1.LabelSelectorRequirement', 'r'],
  },
  'meta.v1.LabelSelectorRequirement': {
    1: ['key', 'string', 'z'],
    2: ['operator', 'string', 'z'],
    3: ['values', 'string', 'r'],
  },
  'meta.v1.ManagedFieldsEntry': {
    1: ['manager', 'string'],
    2: ['operation', 'string'],
    3: ['apiVersion', 'string'],
    4: ['time', 'Time'],
    6: ['fieldsType', 'string'],
    7: ['fieldsV1', 'FieldsV1'],
    8: ['subresource', 'string'],
  },
  'meta.v1.ObjectMeta': {
    1: ['name', 'string'],
    2: ['generateName', 'string'],
    3: ['namespace', 'string'],
    4: ['selfLink', 'string'],
    5: ['uid', 'string'],
    6: ['resourceVersion', 'string'],
    7: ['generation', 'int64'],
    8: ['creationTimestamp', 'Time'],
    9: ['deletionTimestamp', 'Time'],
    10: ['deletionGracePeriodSeconds', 'int64', 'z'],
    11: ['labels', 'string', 'm'],
    12: ['annotations', 'string', 'm'],
    13: ['ownerReferences', 'meta.v1.OwnerReference', 'r'],
    14: ['finalizers', 'string', 'r'],
    17: ['managedFields', 'meta.v1.ManagedFieldsEntry', 'r'],
  },
  'meta.v1.OwnerReference': {
    1: ['kind', 'string', 'z'],
    3: ['name', 'string', 'z'],
    4: ['uid', 'string', 'z'],
    5: ['apiVersion', 'string', 'z'],
    6: ['controller', 'bool', 'z'],
    7: ['blockOwnerDeletion', 'bool', 'z'],
  },
  'meta.v1.Preconditions': { 1: ['uid', 'string', 'z'], 2: ['resourceVersion', 'string', 'z'] },
};
