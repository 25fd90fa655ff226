/**
 * The scheduling parts of a pod spec: tolerations, node and pod (anti-)affinity, and topology
 * spread constraints — checked so the scheduler never meets a term it cannot evaluate.
 */
import { fieldError, type FieldError } from '../errors.ts';
import { isQualifiedName, isValidLabelValue } from './names.ts';
import { nameErrors, obj, objects, oneOf, str, type Obj } from './util.ts';

/** Checks `spec.tolerations`: operators, effects, and the key/value rules that go with them. */
export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objects(tolerations).forEach((t, i) => {
    const at = `${path}[${i}]`;
    const key = str(t.key);
    if (key) errs.push(...nameErrors(key, `${at}.key`, isQualifiedName));
    const op = str(t.operator);
    if (!key && op !== 'Exists')
      errs.push(
        fieldError.invalid(
          `${at}.operator`,
          op,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && str(t.effect) !== 'NoExecute')
      errs.push(
        fieldError.invalid(
          `${at}.effect`,
          str(t.effect),
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    if (op === '' || op === 'Equal') errs.push(...nameErrors(str(t.value), `${at}.value`, isValidLabelValue));
    else if (op === 'Exists') {
      if (str(t.value))
        errs.push(
          fieldError.invalid(`${at}.operator`, t.value, "value must be empty when `operator` is 'Exists'"),
        );
    } else errs.push(fieldError.notSupported(`${at}.operator`, op, ['Equal', 'Exists']));
    errs.push(...oneOf(t.effect, `${at}.effect`, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'], false));
  });
  return errs;
}

function validateNodeSelectorRequirements(reqs: unknown, path: string, fieldsOnly: boolean): FieldError[] {
  const errs: FieldError[] = [];
  objects(reqs).forEach((r, i) => {
    const at = `${path}[${i}]`;
    const values = Array.isArray(r.values) ? r.values : [];
    const op = str(r.operator);
    if (fieldsOnly) {
      if (str(r.key) !== 'metadata.name')
        errs.push(fieldError.invalid(`${at}.key`, r.key, 'not a valid field selector key'));
      if (op !== 'In' && op !== 'NotIn')
        errs.push(fieldError.invalid(`${at}.operator`, op, 'not a valid selector operator'));
      else if (values.length !== 1)
        errs.push(
          fieldError.required(
            `${at}.values`,
            "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
          ),
        );
      return;
    }
    errs.push(...nameErrors(str(r.key), `${at}.key`, isQualifiedName));
    switch (op) {
      case 'In':
      case 'NotIn':
        if (values.length === 0)
          errs.push(
            fieldError.required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
          );
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0)
          errs.push(
            fieldError.forbidden(
              `${at}.values`,
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        break;
      case 'Gt':
      case 'Lt':
        if (values.length !== 1 || !/^-?[0-9]+$/.test(String(values[0])))
          errs.push(
            fieldError.required(
              `${at}.values`,
              "must be specified single value when `operator` is 'Lt' or 'Gt'",
            ),
          );
        break;
      default:
        errs.push(fieldError.invalid(`${at}.operator`, op, 'not a valid selector operator'));
    }
  });
  return errs;
}

function validateNodeSelectorTerm(term: Obj, path: string): FieldError[] {
  return [
    ...validateNodeSelectorRequirements(term.matchExpressions, `${path}.matchExpressions`, false),
    ...validateNodeSelectorRequirements(term.matchFields, `${path}.matchFields`, true),
  ];
}

function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  if (sel === undefined || sel === null) return [];
  const s = obj(sel);
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(obj(s.matchLabels))) {
    errs.push(...nameErrors(k, `${path}.matchLabels`, isQualifiedName));
    errs.push(...nameErrors(String(v), `${path}.matchLabels`, isValidLabelValue));
  }
  objects(s.matchExpressions).forEach((r, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const values = Array.isArray(r.values) ? r.values : [];
    const op = str(r.operator);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0)
        errs.push(
          fieldError.required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
        );
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0)
        errs.push(
          fieldError.forbidden(
            `${at}.values`,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
    } else errs.push(fieldError.invalid(`${at}.operator`, op, 'not a valid selector operator'));
    errs.push(...nameErrors(str(r.key), `${at}.key`, isQualifiedName));
  });
  return errs;
}

function validatePodAffinityTerm(t: Obj, path: string): FieldError[] {
  const errs = validateLabelSelector(t.labelSelector, `${path}.labelSelector`);
  errs.push(...validateLabelSelector(t.namespaceSelector, `${path}.namespaceSelector`));
  if (!str(t.topologyKey)) errs.push(fieldError.required(`${path}.topologyKey`, 'can not be empty'));
  else errs.push(...nameErrors(str(t.topologyKey), `${path}.topologyKey`, isQualifiedName));
  return errs;
}

function validateWeight(w: unknown, path: string): FieldError[] {
  return typeof w === 'number' && w >= 1 && w <= 100
    ? []
    : [fieldError.invalid(path, w, 'must be in the range 1-100')];
}

/** Checks `spec.affinity`: node selector terms, pod (anti-)affinity terms and preference weights. */
export function validateAffinity(affinity: unknown, path: string): FieldError[] {
  if (affinity === undefined || affinity === null) return [];
  const a = obj(affinity);
  const errs: FieldError[] = [];
  if (a.nodeAffinity !== undefined) {
    const na = obj(a.nodeAffinity);
    const np = `${path}.nodeAffinity`;
    if (na.requiredDuringSchedulingIgnoredDuringExecution !== undefined) {
      const rp = `${np}.requiredDuringSchedulingIgnoredDuringExecution`;
      const terms = objects(obj(na.requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms);
      if (terms.length === 0)
        errs.push(
          fieldError.required(`${rp}.nodeSelectorTerms`, 'must have at least one node selector term'),
        );
      terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, `${rp}.nodeSelectorTerms[${i}]`)));
    }
    objects(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
      const pp = `${np}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...validateWeight(p.weight, `${pp}.weight`));
      errs.push(...validateNodeSelectorTerm(obj(p.preference), `${pp}.preference`));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    if (a[kind] === undefined) continue;
    const pa = obj(a[kind]);
    const kp = `${path}.${kind}`;
    objects(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
      errs.push(...validatePodAffinityTerm(t, `${kp}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)),
    );
    objects(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
      const pp = `${kp}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...validateWeight(p.weight, `${pp}.weight`));
      errs.push(...validatePodAffinityTerm(obj(p.podAffinityTerm), `${pp}.podAffinityTerm`));
    });
  }
  return errs;
}

/** Checks `spec.topologySpreadConstraints`: skew, key, policy, and no duplicate key/policy pair. */
export function validateTopologySpreadConstraints(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objects(list).forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (typeof c.maxSkew !== 'number' || c.maxSkew <= 0)
      errs.push(fieldError.invalid(`${at}.maxSkew`, c.maxSkew, 'must be greater than zero'));
    const key = str(c.topologyKey);
    if (!key) errs.push(fieldError.required(`${at}.topologyKey`, 'can not be empty'));
    else errs.push(...nameErrors(key, `${at}.topologyKey`, isQualifiedName));
    const when = str(c.whenUnsatisfiable);
    errs.push(...oneOf(when, `${at}.whenUnsatisfiable`, ['DoNotSchedule', 'ScheduleAnyway']));
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (typeof c.minDomains !== 'number' || c.minDomains <= 0)
        errs.push(fieldError.invalid(`${at}.minDomains`, c.minDomains, 'must be greater than 0'));
      else if (when !== 'DoNotSchedule')
        errs.push(
          fieldError.invalid(
            `${at}.minDomains`,
            c.minDomains,
            'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway',
          ),
        );
    }
    errs.push(...oneOf(c.nodeAffinityPolicy, `${at}.nodeAffinityPolicy`, ['Honor', 'Ignore'], false));
    errs.push(...oneOf(c.nodeTaintsPolicy, `${at}.nodeTaintsPolicy`, ['Honor', 'Ignore'], false));
    errs.push(...validateLabelSelector(c.labelSelector, `${at}.labelSelector`));
    const pair = `${key}/${when}`;
    if (seen.has(pair))
      errs.push(fieldError.duplicate(`${at}.{topologyKey, whenUnsatisfiable}`, `{${key}, ${when}}`));
    seen.add(pair);
  });
  return errs;
}
