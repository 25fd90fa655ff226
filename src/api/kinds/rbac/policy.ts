/**
 * Rules shared by the four RBAC kinds: the name rule (a path segment, so "system:node" is a valid
 * name), policy rules, subjects, role references and the binding table columns — worded as
 * Kubernetes' RBAC validation words them.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isDNS1123Label, isDNS1123Subdomain } from '../../validation/names.ts';
import { obj, objects, str, type Obj } from '../../validation/util.ts';
import type { Column } from '../types.ts';
import { ageColumn } from '../networking/kind-schema.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

/**
 * RBAC object names are path segments (not DNS names): anything but "." and "..", without "/" or
 * "%". The generic store should use this instead of the DNS-1123 default for these kinds.
 */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** One policy rule: verbs, and either resources (with groups) or non-resource URLs. */
export function validatePolicyRule(rule: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (strings(rule.verbs).length === 0)
    errs.push(fieldError.required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = strings(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced)
      errs.push(
        fieldError.invalid(
          `${path}.nonResourceURLs`,
          urls,
          'namespaced rules cannot apply to non-resource URLs',
        ),
      );
    if (
      strings(rule.apiGroups).length ||
      strings(rule.resources).length ||
      strings(rule.resourceNames).length
    ) {
      errs.push(
        fieldError.invalid(
          `${path}.nonResourceURLs`,
          urls,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    }
    return errs;
  }
  if (strings(rule.apiGroups).length === 0) {
    errs.push(fieldError.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  }
  if (strings(rule.resources).length === 0) {
    errs.push(fieldError.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  }
  return errs;
}

export function validateRules(o: KubeObject, namespaced: boolean): FieldError[] {
  return objects(o.rules).flatMap((r, i) => validatePolicyRule(r, namespaced, `rules[${i}]`));
}

/** Fills apiGroup of roleRef and subjects the way Kubernetes defaults them. */
export function defaultBinding(o: KubeObject): void {
  if (o.roleRef && typeof o.roleRef === 'object' && !Array.isArray(o.roleRef)) {
    const ref = o.roleRef as Obj;
    if (!ref.apiGroup) ref.apiGroup = RBAC_GROUP;
  }
  for (const subject of objects(o.subjects)) {
    if (subject.apiGroup) continue;
    if (subject.kind === 'ServiceAccount') subject.apiGroup = '';
    else if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
  }
}

function validateSubject(subject: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(subject.name);
  if (!name) errs.push(fieldError.required(`${path}.name`));
  const kind = str(subject.kind);
  const group = str(subject.apiGroup);
  switch (kind) {
    case 'ServiceAccount':
      if (name)
        for (const m of isDNS1123Subdomain(name)) errs.push(fieldError.invalid(`${path}.name`, name, m));
      if (group !== '') errs.push(fieldError.notSupported(`${path}.apiGroup`, group, ['']));
      if (!namespaced && !str(subject.namespace)) errs.push(fieldError.required(`${path}.namespace`));
      else if (str(subject.namespace)) {
        for (const m of isDNS1123Label(str(subject.namespace)))
          errs.push(fieldError.invalid(`${path}.namespace`, subject.namespace, m));
      }
      break;
    case 'User':
    case 'Group':
      if (group !== RBAC_GROUP) errs.push(fieldError.notSupported(`${path}.apiGroup`, group, [RBAC_GROUP]));
      break;
    default:
      errs.push(fieldError.notSupported(`${path}.kind`, kind, SUBJECT_KINDS));
  }
  return errs;
}

/** A binding's roleRef and subjects; `roleKinds` is what the binding may reference. */
export function validateBinding(o: KubeObject, namespaced: boolean, roleKinds: string[]): FieldError[] {
  const errs: FieldError[] = [];
  const ref = obj(o.roleRef);
  if (str(ref.apiGroup) !== RBAC_GROUP)
    errs.push(fieldError.notSupported('roleRef.apiGroup', str(ref.apiGroup), [RBAC_GROUP]));
  if (!roleKinds.includes(str(ref.kind)))
    errs.push(fieldError.notSupported('roleRef.kind', str(ref.kind), roleKinds));
  const name = str(ref.name);
  if (!name) errs.push(fieldError.required('roleRef.name'));
  else for (const m of isValidPathSegmentName(name)) errs.push(fieldError.invalid('roleRef.name', name, m));
  objects(o.subjects).forEach((sub, i) => errs.push(...validateSubject(sub, namespaced, `subjects[${i}]`)));
  return errs;
}

/** roleRef may never change: a different grant needs a new binding. */
export function validateBindingUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  return isDeepStrictEqual(o.roleRef, old.roleRef)
    ? []
    : [fieldError.invalid('roleRef', o.roleRef ?? null, 'cannot change roleRef')];
}

/** Users, groups and service accounts ("namespace/name") named by a binding's subjects. */
export function subjectsStrings(o: KubeObject): {
  users: string[];
  groups: string[];
  serviceAccounts: string[];
} {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const s of objects(o.subjects)) {
    if (s.kind === 'User') out.users.push(str(s.name));
    else if (s.kind === 'Group') out.groups.push(str(s.name));
    else if (s.kind === 'ServiceAccount') out.serviceAccounts.push(`${str(s.namespace)}/${str(s.name)}`);
  }
  return out;
}

/** NAME ROLE AGE | USERS GROUPS SERVICEACCOUNTS, as kubectl shows bindings. */
export function bindingColumns(what: string): Column[] {
  return [
    {
      name: 'Role',
      type: 'string',
      description: 'The role granted, as Kind/name.',
      priority: 0,
      cell: (o) => `${str(obj(o.roleRef).kind)}/${str(obj(o.roleRef).name)}`,
    },
    ageColumn,
    {
      name: 'Users',
      type: 'string',
      description: `Users in the ${what}.`,
      priority: 1,
      cell: (o) => subjectsStrings(o).users.join(', '),
    },
    {
      name: 'Groups',
      type: 'string',
      description: `Groups in the ${what}.`,
      priority: 1,
      cell: (o) => subjectsStrings(o).groups.join(', '),
    },
    {
      name: 'ServiceAccounts',
      type: 'string',
      description: `Service accounts in the ${what}.`,
      priority: 1,
      cell: (o) => subjectsStrings(o).serviceAccounts.join(', '),
    },
  ];
}

/** The name problems of an RBAC object, at metadata.name (see isValidPathSegmentName). */
export function validateRBACName(o: KubeObject): FieldError[] {
  const name = o.metadata.name;
  if (!name) return [];
  return isValidPathSegmentName(name).map((m) => fieldError.invalid('metadata.name', name, m));
}
