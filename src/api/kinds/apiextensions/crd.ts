/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition: adds a kind to the API. Defaults and checks
 * follow Kubernetes; the strategy records the storage version in status.storedVersions on every
 * write (so versions that ever held data are known). Serving the custom kind is a later issue.
 */
import type { KubeObject } from '../../object.ts';
import type { Obj } from '../../validation/util.ts';
import { isObject } from '../../object.ts';
import { createdAtColumn } from '../networking/kind-schema.ts';
import type { KindDef } from '../types.ts';
import { storageVersion, validateCRD, validateCRDUpdate } from './crd-validation.ts';

function defaultCRD(o: KubeObject): void {
  if (!isObject(o.spec)) return;
  const spec = o.spec;
  if (isObject(spec.names)) {
    const names = spec.names;
    const kind = typeof names.kind === 'string' ? names.kind : '';
    if (!names.singular) names.singular = kind.toLowerCase();
    if (!names.listKind && kind) names.listKind = `${kind}List`;
  }
  if (!isObject(spec.conversion)) spec.conversion = { strategy: 'None' };
  const conv = spec.conversion as Obj;
  if (!conv.strategy) conv.strategy = 'None';
  const service =
    isObject(conv.webhook) && isObject(conv.webhook.clientConfig)
      ? conv.webhook.clientConfig.service
      : undefined;
  if (isObject(service) && service.port == null) service.port = 443;
}

/** Adds the storage version to status.storedVersions when missing. */
function recordStorageVersion(o: KubeObject): void {
  const v = storageVersion(o);
  if (!v) return;
  if (!isObject(o.status)) o.status = {};
  const status = o.status as Obj;
  const stored = Array.isArray(status.storedVersions) ? status.storedVersions.map(String) : [];
  if (!stored.includes(v)) stored.push(v);
  status.storedVersions = stored;
}

export const customResourceDefinition: KindDef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  resource: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  schema: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
  hasStatus: true,
  strategy: {
    defaults: defaultCRD,
    prepareForCreate(o) {
      o.status = { acceptedNames: { plural: '', kind: '' } };
      recordStorageVersion(o);
    },
    validate: validateCRD,
    prepareForUpdate(o, old) {
      if (!isObject(o.status) && isObject(old.status)) o.status = structuredClone(old.status);
      recordStorageVersion(o);
    },
    validateUpdate: validateCRDUpdate,
  },
  columns: [createdAtColumn],
};
