/**
 * Schema definitions of autoscaling/v1 (HorizontalPodAutoscaler with a CPU target, and Scale — the
 * body of every /scale subresource) and autoscaling/v2 (HorizontalPodAutoscaler with metrics and
 * behavior), named as Kubernetes names them.
 */
import { s, type Definitions } from '../../schema/types.ts';
import { META, conditionsField, kindSchema, listSchema } from '../apps/schema-kit.ts';

const V1 = 'io.k8s.api.autoscaling.v1.';
const V2 = 'io.k8s.api.autoscaling.v2.';
const gvk = (version: string, kind: string) => ({ group: 'autoscaling', version, kind });
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

const crossVersionObjectReference = s.obj(
  {
    kind: s.str('Kind of the referent, e.g. Deployment.'),
    name: s.str('Name of the referent.'),
    apiVersion: s.str('API version of the referent, e.g. apps/v1.'),
  },
  'Points at an object of any version in the same namespace.',
  ['kind', 'name'],
);

const v1: Definitions = {
  [V1 + 'HorizontalPodAutoscaler']: kindSchema(
    gvk('v1', 'HorizontalPodAutoscaler'),
    'Scales a workload between bounds to hold a CPU utilization target.',
    {
      spec: s.ref(V1 + 'HorizontalPodAutoscalerSpec', 'The desired behaviour of the autoscaler.'),
      status: s.ref(
        V1 + 'HorizontalPodAutoscalerStatus',
        'The most recently observed state of the autoscaler.',
      ),
    },
  ),
  [V1 + 'HorizontalPodAutoscalerList']: listSchema(
    gvk('v1', 'HorizontalPodAutoscalerList'),
    V1 + 'HorizontalPodAutoscaler',
  ),
  [V1 + 'HorizontalPodAutoscalerSpec']: s.obj(
    {
      scaleTargetRef: s.ref(V1 + 'CrossVersionObjectReference', 'The workload to scale.'),
      minReplicas: s.int32('Lowest replica count the autoscaler may set (default 1).'),
      maxReplicas: s.int32('Highest replica count the autoscaler may set.'),
      targetCPUUtilizationPercentage: s.int32(
        'Target average CPU use across pods, as a percentage of requested CPU.',
      ),
    },
    'The desired behaviour of an autoscaling/v1 autoscaler.',
    ['scaleTargetRef', 'maxReplicas'],
  ),
  [V1 + 'HorizontalPodAutoscalerStatus']: s.obj(
    {
      observedGeneration: s.int64('The most recent generation the autoscaler has acted on.'),
      lastScaleTime: s.time('When the autoscaler last changed the replica count.'),
      currentReplicas: s.int32('Current number of pods.'),
      desiredReplicas: s.int32('Number of pods the autoscaler last asked for.'),
      currentCPUUtilizationPercentage: s.int32(
        'Current average CPU use across pods, as a percentage of requested CPU.',
      ),
    },
    'The observed state of an autoscaling/v1 autoscaler.',
    ['currentReplicas', 'desiredReplicas'],
  ),
  [V1 + 'CrossVersionObjectReference']: crossVersionObjectReference,
  [V1 + 'Scale']: kindSchema(
    gvk('v1', 'Scale'),
    'The replica count of a scalable object, as read and written through /scale.',
    {
      spec: s.ref(V1 + 'ScaleSpec', 'The desired replica count.'),
      status: s.ref(V1 + 'ScaleStatus', 'The current replica count and pod selector.'),
    },
  ),
  [V1 + 'ScaleSpec']: s.obj(
    { replicas: s.int32('Desired number of instances.') },
    'The desired state of a Scale.',
  ),
  [V1 + 'ScaleStatus']: s.obj(
    {
      replicas: s.int32('Observed number of instances.'),
      selector: s.str('Label query over the pods, in label-selector string form.'),
    },
    'The observed state of a Scale.',
    ['replicas'],
  ),
};

const metricTarget = s.obj(
  {
    type: s.enumOf(['Utilization', 'Value', 'AverageValue'], 'Which of the target fields applies.'),
    value: s.ref(QUANTITY, 'Target value of the metric.'),
    averageValue: s.ref(QUANTITY, 'Target per-pod average of the metric.'),
    averageUtilization: s.int32('Target per-pod average as a percentage of the requested resource.'),
  },
  'The target value of a metric.',
  ['type'],
);

const metricValueStatus = s.obj(
  {
    value: s.ref(QUANTITY, 'Current value of the metric.'),
    averageValue: s.ref(QUANTITY, 'Current per-pod average of the metric.'),
    averageUtilization: s.int32('Current per-pod average as a percentage of the requested resource.'),
  },
  'The current value of a metric.',
);

const v2: Definitions = {
  [V2 + 'HorizontalPodAutoscaler']: kindSchema(
    gvk('v2', 'HorizontalPodAutoscaler'),
    'Scales a workload between bounds to hold metric targets.',
    {
      spec: s.ref(V2 + 'HorizontalPodAutoscalerSpec', 'The desired behaviour of the autoscaler.'),
      status: s.ref(
        V2 + 'HorizontalPodAutoscalerStatus',
        'The most recently observed state of the autoscaler.',
      ),
    },
  ),
  [V2 + 'HorizontalPodAutoscalerList']: listSchema(
    gvk('v2', 'HorizontalPodAutoscalerList'),
    V2 + 'HorizontalPodAutoscaler',
  ),
  [V2 + 'HorizontalPodAutoscalerSpec']: s.obj(
    {
      scaleTargetRef: s.ref(V2 + 'CrossVersionObjectReference', 'The workload to scale.'),
      minReplicas: s.int32('Lowest replica count the autoscaler may set (default 1).'),
      maxReplicas: s.int32('Highest replica count the autoscaler may set.'),
      metrics: s.list(
        s.ref(V2 + 'MetricSpec'),
        'Metrics whose targets decide the replica count; the largest proposal wins (default: 80% CPU).',
      ),
      behavior: s.ref(V2 + 'HorizontalPodAutoscalerBehavior', 'How fast to scale up and down.'),
    },
    'The desired behaviour of an autoscaler.',
    ['scaleTargetRef', 'maxReplicas'],
  ),
  [V2 + 'CrossVersionObjectReference']: crossVersionObjectReference,
  [V2 + 'MetricSpec']: s.obj(
    {
      type: s.enumOf(
        ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'],
        'Which metric source is set.',
      ),
      object: s.ref(V2 + 'ObjectMetricSource', 'A metric describing one Kubernetes object.'),
      pods: s.ref(V2 + 'PodsMetricSource', 'A metric averaged over the target pods.'),
      resource: s.ref(V2 + 'ResourceMetricSource', 'A resource (CPU, memory) of the target pods.'),
      containerResource: s.ref(
        V2 + 'ContainerResourceMetricSource',
        'A resource of one container in each target pod.',
      ),
      external: s.ref(V2 + 'ExternalMetricSource', 'A metric from outside the cluster.'),
    },
    'One metric and its target.',
    ['type'],
  ),
  [V2 + 'MetricIdentifier']: s.obj(
    {
      name: s.str('Name of the metric.'),
      selector: s.ref(META + 'LabelSelector', 'Narrows the metric to the series with these labels.'),
    },
    'Names a metric.',
    ['name'],
  ),
  [V2 + 'MetricTarget']: metricTarget,
  [V2 + 'MetricValueStatus']: metricValueStatus,
  [V2 + 'ObjectMetricSource']: s.obj(
    {
      describedObject: s.ref(V2 + 'CrossVersionObjectReference', 'The object the metric describes.'),
      target: s.ref(V2 + 'MetricTarget', 'The target value.'),
      metric: s.ref(V2 + 'MetricIdentifier', 'The metric.'),
    },
    'A metric of one object.',
    ['describedObject', 'target', 'metric'],
  ),
  [V2 + 'PodsMetricSource']: s.obj(
    {
      metric: s.ref(V2 + 'MetricIdentifier', 'The metric.'),
      target: s.ref(V2 + 'MetricTarget', 'The target value.'),
    },
    'A metric averaged across the target pods.',
    ['metric', 'target'],
  ),
  [V2 + 'ResourceMetricSource']: s.obj(
    {
      name: s.str('The resource, e.g. cpu or memory.'),
      target: s.ref(V2 + 'MetricTarget', 'The target value.'),
    },
    'A resource of the target pods, as reported by the metrics API.',
    ['name', 'target'],
  ),
  [V2 + 'ContainerResourceMetricSource']: s.obj(
    {
      name: s.str('The resource, e.g. cpu or memory.'),
      target: s.ref(V2 + 'MetricTarget', 'The target value.'),
      container: s.str('The container whose usage counts.'),
    },
    'A resource of one container of the target pods.',
    ['name', 'target', 'container'],
  ),
  [V2 + 'ExternalMetricSource']: s.obj(
    {
      metric: s.ref(V2 + 'MetricIdentifier', 'The metric.'),
      target: s.ref(V2 + 'MetricTarget', 'The target value.'),
    },
    'A metric not tied to any Kubernetes object.',
    ['metric', 'target'],
  ),
  [V2 + 'HorizontalPodAutoscalerBehavior']: s.obj(
    {
      scaleUp: s.ref(
        V2 + 'HPAScalingRules',
        'Rules for scaling up (default: 4 pods or 100% per 15s, no stabilization).',
      ),
      scaleDown: s.ref(
        V2 + 'HPAScalingRules',
        'Rules for scaling down (default: 100% per 15s after a 300s stabilization window).',
      ),
    },
    'Limits on how fast the replica count changes.',
  ),
  [V2 + 'HPAScalingRules']: s.obj(
    {
      stabilizationWindowSeconds: s.int32(
        'Seconds of past recommendations considered, to avoid flapping (0–3600).',
      ),
      selectPolicy: s.enumOf(
        ['Max', 'Min', 'Disabled'],
        'Which policy wins when several apply, or Disabled to forbid this direction.',
      ),
      policies: s.list(s.ref(V2 + 'HPAScalingPolicy'), 'Allowed changes per period.'),
    },
    'Scaling rules for one direction.',
  ),
  [V2 + 'HPAScalingPolicy']: s.obj(
    {
      type: s.enumOf(['Pods', 'Percent'], 'Whether value counts pods or a percentage of current pods.'),
      value: s.int32('The amount of change allowed; must be greater than zero.'),
      periodSeconds: s.int32('Length of the window the change is measured over (1–1800 seconds).'),
    },
    'One allowed change in one period.',
    ['type', 'value', 'periodSeconds'],
  ),
  [V2 + 'HorizontalPodAutoscalerStatus']: s.obj(
    {
      observedGeneration: s.int64('The most recent generation the autoscaler has acted on.'),
      lastScaleTime: s.time('When the autoscaler last changed the replica count.'),
      currentReplicas: s.int32('Current number of pods.'),
      desiredReplicas: s.int32('Number of pods the autoscaler last asked for.'),
      currentMetrics: s.list(s.ref(V2 + 'MetricStatus'), 'The last read values of the metrics.'),
      conditions: conditionsField(
        V2 + 'HorizontalPodAutoscalerCondition',
        'The latest observations of the autoscaler.',
      ),
    },
    'The observed state of an autoscaler.',
    ['desiredReplicas'],
  ),
  [V2 + 'HorizontalPodAutoscalerCondition']: s.obj(
    {
      type: s.str('Kind of condition: AbleToScale, ScalingActive, ScalingLimited.'),
      status: s.str('Whether the condition holds: True, False or Unknown.'),
      lastTransitionTime: s.time('When the condition last changed status.'),
      reason: s.str('One-word CamelCase cause of the last change.'),
      message: s.str('Human-readable detail about the last change.'),
    },
    'One observation about an autoscaler.',
    ['type', 'status'],
  ),
  [V2 + 'MetricStatus']: s.obj(
    {
      type: s.enumOf(
        ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'],
        'Which metric source is set.',
      ),
      object: s.ref(V2 + 'ObjectMetricStatus', 'Current value of an object metric.'),
      pods: s.ref(V2 + 'PodsMetricStatus', 'Current value of a pods metric.'),
      resource: s.ref(V2 + 'ResourceMetricStatus', 'Current value of a resource metric.'),
      containerResource: s.ref(
        V2 + 'ContainerResourceMetricStatus',
        'Current value of a container resource metric.',
      ),
      external: s.ref(V2 + 'ExternalMetricStatus', 'Current value of an external metric.'),
    },
    'The last read value of one metric.',
    ['type'],
  ),
  [V2 + 'ObjectMetricStatus']: s.obj(
    {
      metric: s.ref(V2 + 'MetricIdentifier', 'The metric.'),
      current: s.ref(V2 + 'MetricValueStatus', 'The current value.'),
      describedObject: s.ref(V2 + 'CrossVersionObjectReference', 'The object the metric describes.'),
    },
    'Current value of an object metric.',
    ['metric', 'current', 'describedObject'],
  ),
  [V2 + 'PodsMetricStatus']: s.obj(
    {
      metric: s.ref(V2 + 'MetricIdentifier', 'The metric.'),
      current: s.ref(V2 + 'MetricValueStatus', 'The current value.'),
    },
    'Current value of a pods metric.',
    ['metric', 'current'],
  ),
  [V2 + 'ResourceMetricStatus']: s.obj(
    { name: s.str('The resource.'), current: s.ref(V2 + 'MetricValueStatus', 'The current value.') },
    'Current value of a resource metric.',
    ['name', 'current'],
  ),
  [V2 + 'ContainerResourceMetricStatus']: s.obj(
    {
      name: s.str('The resource.'),
      current: s.ref(V2 + 'MetricValueStatus', 'The current value.'),
      container: s.str('The container.'),
    },
    'Current value of a container resource metric.',
    ['name', 'current', 'container'],
  ),
  [V2 + 'ExternalMetricStatus']: s.obj(
    {
      metric: s.ref(V2 + 'MetricIdentifier', 'The metric.'),
      current: s.ref(V2 + 'MetricValueStatus', 'The current value.'),
    },
    'Current value of an external metric.',
    ['metric', 'current'],
  ),
};

/** All autoscaling/v1 and autoscaling/v2 definitions. */
export const definitions: Definitions = { ...v1, ...v2 };
