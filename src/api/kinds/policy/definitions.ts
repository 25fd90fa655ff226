/**
 * Schema definitions of policy/v1: PodDisruptionBudget and Eviction (the body POSTed to a pod's
 * /eviction subresource; not a stored kind).
 */
import { s, type Definitions } from '../../schema/types.ts';
import { META, kindSchema, listSchema } from '../apps/schema-kit.ts';

const P = 'io.k8s.api.policy.v1.';
const gvk = (kind: string) => ({ group: 'policy', version: 'v1', kind });

/** All policy/v1 definitions. */
export const definitions: Definitions = {
  [P + 'PodDisruptionBudget']: kindSchema(
    gvk('PodDisruptionBudget'),
    'Limits how many pods of a set voluntary disruptions may take down at once.',
    {
      spec: s.ref(P + 'PodDisruptionBudgetSpec', 'The desired bounds.'),
      status: s.ref(P + 'PodDisruptionBudgetStatus', 'The most recently observed state of the budget.'),
    },
  ),
  [P + 'PodDisruptionBudgetList']: listSchema(gvk('PodDisruptionBudgetList'), P + 'PodDisruptionBudget'),
  [P + 'PodDisruptionBudgetSpec']: s.obj(
    {
      minAvailable: s.intOrString(
        'Pods that must stay available after an eviction, as a number or percentage; excludes maxUnavailable.',
      ),
      selector: {
        ...s.ref(
          META + 'LabelSelector',
          'The pods the budget covers; an empty selector covers every pod in the namespace.',
        ),
        'x-kubernetes-patch-strategy': 'replace',
      },
      maxUnavailable: s.intOrString(
        'Pods that may be unavailable after an eviction, as a number or percentage; excludes minAvailable.',
      ),
      unhealthyPodEvictionPolicy: s.enumOf(
        ['IfHealthyBudget', 'AlwaysAllow'],
        'When running but not ready pods may be evicted: only while the budget holds (IfHealthyBudget) or always (AlwaysAllow).',
      ),
    },
    'The desired bounds of a PodDisruptionBudget.',
  ),
  [P + 'PodDisruptionBudgetStatus']: s.obj(
    {
      observedGeneration: s.int64('The most recent generation the disruption controller has acted on.'),
      disruptedPods: s.mapOf(
        s.time('When the eviction was granted.'),
        'Pods whose eviction was granted but which the controller has not seen go yet.',
      ),
      disruptionsAllowed: s.int32('Disruptions allowed right now.'),
      currentHealthy: s.int32('Healthy pods now.'),
      desiredHealthy: s.int32('Fewest healthy pods the budget allows.'),
      expectedPods: s.int32('Pods the budget covers.'),
      conditions: s.mapList(
        s.ref(META + 'Condition'),
        'type',
        'The latest observations of the budget (DisruptionAllowed).',
      ),
    },
    'The observed state of a PodDisruptionBudget.',
    ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'],
  ),
  [P + 'Eviction']: kindSchema(
    gvk('Eviction'),
    "A request to evict a pod, subject to the pod's disruption budgets; POSTed to pods/NAME/eviction.",
    {
      deleteOptions: s.ref(META + 'DeleteOptions', 'Options for deleting the pod.'),
    },
  ),
};
