/** core/v1 LimitRange: types unique, amounts valid and ordered (min ≤ default request ≤ default ≤ max). */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { compareQuantities, type Quantity } from '../../quantity.ts';
import { isQualifiedName } from '../../validation/names.ts';
import { validateResourceList } from '../../validation/resources.ts';
import type { KindDef } from '../types.ts';
import { field, items, specOf, str } from './util.ts';

const anyName = (name: string, path: string): FieldError[] =>
  isQualifiedName(name).map((m) => fieldError.invalid(path, name, m));

/** LimitRange checks. */
export function validateLimitRange(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const types = new Set<string>();
  items(specOf(o).limits).forEach((l, i) => {
    const at = `spec.limits[${i}]`;
    const type = str(l.type);
    if (!type) errs.push(fieldError.required(`${at}.type`));
    else if (types.has(type)) errs.push(fieldError.duplicate(`${at}.type`, type));
    types.add(type);
    const lists: Record<string, Map<string, Quantity>> = {};
    for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
      const r = validateResourceList(l[f], `${at}.${f}`, anyName);
      errs.push(...r.errs);
      lists[f] = r.parsed;
    }
    if (type === 'Pod') {
      for (const f of ['default', 'defaultRequest'])
        if (Object.keys(field(l, f)).length)
          errs.push(fieldError.forbidden(`${at}.${f}`, "may not be specified when `type` is 'Pod'"));
    }
    const raw = (f: string, k: string): string => String(field(l, f)[k]);
    const order: [string, string, string][] = [
      ['min', 'max', 'min value %a is greater than max value %b'],
      ['defaultRequest', 'default', 'default request value %a is greater than default limit value %b'],
      ['min', 'defaultRequest', 'min value %a is greater than default request value %b'],
      ['defaultRequest', 'max', 'default request value %a is greater than max value %b'],
      ['min', 'default', 'min value %a is greater than default value %b'],
      ['default', 'max', 'default value %a is greater than max value %b'],
    ];
    for (const [lo, hi, msg] of order)
      for (const [k, a] of lists[lo]!) {
        const b = lists[hi]!.get(k);
        if (b && compareQuantities(a, b) > 0)
          errs.push(
            fieldError.invalid(
              `${at}.${lo}[${k}]`,
              raw(lo, k),
              msg.replace('%a', raw(lo, k)).replace('%b', raw(hi, k)),
            ),
          );
      }
  });
  return errs;
}

/** The `limitranges` resource of core/v1. */
export const limitRangeKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  listKind: 'LimitRangeList',
  resource: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  schema: 'io.k8s.api.core.v1.LimitRange',
  strategy: { validate: validateLimitRange },
  columns: [
    {
      name: 'Created At',
      type: 'date',
      description: 'When the limit range was created.',
      priority: 0,
      cell: (o) => {
        const t = Date.parse(o.metadata.creationTimestamp ?? '');
        return Number.isNaN(t) ? '<unknown>' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
      },
    },
  ],
};
