/**
 * core/v1 Namespace: a DNS-1123 label name, the `kubernetes.io/metadata.name` label, phase Active
 * and the `kubernetes` finalizer on create; spec.finalizers change only through /finalize.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isDNS1123Label, isQualifiedName } from '../../validation/names.ts';
import type { KindDef } from '../types.ts';
import { ageColumn, child, col, specOf, statusOf, str, stricterName } from './util.ts';

/** Namespace defaults: the name label Kubernetes adds and phase Active. */
export function defaultNamespace(o: KubeObject): void {
  if (o.metadata.name)
    o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
  if (o.status !== undefined) {
    const status = child(o, 'status');
    if (!status.phase) status.phase = 'Active';
  }
}

/** A new namespace is Active and carries the `kubernetes` finalizer the namespace controller removes. */
export function prepareForCreateNamespace(o: KubeObject): void {
  o.status = { phase: 'Active' };
  const spec = child(o, 'spec');
  const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers.map(String) : [];
  if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
  spec.finalizers = finalizers;
}

/** spec.finalizers are kept from the stored object; only /finalize changes them. */
export function prepareForUpdateNamespace(o: KubeObject, old: KubeObject): void {
  const prev = specOf(old).finalizers;
  const spec = child(o, 'spec');
  if (prev === undefined) delete spec.finalizers;
  else spec.finalizers = prev;
}

/** Namespace checks: DNS-1123 label name and well-formed spec finalizers. */
export function validateNamespace(o: KubeObject): FieldError[] {
  const errs = stricterName(o, isDNS1123Label);
  const finalizers = specOf(o).finalizers;
  (Array.isArray(finalizers) ? finalizers : []).forEach((f) => {
    const name = String(f);
    const problems = name === 'kubernetes' ? [] : isQualifiedName(name);
    errs.push(...problems.map((m) => fieldError.invalid('spec.finalizers', name, m)));
  });
  return errs;
}

/** The `namespaces` resource of core/v1. */
export const namespaceKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  resource: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  schema: 'io.k8s.api.core.v1.Namespace',
  hasStatus: true,
  subresources: [
    { name: 'finalize', responseKind: { group: '', version: 'v1', kind: 'Namespace' }, verbs: ['update'] },
  ],
  strategy: {
    defaults: defaultNamespace,
    prepareForCreate: prepareForCreateNamespace,
    validate: validateNamespace,
    prepareForUpdate: prepareForUpdateNamespace,
  },
  columns: [col('Status', 'Phase of the namespace.', (o) => str(statusOf(o).phase)), ageColumn],
  fieldSelectors: { 'status.phase': (o) => str(statusOf(o).phase) },
};
