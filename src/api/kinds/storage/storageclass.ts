/**
 * storage.k8s.io/v1 StorageClass: how volumes of a class are provisioned. Provisioner, parameters
 * and reclaimPolicy (and volumeBindingMode) are fixed after creation, as in Kubernetes; the table
 * marks the default class with "(default)".
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isQualifiedName } from '../../validation/names.ts';
import { obj, objects, str } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { ageColumn } from '../networking/kind-schema.ts';

const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_BYTES = 256 * 1024;
/** The annotation that marks the class used for claims that name none. */
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** A provisioner is a qualified name such as `kubernetes.io/no-provisioner` (case-insensitive). */
export function validateProvisioner(provisioner: string, path: string): FieldError[] {
  if (provisioner === '') return [fieldError.required(path)];
  return isQualifiedName(provisioner.toLowerCase()).map((m) => fieldError.invalid(path, provisioner, m));
}

function validateStorageClass(o: KubeObject): FieldError[] {
  const errs = validateProvisioner(str(o.provisioner), 'provisioner');
  const params = obj(o.parameters);
  const keys = Object.keys(params);
  if (keys.length > MAX_PARAMETERS) {
    errs.push(fieldError.tooLong('parameters', MAX_PARAMETERS));
  }
  let size = 0;
  for (const k of keys) {
    if (k === '') errs.push(fieldError.invalid('parameters', k, 'field can not be empty.'));
    size += k.length + str(params[k]).length;
  }
  if (size > MAX_PARAMETERS_BYTES) errs.push(fieldError.tooLong('parameters', MAX_PARAMETERS_BYTES));
  if (o.reclaimPolicy != null && !RECLAIM_POLICIES.includes(str(o.reclaimPolicy))) {
    errs.push(fieldError.notSupported('reclaimPolicy', o.reclaimPolicy, RECLAIM_POLICIES));
  }
  if (o.volumeBindingMode == null) errs.push(fieldError.required('volumeBindingMode'));
  else if (!BINDING_MODES.includes(str(o.volumeBindingMode))) {
    errs.push(fieldError.notSupported('volumeBindingMode', o.volumeBindingMode, BINDING_MODES));
  }
  objects(o.allowedTopologies).forEach((term, i) => {
    const exprs = objects(term.matchLabelExpressions);
    if (exprs.length === 0) {
      errs.push(
        fieldError.required(
          `allowedTopologies[${i}].matchLabelExpressions`,
          'must have at least one label value requirement',
        ),
      );
    }
    exprs.forEach((e, j) => {
      const p = `allowedTopologies[${i}].matchLabelExpressions[${j}]`;
      if (!str(e.key)) errs.push(fieldError.required(`${p}.key`));
      if (!Array.isArray(e.values) || e.values.length === 0) {
        errs.push(fieldError.required(`${p}.values`, 'must specify as least one value'));
      }
    });
  });
  return errs;
}

function validateStorageClassUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!isDeepStrictEqual(o.parameters ?? {}, old.parameters ?? {})) {
    errs.push(fieldError.forbidden('parameters', 'updates to parameters are forbidden.'));
  }
  if (str(o.provisioner) !== str(old.provisioner)) {
    errs.push(fieldError.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  }
  if (str(o.reclaimPolicy) !== str(old.reclaimPolicy)) {
    errs.push(fieldError.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  }
  if (str(o.volumeBindingMode) !== str(old.volumeBindingMode)) {
    errs.push(fieldError.invalid('volumeBindingMode', o.volumeBindingMode ?? null, 'field is immutable'));
  }
  return errs;
}

/** True when the class carries the default-class annotation (or its beta form) set to "true". */
export function isDefaultClass(o: KubeObject): boolean {
  const a = o.metadata.annotations ?? {};
  return a[DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}

export const storageClass: KindDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  listKind: 'StorageClassList',
  resource: 'storageclasses',
  singular: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  schema: 'io.k8s.api.storage.v1.StorageClass',
  strategy: {
    defaults(o) {
      if (o.reclaimPolicy == null) o.reclaimPolicy = 'Delete';
      if (o.volumeBindingMode == null) o.volumeBindingMode = 'Immediate';
    },
    validate: validateStorageClass,
    validateUpdate: validateStorageClassUpdate,
  },
  columns: [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name of the class; the default class is marked "(default)".',
      priority: 0,
      cell: storageClassNameCell,
    },
    {
      name: 'Provisioner',
      type: 'string',
      description: 'Volume plugin that provisions volumes of this class.',
      priority: 0,
      cell: (o) => str(o.provisioner),
    },
    {
      name: 'ReclaimPolicy',
      type: 'string',
      description: 'What happens to released volumes.',
      priority: 0,
      cell: (o) => str(o.reclaimPolicy) || 'Delete',
    },
    {
      name: 'VolumeBindingMode',
      type: 'string',
      description: 'When claims are bound and provisioned.',
      priority: 0,
      cell: (o) => str(o.volumeBindingMode) || 'Immediate',
    },
    {
      name: 'AllowVolumeExpansion',
      type: 'string',
      description: 'Whether claims of this class may grow.',
      priority: 0,
      cell: (o) => o.allowVolumeExpansion === true,
    },
    ageColumn,
  ],
};

/**
 * The NAME cell kubectl shows for a storage class: the name, with " (default)" for the default
 * class. The server builds NAME itself, so it should call this for storage classes (see report).
 */
export function storageClassNameCell(o: KubeObject): string {
  const name = o.metadata.name ?? '';
  return isDefaultClass(o) ? `${name} (default)` : name;
}
