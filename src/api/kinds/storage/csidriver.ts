/**
 * storage.k8s.io/v1 CSIDriver: what an installed CSI driver supports. Defaults as Kubernetes sets
 * them (attach required, one Persistent mode, fsGroup policy by fs type); attachRequired,
 * fsGroupPolicy and volumeLifecycleModes are fixed after creation.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';
import { obj, objects, str, type Obj } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { ageColumn } from '../networking/kind-schema.ts';

const MODES = ['Persistent', 'Ephemeral'];
const FS_GROUP_POLICIES = ['ReadWriteOnceWithFSType', 'File', 'None'];
const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 2 ** 32;

/** A CSI driver name: at most 63 characters, a DNS subdomain once lower-cased. */
export function validateCSIDriverName(name: string, path: string): FieldError[] {
  if (name === '') return [fieldError.required(path)];
  const errs: FieldError[] = [];
  if (name.length > 63) errs.push(fieldError.tooLong(path, 63));
  for (const m of isDNS1123Subdomain(name.toLowerCase())) errs.push(fieldError.invalid(path, name, m));
  return errs;
}

function defaultCSIDriver(o: KubeObject): void {
  if (!o.spec || typeof o.spec !== 'object' || Array.isArray(o.spec)) o.spec = {};
  const spec = o.spec as Obj;
  spec.attachRequired ??= true;
  spec.podInfoOnMount ??= false;
  spec.storageCapacity ??= false;
  spec.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
  if (!Array.isArray(spec.volumeLifecycleModes) || spec.volumeLifecycleModes.length === 0) {
    spec.volumeLifecycleModes = ['Persistent'];
  }
  spec.requiresRepublish ??= false;
  spec.seLinuxMount ??= false;
}

function validateCSIDriver(o: KubeObject): FieldError[] {
  const errs = o.metadata.name ? validateCSIDriverName(o.metadata.name, 'name') : [];
  const spec = obj(o.spec);
  if (spec.attachRequired == null) errs.push(fieldError.required('spec.attachRequired'));
  if (spec.podInfoOnMount == null) errs.push(fieldError.required('spec.podInfoOnMount'));
  if (spec.storageCapacity == null) errs.push(fieldError.required('spec.storageCapacity'));
  if (spec.fsGroupPolicy != null && !FS_GROUP_POLICIES.includes(str(spec.fsGroupPolicy))) {
    errs.push(fieldError.notSupported('spec.fsGroupPolicy', spec.fsGroupPolicy, FS_GROUP_POLICIES));
  }
  const modes = Array.isArray(spec.volumeLifecycleModes) ? spec.volumeLifecycleModes : [];
  modes.forEach((m, i) => {
    if (!MODES.includes(str(m)))
      errs.push(fieldError.notSupported(`spec.volumeLifecycleModes[${i}]`, m, MODES));
  });
  const audiences = new Set<string>();
  objects(spec.tokenRequests).forEach((t, i) => {
    const p = `spec.tokenRequests[${i}]`;
    const aud = str(t.audience);
    if (audiences.has(aud)) errs.push(fieldError.duplicate(`${p}.audience`, aud));
    audiences.add(aud);
    if (typeof t.expirationSeconds === 'number') {
      if (t.expirationSeconds < MIN_TOKEN_SECONDS) {
        errs.push(
          fieldError.invalid(
            `${p}.expirationSeconds`,
            t.expirationSeconds,
            'may not specify a duration less than 10 minutes',
          ),
        );
      } else if (t.expirationSeconds > MAX_TOKEN_SECONDS) {
        errs.push(
          fieldError.invalid(
            `${p}.expirationSeconds`,
            t.expirationSeconds,
            'may not specify a duration larger than 2^32 seconds',
          ),
        );
      }
    }
  });
  return errs;
}

function validateCSIDriverUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const now = obj(o.spec);
  const before = obj(old.spec);
  for (const field of ['attachRequired', 'fsGroupPolicy', 'volumeLifecycleModes']) {
    if (!isDeepStrictEqual(now[field], before[field])) {
      errs.push(fieldError.invalid(`spec.${field}`, now[field] ?? null, 'field is immutable'));
    }
  }
  return errs;
}

const flag = (o: KubeObject, field: string, fallback: boolean): boolean => {
  const v = obj(o.spec)[field];
  return typeof v === 'boolean' ? v : fallback;
};

export const csiDriver: KindDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSIDriver',
  listKind: 'CSIDriverList',
  resource: 'csidrivers',
  singular: 'csidriver',
  namespaced: false,
  schema: 'io.k8s.api.storage.v1.CSIDriver',
  strategy: {
    defaults: defaultCSIDriver,
    validate: validateCSIDriver,
    validateUpdate: validateCSIDriverUpdate,
  },
  columns: [
    {
      name: 'AttachRequired',
      type: 'boolean',
      description: 'Whether volumes need attaching.',
      priority: 0,
      cell: (o) => flag(o, 'attachRequired', true),
    },
    {
      name: 'PodInfoOnMount',
      type: 'boolean',
      description: 'Whether pod details are passed on mount.',
      priority: 0,
      cell: (o) => flag(o, 'podInfoOnMount', false),
    },
    {
      name: 'StorageCapacity',
      type: 'boolean',
      description: 'Whether capacity is considered in scheduling.',
      priority: 0,
      cell: (o) => flag(o, 'storageCapacity', false),
    },
    {
      name: 'TokenRequests',
      type: 'string',
      description: 'Audiences of the tokens passed to the driver.',
      priority: 0,
      cell: (o) => {
        const t = obj(o.spec).tokenRequests;
        return Array.isArray(t)
          ? objects(t)
              .map((r) => str(r.audience))
              .join(',')
          : '<unset>';
      },
    },
    {
      name: 'RequiresRepublish',
      type: 'boolean',
      description: 'Whether volumes are republished periodically.',
      priority: 0,
      cell: (o) => flag(o, 'requiresRepublish', false),
    },
    {
      name: 'Modes',
      type: 'string',
      description: 'Volume lifecycle modes supported.',
      priority: 0,
      cell: (o) => {
        const m = obj(o.spec).volumeLifecycleModes;
        return Array.isArray(m) && m.length > 0 ? m.map(String).join(',') : '<none>';
      },
    },
    ageColumn,
  ],
};
