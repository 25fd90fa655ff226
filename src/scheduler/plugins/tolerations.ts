/**
 * Taint/toleration matching shared by TaintToleration and NodeUnschedulable: a toleration matches a
 * taint when the effects agree (an empty toleration effect matches any) and either the operator is
 * Exists (an empty key then matches every key) or the keys and values are equal.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { Taint, Toleration } from '../types.ts';

/** True when `t` tolerates `taint`. */
export function tolerates(t: DeepReadonly<Toleration>, taint: DeepReadonly<Taint>): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

/** True when some toleration of the list tolerates `taint`. */
export function toleratedBy(
  tolerations: readonly DeepReadonly<Toleration>[] | undefined,
  taint: DeepReadonly<Taint>,
): boolean {
  return (tolerations ?? []).some((t) => tolerates(t, taint));
}
