/**
 * storage.k8s.io/v1 VolumeAttachment: a request (from the attach/detach controller) that a CSI
 * driver attach a volume to a node; the driver reports back in status. The spec never changes.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';
import { nameErrors, obj, str } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { ageColumn } from '../networking/kind-schema.ts';
import { validateCSIDriverName } from './csidriver.ts';

function validateVolumeAttachment(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs = validateCSIDriverName(str(spec.attacher), 'spec.attacher');
  const node = str(spec.nodeName);
  if (!node) errs.push(fieldError.required('spec.nodeName'));
  else errs.push(...nameErrors(node, 'spec.nodeName', isDNS1123Subdomain));
  const source = obj(spec.source);
  const count = (source.persistentVolumeName != null ? 1 : 0) + (source.inlineVolumeSpec != null ? 1 : 0);
  if (count !== 1) {
    errs.push(
      fieldError.invalid(
        'spec.source',
        source,
        'must specify exactly one of inlineVolumeSpec and persistentVolumeName',
      ),
    );
  } else if (source.persistentVolumeName != null && !str(source.persistentVolumeName)) {
    errs.push(
      fieldError.required('spec.source.persistentVolumeName', 'must specify non empty persistentVolumeName'),
    );
  }
  return errs;
}

export const volumeAttachment: KindDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'VolumeAttachment',
  listKind: 'VolumeAttachmentList',
  resource: 'volumeattachments',
  singular: 'volumeattachment',
  namespaced: false,
  schema: 'io.k8s.api.storage.v1.VolumeAttachment',
  hasStatus: true,
  strategy: {
    validate: validateVolumeAttachment,
    validateUpdate: (o, old) =>
      isDeepStrictEqual(o.spec, old.spec)
        ? []
        : [fieldError.invalid('spec', o.spec ?? null, 'field is immutable')],
  },
  columns: [
    {
      name: 'Attacher',
      type: 'string',
      format: 'name',
      description: 'CSI driver that attaches the volume.',
      priority: 0,
      cell: (o) => str(obj(o.spec).attacher),
    },
    {
      name: 'PV',
      type: 'string',
      description: 'Persistent volume being attached.',
      priority: 0,
      cell: (o) => str(obj(obj(o.spec).source).persistentVolumeName),
    },
    {
      name: 'Node',
      type: 'string',
      description: 'Node the volume is attached to.',
      priority: 0,
      cell: (o) => str(obj(o.spec).nodeName),
    },
    {
      name: 'Attached',
      type: 'boolean',
      description: 'Whether the volume is attached.',
      priority: 0,
      cell: (o) => obj(o.status).attached === true,
    },
    ageColumn,
  ],
};
