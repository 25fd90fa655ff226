/**
 * authorization.k8s.io/v1 review kinds. They are virtual: a POST is answered (status filled in by
 * the authorizer) and nothing is stored. Validation follows Kubernetes: exactly one of resource and
 * non-resource attributes, a user or group for subject reviews, matching namespaces for local ones.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { obj, str, type Obj } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';

const G = 'authorization.k8s.io';

function validateAttributes(spec: Obj, path: string): FieldError[] {
  const hasResource = spec.resourceAttributes != null;
  const hasNonResource = spec.nonResourceAttributes != null;
  if (hasResource === hasNonResource) {
    return [
      fieldError.invalid(
        path,
        spec,
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    ];
  }
  const errs: FieldError[] = [];
  const attrs = obj(spec.resourceAttributes);
  for (const key of ['fieldSelector', 'labelSelector']) {
    const sel = obj(attrs[key]);
    const hasRaw = str(sel.rawSelector) !== '';
    const hasReqs = Array.isArray(sel.requirements) && sel.requirements.length > 0;
    if (hasRaw && hasReqs) {
      errs.push(
        fieldError.invalid(
          `${path}.resourceAttributes.${key}.rawSelector`,
          sel.rawSelector,
          'may not specified at the same time as requirements',
        ),
      );
    }
  }
  return errs;
}

function validateSubjectReview(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs = validateAttributes(spec, 'spec');
  const groups = Array.isArray(spec.groups) ? spec.groups : [];
  if (!str(spec.user) && groups.length === 0) {
    errs.push(
      fieldError.invalid('spec.user', str(spec.user), 'at least one of user or group must be specified'),
    );
  }
  return errs;
}

function validateLocalReview(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs = validateSubjectReview(o);
  if (spec.nonResourceAttributes != null) {
    errs.push(
      fieldError.invalid(
        'spec.nonResourceAttributes',
        spec.nonResourceAttributes,
        'disallowed on this kind of request',
      ),
    );
  }
  const ns = str(obj(spec.resourceAttributes).namespace);
  if (spec.resourceAttributes != null && ns !== (o.metadata.namespace ?? '')) {
    errs.push(fieldError.invalid('spec.resourceAttributes.namespace', ns, 'must match metadata.namespace'));
  }
  return errs;
}

function reviewKind(kind: string, namespaced: boolean, validate: (o: KubeObject) => FieldError[]): KindDef {
  return {
    group: G,
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    resource: kind.toLowerCase() + 's',
    singular: kind.toLowerCase(),
    namespaced,
    verbs: ['create'],
    virtual: true,
    schema: `io.k8s.api.authorization.v1.${kind}`,
    strategy: { validate },
  };
}

export const subjectAccessReview = reviewKind('SubjectAccessReview', false, validateSubjectReview);
export const localSubjectAccessReview = reviewKind('LocalSubjectAccessReview', true, validateLocalReview);
export const selfSubjectAccessReview = reviewKind('SelfSubjectAccessReview', false, (o) =>
  validateAttributes(obj(o.spec), 'spec'),
);
export const selfSubjectRulesReview = reviewKind('SelfSubjectRulesReview', false, () => []);
