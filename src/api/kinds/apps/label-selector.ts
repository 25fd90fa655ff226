/**
 * metav1.LabelSelector as the workload kinds use it: validation of its shape, matching against a
 * pod template's labels, and the string form kubectl shows in SELECTOR columns. Kept here (not in
 * src/api/selectors) because the workloads need the LabelSelector *object* semantics — an absent
 * selector matches nothing, an empty one matches everything — rather than the query-string parser.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject } from '../../object.ts';
import { validateLabels } from '../../validation/meta.ts';
import { isQualifiedName, isValidLabelValue } from '../../validation/names.ts';
import { objects, str, type Obj } from '../../validation/util.ts';

const operators = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : String(x);
  return out;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : String(x))) : [];
}

/** Checks a LabelSelector's matchLabels and matchExpressions (operators, keys, values). */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  if (!isObject(selector)) return [];
  const errs = validateLabels(stringMap(selector.matchLabels), `${path}.matchLabels`);
  objects(selector.matchExpressions).forEach((req, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const op = str(req.operator);
    const values = strings(req.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0)
        errs.push(fieldError.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0)
        errs.push(
          fieldError.forbidden(
            `${p}.values`,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
    } else {
      errs.push(fieldError.notSupported(`${p}.operator`, op, operators));
    }
    for (const msg of isQualifiedName(str(req.key)))
      errs.push(fieldError.invalid(`${p}.key`, str(req.key), msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(fieldError.invalid(`${p}.values[${j}]`, v, msg));
    });
  });
  return errs;
}

/** True when the selector has neither matchLabels nor matchExpressions (it selects everything). */
export function isEmptySelector(selector: unknown): boolean {
  if (!isObject(selector)) return false;
  return (
    Object.keys(stringMap(selector.matchLabels)).length === 0 &&
    objects(selector.matchExpressions).length === 0
  );
}

/** Whether `labels` satisfy the selector. An absent selector matches nothing; an empty one everything. */
export function selectorMatches(selector: unknown, labels: unknown): boolean {
  if (!isObject(selector)) return false;
  const set = stringMap(labels);
  for (const [k, v] of Object.entries(stringMap(selector.matchLabels))) if (set[k] !== v) return false;
  for (const req of objects(selector.matchExpressions)) {
    const key = str(req.key);
    const has = Object.hasOwn(set, key);
    const values = strings(req.values);
    switch (str(req.operator)) {
      case 'In':
        if (!has || !values.includes(set[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(set[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function requirementString(req: Obj): string {
  const key = str(req.key);
  const values = [...new Set(strings(req.values))].sort();
  switch (str(req.operator)) {
    case 'In':
      return `${key} in (${values.join(',')})`;
    case 'NotIn':
      return `${key} notin (${values.join(',')})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      return '';
  }
}

/**
 * The selector in label-query form (`app=web,tier in (a,b)`), requirements sorted by key, as
 * `kubectl get -o wide` and the /scale subresource show it. Empty or absent selector: "".
 */
export function labelSelectorString(selector: unknown): string {
  if (!isObject(selector)) return '';
  const parts: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(stringMap(selector.matchLabels)))
    parts.push({ key: k, text: `${k}=${v}` });
  for (const req of objects(selector.matchExpressions))
    parts.push({ key: str(req.key), text: requirementString(req) });
  parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return parts.map((p) => p.text).join(',');
}

/** The SELECTOR cell: the query form, or `<none>` when it selects everything or is unset. */
export function formatLabelSelector(selector: unknown): string {
  return labelSelectorString(selector) || '<none>';
}

/** Labels in `k=v,k2=v2` form (sorted by key), `<none>` when empty — kubectl's FormatLabels. */
export function formatLabels(labels: unknown): string {
  const entries = Object.entries(stringMap(labels)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}
