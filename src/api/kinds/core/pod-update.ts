/**
 * What an update may change in a running pod's spec: container images, activeDeadlineSeconds (only
 * downwards), tolerations (only additions), terminationGracePeriodSeconds (to 1 from a negative
 * value) and scheduling gates (only removals). Everything else is fixed at creation, because the
 * kubelet has already acted on it.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { items, jsonEqual, specOf, str, type Obj } from './util.ts';

const updatableMessage =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function withImagesFrom(list: unknown, from: unknown): unknown {
  if (!Array.isArray(list)) return list;
  const source = items(from);
  return list.map((c, i) =>
    c && typeof c === 'object' && source[i] ? { ...(c as Obj), image: source[i]!.image } : c,
  );
}

function tolerationsOnlyAdded(next: unknown, prev: unknown): boolean {
  const nextList = items(next);
  return items(prev).every((old) => nextList.some((t) => jsonEqual(t, old)));
}

/** Checks a pod spec update against the old spec (Kubernetes' ValidatePodUpdate rules). */
export function validatePodSpecUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(obj);
  const prev = specOf(old);
  if (items(spec.containers).length !== items(prev.containers).length)
    return [fieldError.forbidden('spec.containers', 'pod updates may not add or remove containers')];
  if (items(spec.initContainers).length !== items(prev.initContainers).length)
    return [fieldError.forbidden('spec.initContainers', 'pod updates may not add or remove containers')];

  const oldADS = prev.activeDeadlineSeconds;
  const newADS = spec.activeDeadlineSeconds;
  if (typeof oldADS === 'number') {
    if (typeof newADS !== 'number' || newADS === 0)
      errs.push(
        fieldError.invalid(
          'spec.activeDeadlineSeconds',
          newADS ?? null,
          'must not update from a positive integer to nil value',
        ),
      );
    else if (newADS > oldADS)
      errs.push(
        fieldError.invalid(
          'spec.activeDeadlineSeconds',
          newADS,
          'must be less than or equal to previous value',
        ),
      );
  }
  const gates = new Set(items(prev.schedulingGates).map((g) => str(g.name)));
  for (const g of items(spec.schedulingGates))
    if (!gates.has(str(g.name)))
      errs.push(
        fieldError.forbidden(
          'spec.schedulingGates',
          `only deletion is allowed, but found new scheduling gate '${str(g.name)}'`,
        ),
      );
  if (!tolerationsOnlyAdded(spec.tolerations, prev.tolerations))
    errs.push(
      fieldError.forbidden(
        'spec.tolerations',
        'existing toleration can not be modified except its tolerationSeconds',
      ),
    );

  // Compare everything else: copy the mutable parts of the new spec onto the old one.
  const mutated: Obj = {
    ...prev,
    containers: withImagesFrom(prev.containers, spec.containers),
    initContainers: withImagesFrom(prev.initContainers, spec.initContainers),
    activeDeadlineSeconds: spec.activeDeadlineSeconds,
    tolerations: spec.tolerations,
    schedulingGates: spec.schedulingGates,
    ephemeralContainers: spec.ephemeralContainers,
  };
  const oldGrace = prev.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && spec.terminationGracePeriodSeconds === 1)
    mutated.terminationGracePeriodSeconds = 1;
  if (!jsonEqual(stripUndefined(mutated), stripUndefined(spec)))
    errs.push(fieldError.forbidden('spec', updatableMessage));
  return errs;
}

function stripUndefined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
