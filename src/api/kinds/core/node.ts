/**
 * core/v1 Node: allocatable defaults to capacity, taints are checked, podCIDRs and providerID are
 * set once, and `kubectl get nodes` shows STATUS (Ready, SchedulingDisabled), ROLES and VERSION.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isQualifiedName, isValidLabelValue } from '../../validation/names.ts';
import type { KindDef } from '../types.ts';
import { ageColumn, col, field, items, jsonEqual, specOf, statusOf, str } from './util.ts';

/** Node defaults: status.allocatable copies capacity when unset. */
export function defaultNode(o: KubeObject): void {
  const status = o.status as Record<string, unknown> | undefined;
  if (status && status.capacity && status.allocatable === undefined)
    status.allocatable = { ...(status.capacity as object) };
}

const cidrRe = /^([0-9.]+|[0-9a-fA-F:.]+)\/[0-9]{1,3}$/;

/** Node checks: taints (key, effect, unique key/effect pairs) and podCIDRs. */
export function validateNode(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(o);
  const pairs = new Set<string>();
  items(spec.taints).forEach((t, i) => {
    const at = `spec.taints[${i}]`;
    const key = str(t.key);
    if (!key) errs.push(fieldError.required(`${at}.key`));
    else errs.push(...isQualifiedName(key).map((m) => fieldError.invalid(`${at}.key`, key, m)));
    if (t.value !== undefined)
      errs.push(...isValidLabelValue(str(t.value)).map((m) => fieldError.invalid(`${at}.value`, t.value, m)));
    const effect = str(t.effect);
    if (!effect) errs.push(fieldError.required(`${at}.effect`));
    else if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect))
      errs.push(
        fieldError.notSupported(`${at}.effect`, effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
      );
    const pair = `${key}/${effect}`;
    if (pairs.has(pair)) errs.push(fieldError.duplicate(at, { key, effect }));
    pairs.add(pair);
  });
  const cidrs = Array.isArray(spec.podCIDRs) ? spec.podCIDRs.map(String) : [];
  cidrs.forEach((c, i) => {
    if (!cidrRe.test(c))
      errs.push(
        fieldError.invalid(
          `spec.podCIDRs[${i}]`,
          c,
          'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
        ),
      );
  });
  if (cidrs.length > 2)
    errs.push(
      fieldError.invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'),
    );
  if (spec.podCIDR && cidrs.length && cidrs[0] !== spec.podCIDR)
    errs.push(fieldError.invalid('spec.podCIDRs', cidrs, 'first value must match `spec.podCIDR`'));
  return errs;
}

/** podCIDR(s) and providerID may go from unset to set, never change afterwards. */
export function validateNodeUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(o);
  const prev = specOf(old);
  const oldCIDRs = Array.isArray(prev.podCIDRs) ? prev.podCIDRs : [];
  if (oldCIDRs.length && !jsonEqual(spec.podCIDRs, prev.podCIDRs))
    errs.push(
      fieldError.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'),
    );
  if (str(prev.providerID) && spec.providerID !== prev.providerID)
    errs.push(
      fieldError.forbidden(
        'spec.providerID',
        'node updates may not change providerID except from "" to valid',
      ),
    );
  return errs;
}

/** STATUS: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(o: KubeObject): string {
  const ready = items(statusOf(o).conditions).find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (specOf(o).unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** ROLES from node-role.kubernetes.io/<role> labels and the legacy kubernetes.io/role label. */
export function nodeRoles(o: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

const address = (o: KubeObject, type: string): string =>
  str(items(statusOf(o).addresses).find((a) => a.type === type)?.address) || '<none>';
const info = (o: KubeObject, key: string): string => str(field(statusOf(o), 'nodeInfo')[key]);

/** The `nodes` resource of core/v1. */
export const nodeKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Node',
  listKind: 'NodeList',
  resource: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  schema: 'io.k8s.api.core.v1.Node',
  hasStatus: true,
  keepStatusOnCreate: true,
  strategy: { defaults: defaultNode, validate: validateNode, validateUpdate: validateNodeUpdate },
  columns: [
    col('Status', 'Readiness of the node and whether it takes new pods.', nodeStatus),
    col('Roles', 'Roles of the node.', nodeRoles),
    ageColumn,
    col('Version', 'Kubelet version.', (o) => info(o, 'kubeletVersion')),
    col('Internal-IP', 'Internal IP of the node.', (o) => address(o, 'InternalIP'), 1),
    col('External-IP', 'External IP of the node.', (o) => address(o, 'ExternalIP'), 1),
    col('OS-Image', 'Operating system image.', (o) => info(o, 'osImage') || '<unknown>', 1),
    col('Kernel-Version', 'Kernel version.', (o) => info(o, 'kernelVersion') || '<unknown>', 1),
    col(
      'Container-Runtime',
      'Container runtime and version.',
      (o) => info(o, 'containerRuntimeVersion') || '<unknown>',
      1,
    ),
  ],
  fieldSelectors: { 'spec.unschedulable': (o) => String(specOf(o).unschedulable === true) },
};
