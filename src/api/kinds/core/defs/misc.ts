/** core/v1 schema definitions for ResourceQuota, LimitRange, Event and ReplicationController. */
import { s, type Definitions } from '../../../schema/types.ts';
import { V1, core, coreKind, coreList, keyed, listOf, meta, resourceList } from './helpers.ts';

export const miscDefinitions: Definitions = {
  [V1 + 'ResourceQuota']: coreKind('ResourceQuota', 'Limits on the total resources a namespace may use.', {
    spec: core('ResourceQuotaSpec', 'The quota.'),
    status: core('ResourceQuotaStatus', 'Current use against the quota.'),
  }),
  [V1 + 'ResourceQuotaList']: coreList('ResourceQuota', 'A list of resource quotas.'),
  [V1 + 'ResourceQuotaSpec']: s.obj(
    {
      hard: resourceList('Most of each resource the namespace may use.'),
      scopes: s.strList('Scopes whose objects the quota counts.'),
      scopeSelector: core('ScopeSelector', 'Scopes selected by expression.'),
    },
    'The limits of a quota.',
  ),
  [V1 + 'ScopeSelector']: {
    ...s.obj(
      { matchExpressions: listOf('ScopedResourceSelectorRequirement', 'Requirements ANDed together.') },
      'Selects quota scopes.',
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [V1 + 'ScopedResourceSelectorRequirement']: s.obj(
    {
      scopeName: s.str('Scope name.'),
      operator: s.enumOf(['DoesNotExist', 'Exists', 'In', 'NotIn'], 'How values are compared.'),
      values: s.strList('Values to compare with.'),
    },
    'One requirement on a quota scope.',
    ['scopeName', 'operator'],
  ),
  [V1 + 'ResourceQuotaStatus']: s.obj(
    { hard: resourceList('Enforced limits.'), used: resourceList('Current use.') },
    'Use against a quota.',
  ),
  [V1 + 'LimitRange']: coreKind('LimitRange', 'Per-object resource bounds and defaults in a namespace.', {
    spec: core('LimitRangeSpec', 'The limits.'),
  }),
  [V1 + 'LimitRangeList']: coreList('LimitRange', 'A list of limit ranges.'),
  [V1 + 'LimitRangeSpec']: s.obj(
    { limits: listOf('LimitRangeItem', 'Limits by object type.') },
    'The limits of a limit range.',
    ['limits'],
  ),
  [V1 + 'LimitRangeItem']: s.obj(
    {
      type: s.str('Kind of object limited: Pod, Container or PersistentVolumeClaim.'),
      max: resourceList('Most of each resource.'),
      min: resourceList('Least of each resource.'),
      default: resourceList('Default limits.'),
      defaultRequest: resourceList('Default requests.'),
      maxLimitRequestRatio: resourceList('Largest allowed limit to request ratio.'),
    },
    'Limits for one type of object.',
    ['type'],
  ),
  [V1 + 'Event']: coreKind(
    'Event',
    'A report of something that happened to an object.',
    {
      involvedObject: core('ObjectReference', 'The object the event is about.'),
      reason: s.str('Short machine-readable reason.'),
      message: s.str('Human-readable description.'),
      source: core('EventSource', 'Component that reported the event.'),
      firstTimestamp: meta('Time', 'When the event was first seen.'),
      lastTimestamp: meta('Time', 'When the event was last seen.'),
      count: s.int32('How many times it occurred.'),
      type: s.str('Normal or Warning.'),
      eventTime: meta('MicroTime', 'When the event first occurred, precisely.'),
      series: core('EventSeries', 'Data about a series of repeats.'),
      action: s.str('What was done or failed.'),
      related: core('ObjectReference', 'A second object involved.'),
      reportingComponent: s.str('Controller that emitted the event.'),
      reportingInstance: s.str('Instance of the controller.'),
    },
    ['metadata', 'involvedObject'],
  ),
  [V1 + 'EventList']: coreList('Event', 'A list of events.'),
  [V1 + 'EventSource']: s.obj(
    { component: s.str('Reporting component.'), host: s.str('Host it runs on.') },
    'Who reported an event.',
  ),
  [V1 + 'EventSeries']: s.obj(
    {
      count: s.int32('Occurrences so far.'),
      lastObservedTime: meta('MicroTime', 'Time of the last occurrence.'),
    },
    'A series of repeated events.',
  ),
  [V1 + 'ReplicationController']: coreKind(
    'ReplicationController',
    'Keeps a number of pod replicas running (legacy).',
    {
      spec: core('ReplicationControllerSpec', 'Desired behaviour.'),
      status: core('ReplicationControllerStatus', 'Observed status.'),
    },
  ),
  [V1 + 'ReplicationControllerList']: coreList('ReplicationController', 'A list of replication controllers.'),
  [V1 + 'ReplicationControllerSpec']: s.obj(
    {
      replicas: s.int32('Desired number of pods; 1 by default.'),
      minReadySeconds: s.int32('Seconds a new pod must be ready to count as available.'),
      selector: {
        ...s.strMap('Labels of the pods managed; the template labels by default.'),
        'x-kubernetes-map-type': 'atomic',
      },
      template: core('PodTemplateSpec', 'Template of the pods created.'),
    },
    'The desired state of a replication controller.',
  ),
  [V1 + 'ReplicationControllerStatus']: s.obj(
    {
      replicas: s.int32('Current number of pods.'),
      fullyLabeledReplicas: s.int32('Pods whose labels match the template.'),
      readyReplicas: s.int32('Ready pods.'),
      availableReplicas: s.int32('Available pods.'),
      observedGeneration: s.int64('Generation last acted on.'),
      conditions: keyed('ReplicationControllerCondition', 'type', 'Current conditions.'),
    },
    'The observed state of a replication controller.',
    ['replicas'],
  ),
  [V1 + 'ReplicationControllerCondition']: s.obj(
    {
      type: s.str('Condition type.'),
      status: s.str('True, False or Unknown.'),
      lastTransitionTime: meta('Time', 'Last time the status changed.'),
      reason: s.str('Machine-readable reason.'),
      message: s.str('Human-readable details.'),
    },
    'A condition of a replication controller.',
    ['type', 'status'],
  ),
};
