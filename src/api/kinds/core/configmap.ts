/**
 * core/v1 ConfigMap: valid keys, no key in both data and binaryData, at most 1 MiB in total, and
 * no changes to the data of an immutable config map.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject, type KubeObject } from '../../object.ts';
import { isConfigMapKey } from '../../validation/names.ts';
import type { KindDef } from '../types.ts';
import { ageColumn, jsonEqual, type Obj } from './util.ts';

/** The most bytes the data of a ConfigMap or Secret may hold (1 MiB). */
export const maxDataSize = 1024 * 1024;

const mapOf = (v: unknown): Obj => (isObject(v) ? v : {});

/** ConfigMap checks: keys, duplicates across data/binaryData, total size. */
export function validateConfigMap(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = mapOf(o.data);
  const binary = mapOf(o.binaryData);
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...isConfigMapKey(key).map((m) => fieldError.invalid(`data[${key}]`, key, m)));
    if (key in binary)
      errs.push(fieldError.invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(String(value));
  }
  for (const [key, value] of Object.entries(binary)) {
    errs.push(...isConfigMapKey(key).map((m) => fieldError.invalid(`binaryData[${key}]`, key, m)));
    if (key in data)
      errs.push(fieldError.invalid(`binaryData[${key}]`, key, 'duplicate of key present in data'));
    size += Buffer.from(String(value), 'base64').length;
  }
  if (size > maxDataSize) errs.push(fieldError.tooLong('', maxDataSize));
  return errs;
}

/** An immutable object keeps its data and stays immutable (shared by ConfigMap and Secret). */
export function validateImmutableData(o: KubeObject, old: KubeObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (o.immutable !== true)
    errs.push(fieldError.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields)
    if (!jsonEqual(o[f] ?? {}, old[f] ?? {}))
      errs.push(fieldError.forbidden(f, 'field is immutable when `immutable` is set'));
  return errs;
}

/** The `configmaps` resource of core/v1. */
export const configMapKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  resource: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  schema: 'io.k8s.api.core.v1.ConfigMap',
  strategy: {
    validate: validateConfigMap,
    validateUpdate: (o, old) => validateImmutableData(o, old, ['data', 'binaryData']),
  },
  columns: [
    {
      name: 'Data',
      type: 'integer',
      description: 'Number of keys.',
      priority: 0,
      cell: (o) => Object.keys(mapOf(o.data)).length + Object.keys(mapOf(o.binaryData)).length,
    },
    ageColumn,
  ],
};
