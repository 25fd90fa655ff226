/**
 * The status the CRD controller writes: NamesAccepted, Established and (on deletion) Terminating
 * conditions, the accepted names and the stored versions. A condition keeps its lastTransitionTime
 * while its status does not change, so a status computed twice from the same CRD is identical and
 * the controller writes nothing.
 */
import { isObject, type KubeObject } from '../../api/object.ts';
import { nowTimestamp } from '../registry/meta.ts';
import type { CrdNames, NamesVerdict } from './names.ts';

type Obj = Record<string, unknown>;

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

function conditionsOf(crd: KubeObject): Obj[] {
  const status = isObject(crd.status) ? crd.status : {};
  return Array.isArray(status.conditions) ? status.conditions.filter(isObject) : [];
}

/** Whether the Terminating condition is already True. */
export function isTerminating(crd: KubeObject): boolean {
  return conditionsOf(crd).some((c) => c.type === 'Terminating' && c.status === 'True');
}

function setCondition(list: Obj[], c: Condition, now: number): void {
  const i = list.findIndex((x) => x.type === c.type);
  const old = i >= 0 ? list[i] : undefined;
  const lastTransitionTime =
    old && old.status === c.status && typeof old.lastTransitionTime === 'string'
      ? old.lastTransitionTime
      : nowTimestamp(now);
  const next = { type: c.type, status: c.status, lastTransitionTime, reason: c.reason, message: c.message };
  if (i >= 0) list[i] = next;
  else list.push(next);
}

function namesObject(n: CrdNames): Obj {
  const out: Obj = { plural: n.plural, singular: n.singular };
  if (n.shortNames.length) out.shortNames = n.shortNames;
  out.kind = n.kind;
  out.listKind = n.listKind;
  if (n.categories.length) out.categories = n.categories;
  return out;
}

/**
 * The status for `crd`. With `terminating`, only the Terminating condition changes; otherwise
 * NamesAccepted follows `verdict` and Established is True exactly when names were `accepted`.
 */
export function crdStatus(
  crd: KubeObject,
  verdict: NamesVerdict | undefined,
  accepted: CrdNames | undefined,
  now: number,
  terminating = false,
): Obj {
  const old = isObject(crd.status) ? crd.status : {};
  const conditions = conditionsOf(crd).map((c) => ({ ...c }));
  const status: Obj = { ...old };
  if (terminating) {
    setCondition(
      conditions,
      {
        type: 'Terminating',
        status: 'True',
        reason: 'InstanceDeletionInProgress',
        message: 'CustomResource deletion is in progress',
      },
      now,
    );
  } else if (verdict) {
    setCondition(
      conditions,
      {
        type: 'NamesAccepted',
        status: verdict.accepted ? 'True' : 'False',
        reason: verdict.reason,
        message: verdict.message,
      },
      now,
    );
    setCondition(
      conditions,
      accepted
        ? {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
          }
        : {
            type: 'Established',
            status: 'False',
            reason: 'NotAccepted',
            message: 'not all names are accepted',
          },
      now,
    );
    status.acceptedNames = accepted ? namesObject(accepted) : { plural: '', kind: '' };
  }
  status.conditions = conditions;
  const spec = isObject(crd.spec) ? crd.spec : {};
  const storage = Array.isArray(spec.versions)
    ? spec.versions.find((v) => isObject(v) && v.storage === true)
    : undefined;
  const stored = Array.isArray(old.storedVersions) ? old.storedVersions.map(String) : [];
  if (isObject(storage) && typeof storage.name === 'string' && !stored.includes(storage.name))
    stored.push(storage.name);
  status.storedVersions = stored;
  return status;
}
