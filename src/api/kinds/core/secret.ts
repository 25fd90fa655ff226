/**
 * core/v1 Secret: type Opaque by default, stringData folded into data, the keys each well-known
 * type requires (tls.crt/tls.key, .dockerconfigjson, …), an immutable type, and immutable data
 * when `immutable` is set.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import { isObject, type KubeObject } from '../../object.ts';
import { isConfigMapKey } from '../../validation/names.ts';
import type { KindDef } from '../types.ts';
import { maxDataSize, validateImmutableData } from './configmap.ts';
import { ageColumn, col, immutable, str, type Obj } from './util.ts';

const mapOf = (v: unknown): Obj => (isObject(v) ? v : {});

/** Secret defaults: type Opaque, and stringData merged into data (base64) then dropped, as Kubernetes stores it. */
export function defaultSecret(o: KubeObject): void {
  if (!o.type) o.type = 'Opaque';
  if (isObject(o.stringData)) {
    const data = { ...mapOf(o.data) };
    for (const [k, v] of Object.entries(o.stringData))
      data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    o.data = data;
    delete o.stringData;
  }
}

const decoded = (o: KubeObject, key: string): Buffer | undefined => {
  const v = mapOf(o.data)[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
};

function requireKey(o: KubeObject, key: string): FieldError[] {
  return key in mapOf(o.data) ? [] : [fieldError.required(`data[${key}]`)];
}

function requireJSON(o: KubeObject, key: string): FieldError[] {
  const bytes = decoded(o, key);
  if (!bytes) return [fieldError.required(`data[${key}]`)];
  try {
    JSON.parse(bytes.toString('utf8'));
    return [];
  } catch (err) {
    return [fieldError.invalid(`data[${key}]`, '<secret contents redacted>', (err as Error).message)];
  }
}

/** Secret checks: keys, total size, and the per-type required keys. */
export function validateSecret(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const key of Object.keys(mapOf(o.data))) {
    errs.push(...isConfigMapKey(key).map((m) => fieldError.invalid(`data[${key}]`, key, m)));
    size += decoded(o, key)?.length ?? 0;
  }
  if (size > maxDataSize) errs.push(fieldError.tooLong('data', maxDataSize));
  switch (str(o.type)) {
    case 'kubernetes.io/service-account-token':
      if (!o.metadata.annotations?.['kubernetes.io/service-account.name'])
        errs.push(fieldError.required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
      errs.push(...requireJSON(o, '.dockercfg'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      errs.push(...requireJSON(o, '.dockerconfigjson'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!decoded(o, 'username')?.length && !decoded(o, 'password')?.length)
        errs.push(fieldError.required('data[username]'), fieldError.required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!decoded(o, 'ssh-privatekey')?.length) errs.push(fieldError.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      errs.push(...requireKey(o, 'tls.crt'), ...requireKey(o, 'tls.key'));
      break;
    case '':
      errs.push(fieldError.required('type'));
      break;
  }
  return errs;
}

/** The type never changes; an immutable secret keeps its data. */
export function validateSecretUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  return [...immutable(o.type, old.type, 'type'), ...validateImmutableData(o, old, ['data'])];
}

/** The `secrets` resource of core/v1. */
export const secretKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  listKind: 'SecretList',
  resource: 'secrets',
  singular: 'secret',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Secret',
  strategy: { defaults: defaultSecret, validate: validateSecret, validateUpdate: validateSecretUpdate },
  columns: [
    col('Type', 'Type of the secret.', (o) => str(o.type)),
    {
      name: 'Data',
      type: 'integer',
      description: 'Number of keys.',
      priority: 0,
      cell: (o) => Object.keys(mapOf(o.data)).length,
    },
    ageColumn,
  ],
  fieldSelectors: { type: (o) => str(o.type) },
};
