/**
 * networking.k8s.io/v1 IngressClass: names the controller that implements a class of ingresses and,
 * optionally, an object with its settings. The controller is fixed once set.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';
import { nameErrors, obj, str } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { ageColumn } from './kind-schema.ts';

const MAX_CONTROLLER = 250;
const SCOPES = ['Cluster', 'Namespace'];

/** A "domain/path" string such as "example.com/ingress-controller", as Kubernetes requires for controllers. */
export function validateDomainPrefixedPath(value: string, path: string): FieldError[] {
  if (value === '') return [fieldError.required(path)];
  const slash = value.indexOf('/');
  if (slash < 0)
    return [fieldError.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = nameErrors(value.slice(0, slash), path, isDNS1123Subdomain);
  const rest = value.slice(slash + 1);
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(rest)) {
    errs.push(
      fieldError.invalid(
        path,
        rest,
        "must be a valid path: regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+'",
      ),
    );
  }
  return errs;
}

function validateIngressClass(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const controller = str(spec.controller);
  if (controller.length > MAX_CONTROLLER) errs.push(fieldError.tooLong('spec.controller', MAX_CONTROLLER));
  errs.push(...validateDomainPrefixedPath(controller, 'spec.controller'));
  if (spec.parameters != null) {
    const p = obj(spec.parameters);
    const path = 'spec.parameters';
    if (!str(p.kind)) errs.push(fieldError.required(`${path}.kind`));
    if (!str(p.name)) errs.push(fieldError.required(`${path}.name`));
    if (p.apiGroup != null) errs.push(...nameErrors(str(p.apiGroup), `${path}.apiGroup`, isDNS1123Subdomain));
    const scope = str(p.scope);
    if (!scope) errs.push(fieldError.required(`${path}.scope`));
    else if (!SCOPES.includes(scope)) errs.push(fieldError.notSupported(`${path}.scope`, scope, SCOPES));
    else if (scope === 'Namespace' && !str(p.namespace)) {
      errs.push(fieldError.required(`${path}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    } else if (scope === 'Cluster' && p.namespace != null) {
      errs.push(fieldError.forbidden(`${path}.namespace`, "`parameters.scope` is set to 'Cluster'"));
    }
  }
  return errs;
}

export const ingressClass: KindDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  listKind: 'IngressClassList',
  resource: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  schema: 'io.k8s.api.networking.v1.IngressClass',
  strategy: {
    defaults(o) {
      const p = obj(o.spec).parameters;
      if (p && typeof p === 'object' && !Array.isArray(p)) {
        const params = p as Record<string, unknown>;
        if (params.scope == null) params.scope = 'Cluster';
      }
    },
    validate: validateIngressClass,
    validateUpdate(o, old) {
      const now = str(obj(o.spec).controller);
      const before = str(obj(old.spec).controller);
      return now === before ? [] : [fieldError.invalid('spec.controller', now, 'field is immutable')];
    },
  },
  columns: [
    {
      name: 'Controller',
      type: 'string',
      description: 'Controller that handles this class.',
      priority: 0,
      cell: (o) => str(obj(o.spec).controller),
    },
    {
      name: 'Parameters',
      type: 'string',
      description: 'Object holding further settings for the controller.',
      priority: 0,
      cell: (o) => {
        const p = obj(o.spec).parameters;
        if (p == null) return '<none>';
        const ref = obj(p);
        const group = typeof ref.apiGroup === 'string' ? `.${ref.apiGroup}` : '';
        return `${str(ref.kind)}${group}/${str(ref.name)}`;
      },
    },
    ageColumn,
  ],
};
