/**
 * core/v1 Pod: defaults (the shared pod spec ones plus the pod-only ones), Pending status and QoS
 * class on create, the spec checks shared with workload templates, the narrow update rules, the
 * field selectors kubectl and the kubelet use, the familiar table, and the pod subresources.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { validatePodSpec } from '../../validation/pod.ts';
import type { KindDef } from '../types.ts';
import { podColumns } from './pod-columns.ts';
import { defaultPodOnly, defaultPodSpec } from './pod-defaults.ts';
import { podQOSClass } from './pod-qos.ts';
import { validatePodSpecUpdate } from './pod-update.ts';
import { child, items, specOf, statusOf, str } from './util.ts';

/** Pod defaults: the pod spec defaults and the ones only pods (not templates) get. */
export function defaultPod(o: KubeObject): void {
  const spec = child(o, 'spec');
  defaultPodSpec(spec);
  defaultPodOnly(spec);
}

/** A new pod starts Pending with its QoS class; a gated pod says why it is not scheduled. */
export function prepareForCreatePod(o: KubeObject): void {
  const spec = specOf(o);
  const status: Record<string, unknown> = { phase: 'Pending', qosClass: podQOSClass(spec) };
  if (items(spec.schedulingGates).length)
    status.conditions = [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
        lastProbeTime: null,
        lastTransitionTime: null,
      },
    ];
  o.status = status;
}

/** Ephemeral containers change only through their subresource, so the main endpoint keeps the old ones. */
export function prepareForUpdatePod(o: KubeObject, old: KubeObject): void {
  const prev = specOf(old).ephemeralContainers;
  const spec = child(o, 'spec');
  if (prev === undefined) delete spec.ephemeralContainers;
  else spec.ephemeralContainers = prev;
}

/** Semantic checks of a pod. */
export function validatePod(o: KubeObject): FieldError[] {
  return validatePodSpec(o.spec, 'spec');
}

/** Ephemeral containers join a running pod through their subresource; a new pod cannot carry any. */
export function validatePodCreate(o: KubeObject): FieldError[] {
  return items(specOf(o).ephemeralContainers).length === 0
    ? []
    : [fieldError.forbidden('spec.ephemeralContainers', 'cannot be set on create')];
}

/** Status writes may not move a pod off its node or bring a finished pod back. */
export function validatePodStatusUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const prevPhase = str(statusOf(old).phase);
  const phase = str(statusOf(o).phase);
  if ((prevPhase === 'Succeeded' || prevPhase === 'Failed') && phase !== prevPhase)
    errs.push(
      fieldError.forbidden('status.phase', `cannot transition from terminal phase ${prevPhase} to ${phase}`),
    );
  return errs;
}

const sub = (name: string, kind: string, verbs: string[], group = '', version = 'v1') => ({
  name,
  responseKind: { group, version, kind },
  verbs,
});

/** The `pods` resource of core/v1. */
export const podKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  listKind: 'PodList',
  resource: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  schema: 'io.k8s.api.core.v1.Pod',
  hasStatus: true,
  subresources: [
    sub('attach', 'PodAttachOptions', ['create', 'get']),
    sub('binding', 'Binding', ['create']),
    sub('ephemeralcontainers', 'Pod', ['get', 'patch', 'update']),
    sub('eviction', 'Eviction', ['create'], 'policy', 'v1'),
    sub('exec', 'PodExecOptions', ['create', 'get']),
    sub('log', 'Pod', ['get']),
    sub('portforward', 'PodPortForwardOptions', ['create', 'get']),
  ],
  strategy: {
    defaults: defaultPod,
    prepareForCreate: prepareForCreatePod,
    validate: validatePod,
    validateCreate: validatePodCreate,
    prepareForUpdate: prepareForUpdatePod,
    validateUpdate: validatePodSpecUpdate,
    validateStatusUpdate: validatePodStatusUpdate,
  },
  columns: podColumns,
  fieldSelectors: {
    'spec.nodeName': (o) => str(specOf(o).nodeName),
    'spec.restartPolicy': (o) => str(specOf(o).restartPolicy),
    'spec.schedulerName': (o) => str(specOf(o).schedulerName),
    'spec.serviceAccountName': (o) => str(specOf(o).serviceAccountName),
    'spec.hostNetwork': (o) => String(specOf(o).hostNetwork === true),
    'status.phase': (o) => str(statusOf(o).phase),
    'status.podIP': (o) => str(items(statusOf(o).podIPs)[0]?.ip) || str(statusOf(o).podIP),
    'status.nominatedNodeName': (o) => str(statusOf(o).nominatedNodeName),
  },
};

/** `bindings`: the legacy top-level way to bind a pod to a node (create only, nothing stored). */
export const bindingKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Binding',
  listKind: 'BindingList',
  resource: 'bindings',
  singular: 'binding',
  namespaced: true,
  verbs: ['create'],
  schema: 'io.k8s.api.core.v1.Binding',
  virtual: true,
  strategy: {
    validate: (o) => {
      const target = (o.target ?? {}) as Record<string, unknown>;
      const errs: FieldError[] = [];
      if (str(target.kind) !== '' && target.kind !== 'Node')
        errs.push(fieldError.notSupported('target.kind', target.kind, ['Node', '<empty>']));
      if (!str(target.name)) errs.push(fieldError.required('target.name'));
      return errs;
    },
  },
};
