/**
 * The small node filters: NodeName (spec.nodeName set by hand must name this node),
 * NodeUnschedulable (a cordoned node takes only pods tolerating node.kubernetes.io/unschedulable)
 * and NodePorts (a host port can be used by one pod per node and address).
 */
import { podHostPorts, portsConflict } from '../node-info.ts';
import { toleratedBy } from './tolerations.ts';
import type { FilterPlugin } from './types.ts';

export const nodeName: FilterPlugin = {
  name: 'NodeName',
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
    if (!node.node.spec?.unschedulable) return undefined;
    if (toleratedBy(state.pod.spec?.tolerations, { key: unschedulableTaintKey, effect: 'NoSchedule' }))
      return undefined;
    return { reasons: ['node(s) were unschedulable'], unresolvable: true };
  },
};

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  filter(state, node) {
    const want = podHostPorts(state.pod);
    if (want.some((w) => node.usedPorts.some((u) => portsConflict(w, u)))) {
      return { reasons: ["node(s) didn't have free ports for the requested pod ports"] };
    }
    return undefined;
  },
};
