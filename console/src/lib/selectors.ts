/**
 * Label selectors as the API's `labelSelector` query parameter, and ownership tests, so a detail
 * page can watch exactly the pods and Jobs of one workload.
 */
import type { KubeObject } from '../api/types.ts';
import type { LabelSelector } from '../api/workload-types.ts';

/**
 * `sel` in the query syntax (`app=web,tier in (a,b),!legacy`). An empty selector is '' (matches
 * everything); an absent one, or one with an operator we do not know, is undefined (matches
 * nothing), so a caller never lists everything by mistake.
 */
export function selectorString(sel: LabelSelector | undefined): string | undefined {
  if (!sel) return undefined;
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        return undefined;
    }
  }
  return parts.join(',');
}

/** True when `obj` names `ownerUid` as its controller (the one owner that manages it). */
export function controlledBy(obj: KubeObject, ownerUid: string | undefined): boolean {
  if (!ownerUid) return false;
  return (obj.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid && r.controller === true);
}
