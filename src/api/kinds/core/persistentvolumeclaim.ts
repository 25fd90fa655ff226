/**
 * core/v1 PersistentVolumeClaim: volume mode Filesystem and phase Pending by default; access modes
 * and a positive storage request required; the spec is fixed after creation except growing the
 * storage request and binding the volume name.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { compareQuantities, parseQuantity } from '../../quantity.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';
import { validateResourceList } from '../../validation/resources.ts';
import type { KindDef } from '../types.ts';
import {
  accessModesString,
  ageColumn,
  canonical,
  child,
  col,
  field,
  jsonEqual,
  specOf,
  statusOf,
  str,
  type Obj,
} from './util.ts';
import { storageClassOf, validateAccessModes } from './persistentvolume.ts';

/** PVC defaults: Filesystem volume mode, phase Pending. */
export function defaultPersistentVolumeClaim(o: KubeObject): void {
  const spec = child(o, 'spec');
  if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
  const status = child(o, 'status');
  if (!status.phase) status.phase = 'Pending';
}

const anyName = (): FieldError[] => [];

/** Checks a claim spec at `path` (also used for ephemeral volume and StatefulSet claim templates). */
export function validatePersistentVolumeClaimSpec(specValue: unknown, path: string): FieldError[] {
  const spec = (specValue ?? {}) as Obj;
  const errs = validateAccessModes(spec.accessModes, `${path}.accessModes`);
  const requests = field(field(spec, 'resources'), 'requests');
  const storage = requests.storage;
  errs.push(...validateResourceList(requests, `${path}.resources.requests`, anyName).errs);
  if (storage === undefined) errs.push(fieldError.required(`${path}.resources[storage]`));
  else {
    try {
      if (compareQuantities(parseQuantity(String(storage)), parseQuantity('0')) <= 0)
        errs.push(
          fieldError.invalid(`${path}.resources[storage]`, String(storage), 'must be greater than zero'),
        );
    } catch {
      // reported by validateResourceList
    }
  }
  const sc = str(spec.storageClassName);
  if (sc)
    errs.push(...isDNS1123Subdomain(sc).map((m) => fieldError.invalid(`${path}.storageClassName`, sc, m)));
  const vm = str(spec.volumeMode);
  if (vm && vm !== 'Filesystem' && vm !== 'Block')
    errs.push(fieldError.notSupported(`${path}.volumeMode`, vm, ['Block', 'Filesystem']));
  for (const ref of ['dataSource', 'dataSourceRef']) {
    if (spec[ref] === undefined || spec[ref] === null) continue;
    const r = field(spec, ref);
    if (!str(r.kind)) errs.push(fieldError.required(`${path}.${ref}.kind`));
    if (!str(r.name)) errs.push(fieldError.required(`${path}.${ref}.name`));
  }
  return errs;
}

/** Only resources.requests may grow and volumeName may be filled in; nothing else changes. */
export function validatePersistentVolumeClaimUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(o);
  const prev = specOf(old);
  const errs: FieldError[] = [];
  const rest = (s: Obj): Obj => {
    const copy: Obj = { ...s, resources: undefined, volumeAttributesClassName: undefined };
    if (!str(prev.volumeName)) copy.volumeName = undefined;
    return copy;
  };
  if (!jsonEqual(rest(spec), rest(prev)))
    errs.push(
      fieldError.forbidden(
        'spec',
        'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      ),
    );
  const now = field(field(spec, 'resources'), 'requests').storage;
  const was = field(field(prev, 'resources'), 'requests').storage;
  try {
    if (
      now !== undefined &&
      was !== undefined &&
      compareQuantities(parseQuantity(String(now)), parseQuantity(String(was))) < 0
    )
      errs.push(
        fieldError.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'),
      );
  } catch {
    // bad quantities are reported by validate
  }
  return errs;
}

/** The `persistentvolumeclaims` resource of core/v1. */
export const persistentVolumeClaimKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  listKind: 'PersistentVolumeClaimList',
  resource: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  schema: 'io.k8s.api.core.v1.PersistentVolumeClaim',
  hasStatus: true,
  strategy: {
    defaults: defaultPersistentVolumeClaim,
    prepareForCreate: (o) => {
      o.status = { phase: 'Pending' };
    },
    validate: (o) => validatePersistentVolumeClaimSpec(o.spec, 'spec'),
    validateUpdate: validatePersistentVolumeClaimUpdate,
  },
  columns: [
    col('Status', 'Phase of the claim.', (o) =>
      o.metadata.deletionTimestamp ? 'Terminating' : str(statusOf(o).phase),
    ),
    col('Volume', 'Volume bound to the claim.', (o) => str(specOf(o).volumeName)),
    col('Capacity', 'Size of the bound volume.', (o) =>
      str(specOf(o).volumeName) ? canonical(field(statusOf(o), 'capacity').storage) || '0' : '',
    ),
    col('Access Modes', 'Access modes of the bound volume.', (o) =>
      str(specOf(o).volumeName) ? accessModesString(statusOf(o).accessModes) : '',
    ),
    col('StorageClass', 'StorageClass of the claim.', storageClassOf),
    col(
      'VolumeAttributesClass',
      'VolumeAttributesClass of the claim.',
      (o) => str(specOf(o).volumeAttributesClassName) || '<unset>',
    ),
    ageColumn,
    col('VolumeMode', 'Filesystem or Block.', (o) => str(specOf(o).volumeMode) || '<unset>', 1),
  ],
};
