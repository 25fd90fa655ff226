/**
 * The small node filters: NodeName (spec.nodeName set by hand must name this node),
 * NodeUnschedulable (a cordoned node takes only pods tolerating node.kubernetes.io/unschedulable)
 * and NodePorts (a host port can be used by one pod per node and address).
 */
import { podHostPorts, portsConflict } from '../node-info.ts';
import { toleratedBy } from './tolerations.ts';
import { skip, type CycleState, type FilterPlugin } from './types.ts';

export const nodeName: FilterPlugin = {
  name: 'NodeName',
  preFilter: (state) => (state.pod.spec?.nodeName ? undefined : skip),
  filter(state, node) {
    const want = state.pod.spec?.nodeName;
    if (!want || want === node.name) return undefined;
    return { reasons: ["node(s) didn't match the requested node name"], unresolvable: true };
  },
};

export const unschedulableTaintKey = 'node.kubernetes.io/unschedulable';

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(state, node) {
    if (!node.unschedulable) return undefined;
    if (toleratedBy(state.pod.spec?.tolerations, { key: unschedulableTaintKey, effect: 'NoSchedule' }))
      return undefined;
    return { reasons: ['node(s) were unschedulable'], unresolvable: true };
  },
};

const portsKey = 'NodePorts';

/** The pod's host ports, listed once per cycle. */
function wantedPorts(state: CycleState): string[] {
  let want = state.data.get(portsKey) as string[] | undefined;
  if (!want) state.data.set(portsKey, (want = podHostPorts(state.pod)));
  return want;
}

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  preFilter: (state) => (wantedPorts(state).length ? undefined : skip),
  filter(state, node) {
    const want = wantedPorts(state);
    if (want.length === 0) return undefined;
    if (want.some((w) => node.usedPorts.some((u) => portsConflict(w, u)))) {
      return { reasons: ["node(s) didn't have free ports for the requested pod ports"] };
    }
    return undefined;
  },
};
