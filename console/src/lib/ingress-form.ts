/**
 * The Ingresses page's create-by-form: the form's values, the Ingress they make, and the way back
 * from a Status cause's field path to the form field that produced it. Rows are sent as they are
 * (none dropped), so `spec.rules[i].http.paths[j]` is the form's rule i, path j.
 */
import type { ResourceKind } from '../api/kinds.ts';
import type { KubeObject } from '../api/types.ts';
import type { Secret } from '../api/workload-types.ts';
import type { FormPath } from './form-causes.ts';

/** networking.k8s.io/v1 IngressClasses, offered as the class (not a page of their own). */
export const ingressClassKind: ResourceKind = {
  kind: 'IngressClass',
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingressclasses',
  namespaced: false,
};

export const pathTypes = ['Prefix', 'Exact', 'ImplementationSpecific'] as const;

export interface IngressPathForm {
  path?: string;
  pathType?: (typeof pathTypes)[number];
  service?: string;
  /** A Service port's number, or its name. */
  port?: number | string;
}

export interface IngressRuleForm {
  /** Empty: every host. */
  host?: string;
  paths?: IngressPathForm[];
}

export interface IngressTlsForm {
  hosts?: string[];
  secretName?: string;
}

export interface IngressCreateForm {
  name?: string;
  namespace?: string;
  className?: string;
  rules?: IngressRuleForm[];
  tls?: IngressTlsForm[];
}

/** A new form: one rule with one `/` Prefix path. */
export function emptyIngressForm(namespace = 'default'): IngressCreateForm {
  return {
    name: '',
    namespace,
    className: undefined,
    rules: [{ host: '', paths: [{ path: '/', pathType: 'Prefix' }] }],
    tls: [],
  };
}

const trimmed = (s: string | undefined): string => (s ?? '').trim();

/** `{number: 80}` for 80 or "80", `{name: 'http'}` for a name, undefined when empty. */
export function backendPort(
  port: number | string | undefined,
): { number: number } | { name: string } | undefined {
  if (typeof port === 'number') return { number: port };
  const s = trimmed(port);
  if (s === '') return undefined;
  return /^\d+$/.test(s) ? { number: Number(s) } : { name: s };
}

/** The Ingress the form describes. */
export function ingressFromForm(f: IngressCreateForm): KubeObject {
  const rules = (f.rules ?? []).map((r) => ({
    ...(trimmed(r.host) ? { host: trimmed(r.host) } : {}),
    http: {
      paths: (r.paths ?? []).map((p) => {
        const port = backendPort(p.port);
        return {
          path: trimmed(p.path) || '/',
          pathType: p.pathType ?? 'Prefix',
          backend: { service: { name: trimmed(p.service), ...(port ? { port } : {}) } },
        };
      }),
    },
  }));
  const tls = (f.tls ?? []).map((x) => ({
    hosts: (x.hosts ?? []).map((h) => h.trim()).filter((h) => h !== ''),
    ...(trimmed(x.secretName) ? { secretName: trimmed(x.secretName) } : {}),
  }));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: trimmed(f.name), namespace: trimmed(f.namespace) || 'default' },
    spec: {
      ...(trimmed(f.className) ? { ingressClassName: trimmed(f.className) } : {}),
      rules,
      ...(tls.length > 0 ? { tls } : {}),
    },
  };
}

const pathFields: [RegExp, string][] = [
  [/^pathType/, 'pathType'],
  [/^path\b/, 'path'],
  [/^backend\.service\.port/, 'port'],
  [/^backend/, 'service'],
];

/** The form field a Status cause's `field` points at; undefined when none matches. */
export function ingressCauseField(field: string | undefined): FormPath | undefined {
  if (!field) return undefined;
  if (field.startsWith('metadata.name')) return ['name'];
  if (field.startsWith('metadata.namespace')) return ['namespace'];
  if (field.startsWith('spec.ingressClassName') || field.startsWith('metadata.annotations'))
    return ['className'];
  const tls = /^spec\.tls\[(\d+)\]\.(hosts|secretName)/.exec(field);
  if (tls) return ['tls', Number(tls[1]), tls[2]];
  const rule = /^spec\.rules\[(\d+)\]\.?(.*)$/.exec(field);
  if (!rule) return undefined;
  const i = Number(rule[1]);
  const path = /^http\.paths\[(\d+)\]\.?(.*)$/.exec(rule[2]);
  if (!path) return ['rules', i, 'host'];
  const to = pathFields.find(([re]) => re.test(path[2]))?.[1] ?? 'path';
  return ['rules', i, 'paths', Number(path[1]), to];
}

/** The names of the Secrets a TLS entry can use (type kubernetes.io/tls), sorted. */
export function tlsSecretNames(secrets: Secret[]): string[] {
  return secrets
    .filter((s) => s.type === 'kubernetes.io/tls')
    .map((s) => s.metadata.name)
    .sort();
}
