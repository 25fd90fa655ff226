/**
 * core/v1 PersistentVolume: reclaim policy Retain, volume mode Filesystem and phase Pending by
 * default; capacity, access modes and exactly one source required; the source is fixed after
 * creation; kubectl's CAPACITY / ACCESS MODES / RECLAIM POLICY / STATUS / CLAIM table.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';
import { validateResourceList } from '../../validation/resources.ts';
import type { KindDef } from '../types.ts';
import { persistentVolumeSources } from './defs/volume.ts';
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

const modes = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
const sourceKeys = Object.keys(persistentVolumeSources);

/** Checks access modes: at least one, each known, ReadWriteOncePod alone. */
export function validateAccessModes(list: unknown, path: string): FieldError[] {
  const arr = Array.isArray(list) ? list.map(String) : [];
  if (arr.length === 0) return [fieldError.required(path, 'at least 1 access mode is required')];
  const errs: FieldError[] = [];
  for (const m of arr) if (!modes.includes(m)) errs.push(fieldError.notSupported(path, m, modes));
  if (arr.includes('ReadWriteOncePod') && arr.length > 1)
    errs.push(fieldError.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** PV defaults: Retain, Filesystem, phase Pending. */
export function defaultPersistentVolume(o: KubeObject): void {
  const spec = child(o, 'spec');
  if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
  if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
  const status = child(o, 'status');
  if (!status.phase) status.phase = 'Pending';
}

const storageOnly = (name: string, path: string): FieldError[] =>
  name === 'storage' ? [] : [fieldError.notSupported(path, name, ['storage'])];

/** PV checks: capacity (storage only), access modes, reclaim policy, one source, local needs node affinity. */
export function validatePersistentVolume(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  const capacity = field(spec, 'capacity');
  if (Object.keys(capacity).length === 0) errs.push(fieldError.required('spec.capacity'));
  else errs.push(...validateResourceList(capacity, 'spec.capacity', storageOnly).errs);
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes'));
  const policy = str(spec.persistentVolumeReclaimPolicy);
  if (!['Retain', 'Recycle', 'Delete'].includes(policy))
    errs.push(
      fieldError.notSupported('spec.persistentVolumeReclaimPolicy', policy, ['Delete', 'Recycle', 'Retain']),
    );
  const set = sourceKeys.filter((k) => spec[k] !== undefined && spec[k] !== null);
  if (set.length === 0) errs.push(fieldError.required('spec', 'must specify a volume type'));
  for (const k of set.slice(1))
    errs.push(fieldError.forbidden(`spec.${k}`, 'may not specify more than 1 volume type'));
  if (spec.hostPath !== undefined && !str(field(spec, 'hostPath').path))
    errs.push(fieldError.required('spec.hostPath.path'));
  if (spec.local !== undefined) {
    if (!str(field(spec, 'local').path)) errs.push(fieldError.required('spec.local.path'));
    if (spec.nodeAffinity === undefined)
      errs.push(fieldError.required('spec.nodeAffinity', 'Local volumes require node affinity'));
  }
  if (spec.csi !== undefined) {
    const csi = field(spec, 'csi');
    if (!str(csi.driver)) errs.push(fieldError.required('spec.csi.driver'));
    if (!str(csi.volumeHandle)) errs.push(fieldError.required('spec.csi.volumeHandle'));
  }
  if (spec.nfs !== undefined) {
    const nfs = field(spec, 'nfs');
    if (!str(nfs.server)) errs.push(fieldError.required('spec.nfs.server'));
    if (!str(nfs.path)) errs.push(fieldError.required('spec.nfs.path'));
  }
  const sc = str(spec.storageClassName);
  if (sc) errs.push(...isDNS1123Subdomain(sc).map((m) => fieldError.invalid('spec.storageClassName', sc, m)));
  const vm = str(spec.volumeMode);
  if (vm && vm !== 'Filesystem' && vm !== 'Block')
    errs.push(fieldError.notSupported('spec.volumeMode', vm, ['Block', 'Filesystem']));
  return errs;
}

const sourceOf = (spec: Obj): Obj =>
  Object.fromEntries(sourceKeys.filter((k) => spec[k] !== undefined).map((k) => [k, spec[k]]));

/** The volume source and volume mode are fixed after creation. */
export function validatePersistentVolumeUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(o);
  const prev = specOf(old);
  const errs: FieldError[] = [];
  if (!jsonEqual(sourceOf(spec), sourceOf(prev)))
    errs.push(
      fieldError.forbidden(
        'spec.persistentvolumesource',
        'spec.persistentvolumesource is immutable after creation',
      ),
    );
  if ((spec.volumeMode ?? 'Filesystem') !== (prev.volumeMode ?? 'Filesystem'))
    errs.push(fieldError.invalid('spec.volumeMode', spec.volumeMode, 'field is immutable'));
  return errs;
}

/** StorageClass of a PV or PVC: the beta annotation wins over spec.storageClassName. */
export function storageClassOf(o: KubeObject): string {
  return (
    o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? str(specOf(o).storageClassName)
  );
}

/** The `persistentvolumes` resource of core/v1. */
export const persistentVolumeKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  listKind: 'PersistentVolumeList',
  resource: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  schema: 'io.k8s.api.core.v1.PersistentVolume',
  hasStatus: true,
  strategy: {
    defaults: defaultPersistentVolume,
    prepareForCreate: (o) => {
      o.status = { phase: 'Pending' };
    },
    validate: validatePersistentVolume,
    validateUpdate: validatePersistentVolumeUpdate,
  },
  columns: [
    col('Capacity', 'Size of the volume.', (o) => canonical(field(specOf(o), 'capacity').storage) || '0'),
    col('Access Modes', 'Access modes of the volume.', (o) => accessModesString(specOf(o).accessModes)),
    col('Reclaim Policy', 'What happens when the claim is released.', (o) =>
      str(specOf(o).persistentVolumeReclaimPolicy),
    ),
    col('Status', 'Phase of the volume.', (o) =>
      o.metadata.deletionTimestamp ? 'Terminating' : str(statusOf(o).phase),
    ),
    col('Claim', 'Claim bound to the volume.', (o) => {
      const ref = field(specOf(o), 'claimRef');
      return specOf(o).claimRef ? `${str(ref.namespace)}/${str(ref.name)}` : '';
    }),
    col('StorageClass', 'StorageClass of the volume.', storageClassOf),
    col(
      'VolumeAttributesClass',
      'VolumeAttributesClass of the volume.',
      (o) => str(specOf(o).volumeAttributesClassName) || '<unset>',
    ),
    col('Reason', 'Reason for a failure.', (o) => str(statusOf(o).reason)),
    ageColumn,
    col('VolumeMode', 'Filesystem or Block.', (o) => str(specOf(o).volumeMode) || '<unset>', 1),
  ],
};
