/**
 * One predicate from a request's namespace, labelSelector and fieldSelector. Field selectors accept
 * metadata.name, metadata.namespace and the kind's own selectable fields; anything else is a 400, as
 * Kubernetes answers `field label not supported`.
 */
import { badRequest } from '../../api/errors.ts';
import type { KindDef } from '../../api/kinds/types.ts';
import type { KubeObject } from '../../api/object.ts';
import { fieldSelectorFields, matchesFields, parseFieldSelector } from '../../api/selectors/fields.ts';
import {
  formatLabelSelector,
  matchesLabels,
  parseLabelSelector,
  type LabelSelectorSpec,
} from '../../api/selectors/labels.ts';

export interface ObjectFilter {
  matches(obj: KubeObject): boolean;
  /** True when nothing is filtered beyond the namespace (remainingItemCount is then exact). */
  trivial: boolean;
}

export function compileFilter(
  kind: KindDef,
  namespace: string,
  labelSelector?: string,
  fieldSelector?: string,
): ObjectFilter {
  let labels: ReturnType<typeof parseLabelSelector> | undefined;
  let fields: ReturnType<typeof parseFieldSelector> | undefined;
  try {
    if (labelSelector) labels = parseLabelSelector(labelSelector);
  } catch (err) {
    throw badRequest(`unable to parse requirement: ${(err as Error).message}`);
  }
  try {
    if (fieldSelector) fields = parseFieldSelector(fieldSelector);
  } catch (err) {
    throw badRequest(`invalid field selector: ${(err as Error).message}`);
  }
  const getters = kind.fieldSelectors ?? {};
  if (fields) {
    for (const f of fieldSelectorFields(fields)) {
      if (f !== 'metadata.name' && f !== 'metadata.namespace' && !getters[f]) {
        throw badRequest(`field label not supported: ${f}`);
      }
    }
  }
  const fieldGet = (obj: KubeObject) => (f: string) =>
    f === 'metadata.name'
      ? obj.metadata.name
      : f === 'metadata.namespace'
        ? obj.metadata.namespace
        : getters[f]?.(obj);
  const ns = kind.namespaced ? namespace : '';
  const trivial = !labels?.length && !fields?.length;
  return {
    trivial,
    matches(obj) {
      if (ns && obj.metadata.namespace !== ns) return false;
      if (labels && labels.length && !matchesLabels(labels, obj.metadata.labels)) return false;
      if (fields && fields.length && !matchesFields(fields, fieldGet(obj))) return false;
      return true;
    },
  };
}

/** The string form of a metav1.LabelSelector (what Scale.status.selector carries). */
export function selectorString(ls: Record<string, unknown>): string {
  return formatLabelSelector(ls as LabelSelectorSpec);
}
