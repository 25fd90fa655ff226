/**
 * metav1.LabelSelector checks and text form, as Kubernetes' ValidateLabelSelector and
 * FormatLabelSelector do them; used by NetworkPolicy here and by other groups of this set.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isQualifiedName, isValidLabelValue } from '../../validation/names.ts';
import { nameErrors, obj, objects, str } from '../../validation/util.ts';
import { isObject } from '../../object.ts';

/** Field errors of a label selector at `path` (keys, values, operators and their value lists). */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  if (!isObject(selector)) return [];
  const errs: FieldError[] = [];
  objects(selector.matchExpressions).forEach((req, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const op = str(req.operator);
    const values = Array.isArray(req.values) ? req.values : [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) {
        errs.push(fieldError.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      }
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) {
        errs.push(
          fieldError.forbidden(
            `${p}.values`,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      }
    } else {
      errs.push(fieldError.invalid(`${p}.operator`, op, 'not a valid selector operator'));
    }
    errs.push(...nameErrors(str(req.key), `${p}.key`, isQualifiedName));
  });
  const labels = obj(selector.matchLabels);
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...nameErrors(k, `${path}.matchLabels`, isQualifiedName));
    errs.push(...nameErrors(str(v), `${path}.matchLabels`, isValidLabelValue));
  }
  return errs;
}

/**
 * The selector as kubectl prints it: `a=b,c in (x,y),!d`, sorted by key like Kubernetes' selector
 * String(); "<none>" for an empty or missing selector.
 */
export function formatLabelSelector(selector: unknown): string {
  if (!isObject(selector)) return '<none>';
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(obj(selector.matchLabels)))
    reqs.push({ key: k, text: `${k}=${str(v)}` });
  for (const e of objects(selector.matchExpressions)) {
    const key = str(e.key);
    const values = (Array.isArray(e.values) ? e.values.map(String) : []).sort();
    switch (str(e.operator)) {
      case 'In':
        reqs.push({ key, text: `${key} in (${values.join(',')})` });
        break;
      case 'NotIn':
        reqs.push({ key, text: `${key} notin (${values.join(',')})` });
        break;
      case 'Exists':
        reqs.push({ key, text: key });
        break;
      case 'DoesNotExist':
        reqs.push({ key, text: `!${key}` });
        break;
      default:
        return '<error>';
    }
  }
  if (reqs.length === 0) return '<none>';
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}
