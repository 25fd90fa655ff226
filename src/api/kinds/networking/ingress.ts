/**
 * networking.k8s.io/v1 Ingress: HTTP routing rules served by an ingress controller. Validation
 * follows Kubernetes' ingress rules (a backend or rules, one backend kind, port by name or number,
 * host names, path types); the table shows NAME CLASS HOSTS ADDRESS PORTS AGE.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import {
  isDNS1035Label,
  isDNS1123Subdomain,
  isIPv4,
  isIPv6,
  isValidPortName,
  isValidPortNum,
} from '../../validation/names.ts';
import { nameErrors, obj, objects, str, type Obj } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { ageColumn } from './kind-schema.ts';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
/** kubectl clips the ADDRESS cell to this many characters outside `-o wide`. */
const ADDRESS_WIDTH = 16;

/** A DNS subdomain whose first label may be `*` (ingress and TLS hosts). */
export function isWildcardOrDNSSubdomain(host: string): string[] {
  if (host.startsWith('*.')) {
    const rest = isDNS1123Subdomain(host.slice(2));
    return rest.length === 0 && host.length <= 253
      ? []
      : [
          "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ];
  }
  return isDNS1123Subdomain(host);
}

function validateHost(host: string, path: string): FieldError[] {
  if (isIPv4(host) || isIPv6(host))
    return [fieldError.invalid(path, host, 'must be a DNS name, not an IP address')];
  return nameErrors(host, path, isWildcardOrDNSSubdomain);
}

/** Checks one backend: exactly one of service/resource, a service name and one port form. */
export function validateIngressBackend(backend: Obj, path: string): FieldError[] {
  const hasService = backend.service != null;
  const hasResource = backend.resource != null;
  if (hasService && hasResource)
    return [fieldError.invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    const res = obj(backend.resource);
    const errs: FieldError[] = [];
    if (!str(res.kind)) errs.push(fieldError.required(`${path}.resource.kind`));
    if (!str(res.name)) errs.push(fieldError.required(`${path}.resource.name`));
    if (res.apiGroup != null)
      errs.push(...nameErrors(str(res.apiGroup), `${path}.resource.apiGroup`, isDNS1123Subdomain));
    return errs;
  }
  if (!hasService) return [fieldError.invalid(path, '', 'resource or service backend is required')];
  const svc = obj(backend.service);
  const errs: FieldError[] = [];
  const name = str(svc.name);
  if (!name) errs.push(fieldError.required(`${path}.service.name`));
  else errs.push(...nameErrors(name, `${path}.service.name`, isDNS1035Label));
  const port = obj(svc.port);
  const portName = str(port.name);
  const portNumber = typeof port.number === 'number' ? port.number : 0;
  if (portName && portNumber)
    errs.push(fieldError.invalid(path, '', 'cannot set both port name & port number'));
  else if (portName) errs.push(...nameErrors(portName, `${path}.service.port.name`, isValidPortName));
  else if (portNumber) {
    for (const m of isValidPortNum(portNumber))
      errs.push(fieldError.invalid(`${path}.service.port.number`, portNumber, m));
  } else errs.push(fieldError.required(path, 'port name or number is required'));
  return errs;
}

function validatePath(p: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const pathType = str(p.pathType);
  const value = str(p.path);
  if (!pathType) errs.push(fieldError.required(`${path}.pathType`, 'pathType must be specified'));
  else if (!PATH_TYPES.includes(pathType))
    errs.push(fieldError.notSupported(`${path}.pathType`, pathType, PATH_TYPES));
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/'))
      errs.push(fieldError.invalid(`${path}.path`, value, 'must be an absolute path'));
    for (const bad of ['//', '/./', '/../', '%2f', '%2F']) {
      if (value.includes(bad))
        errs.push(fieldError.invalid(`${path}.path`, value, `must not contain '${bad}'`));
    }
    for (const bad of ['/..', '/.']) {
      if (value.endsWith(bad))
        errs.push(fieldError.invalid(`${path}.path`, value, `cannot end with '${bad}'`));
    }
  } else if (pathType === 'ImplementationSpecific' && value !== '' && !value.startsWith('/')) {
    errs.push(fieldError.invalid(`${path}.path`, value, 'must be an absolute path'));
  }
  if (p.backend == null) errs.push(fieldError.required(`${path}.backend`));
  else errs.push(...validateIngressBackend(obj(p.backend), `${path}.backend`));
  return errs;
}

function validateIngress(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const rules = objects(spec.rules);
  if (spec.defaultBackend == null && rules.length === 0) {
    errs.push(
      fieldError.invalid('spec', spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'),
    );
  }
  if (spec.defaultBackend != null)
    errs.push(...validateIngressBackend(obj(spec.defaultBackend), 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const path = `spec.rules[${i}]`;
    if (str(rule.host)) errs.push(...validateHost(str(rule.host), `${path}.host`));
    if (rule.http != null) {
      const paths = objects(obj(rule.http).paths);
      if (paths.length === 0) errs.push(fieldError.required(`${path}.http.paths`));
      paths.forEach((p, j) => errs.push(...validatePath(p, `${path}.http.paths[${j}]`)));
    }
  });
  objects(spec.tls).forEach((tls, i) => {
    const hosts = Array.isArray(tls.hosts) ? tls.hosts : [];
    hosts.forEach((h, j) =>
      errs.push(...nameErrors(str(h), `spec.tls[${i}].hosts[${j}]`, isWildcardOrDNSSubdomain)),
    );
    if (str(tls.secretName))
      errs.push(...nameErrors(str(tls.secretName), `spec.tls[${i}].secretName`, isDNS1123Subdomain));
  });
  if (spec.ingressClassName != null) {
    errs.push(...nameErrors(str(spec.ingressClassName), 'spec.ingressClassName', isDNS1123Subdomain));
  }
  return errs;
}

/** Comma-joined hosts of the rules, at most three then "+ N more...", or "*" when none names a host. */
export function formatHosts(rules: Obj[]): string {
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === 3) more = true;
    if (!more && str(rule.host)) list.push(str(rule.host));
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - 3} more...` : list.join(',');
}

/** The load balancer's IPs (or host names), sorted, unique, comma-joined; clipped unless wide. */
export function ingressAddress(o: KubeObject, wide = false): string {
  const lb = obj(obj(o.status).loadBalancer);
  const set = new Set<string>();
  for (const ing of objects(lb.ingress)) {
    if (str(ing.ip)) set.add(str(ing.ip));
    else if (str(ing.hostname)) set.add(str(ing.hostname));
  }
  const r = [...set].sort().join(',');
  return !wide && r.length > ADDRESS_WIDTH ? r.slice(0, ADDRESS_WIDTH - 3) + '...' : r;
}

export const ingress: KindDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  listKind: 'IngressList',
  resource: 'ingresses',
  singular: 'ingress',
  namespaced: true,
  shortNames: ['ing'],
  schema: 'io.k8s.api.networking.v1.Ingress',
  hasStatus: true,
  strategy: {
    // Kubernetes checks the class annotation only on create; the strategy cannot tell create from
    // update, so here it also applies to updates (slightly stricter than Kubernetes).
    validate: (o) => [...validateIngress(o), ...validateIngressClassExclusive(o)],
  },
  columns: [
    {
      name: 'Class',
      type: 'string',
      description: 'Name of the IngressClass that handles this ingress.',
      priority: 0,
      cell: (o) =>
        typeof obj(o.spec).ingressClassName === 'string' ? str(obj(o.spec).ingressClassName) : '<none>',
    },
    {
      name: 'Hosts',
      type: 'string',
      description: 'Hosts the rules match.',
      priority: 0,
      cell: (o) => formatHosts(objects(obj(o.spec).rules)),
    },
    {
      name: 'Address',
      type: 'string',
      description: 'Addresses of the load balancer serving the ingress.',
      priority: 0,
      cell: (o) => ingressAddress(o),
    },
    {
      name: 'Ports',
      type: 'string',
      description: 'Ports the ingress listens on (443 when TLS is configured).',
      priority: 0,
      cell: (o) => (objects(obj(o.spec).tls).length > 0 ? '80, 443' : '80'),
    },
    ageColumn,
  ],
};

/** Create-time check Kubernetes adds: the legacy class annotation and spec.ingressClassName are exclusive. */
export function validateIngressClassExclusive(o: KubeObject): FieldError[] {
  const ann = o.metadata.annotations?.[CLASS_ANNOTATION];
  if (ann !== undefined && obj(o.spec).ingressClassName != null) {
    return [
      fieldError.invalid(
        `annotations.${CLASS_ANNOTATION}`,
        ann,
        'can not be set when the class field is also set',
      ),
    ];
  }
  return [];
}
