/**
 * storage.k8s.io/v1 CSINode: the CSI drivers registered on one node (written by the kubelet). A
 * driver's nodeID, topology keys and allocatable count do not change once registered.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isQualifiedName } from '../../validation/names.ts';
import { nameErrors, nonNegative, obj, objects, str } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { ageColumn } from '../networking/kind-schema.ts';
import { validateCSIDriverName } from './csidriver.ts';

const MAX_NODE_ID = 192;

function validateCSINode(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objects(obj(o.spec).drivers).forEach((d, i) => {
    const p = `spec.drivers[${i}]`;
    const name = str(d.name);
    errs.push(...validateCSIDriverName(name, `${p}.name`));
    if (name && seen.has(name)) errs.push(fieldError.duplicate(`${p}.name`, name));
    seen.add(name);
    const nodeID = str(d.nodeID);
    if (!nodeID) errs.push(fieldError.required(`${p}.nodeID`, 'nodeID must be provided'));
    else if (nodeID.length > MAX_NODE_ID) errs.push(fieldError.tooLong(`${p}.nodeID`, MAX_NODE_ID));
    const keys = new Set<string>();
    (Array.isArray(d.topologyKeys) ? d.topologyKeys : []).forEach((k, j) => {
      const kp = `${p}.topologyKeys[${j}]`;
      if (!str(k)) errs.push(fieldError.required(kp));
      else errs.push(...nameErrors(str(k), kp, isQualifiedName));
      if (keys.has(str(k))) errs.push(fieldError.duplicate(kp, k));
      keys.add(str(k));
    });
    errs.push(...nonNegative(obj(d.allocatable).count, `${p}.allocatable.count`));
  });
  return errs;
}

function validateCSINodeUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const before = new Map(objects(obj(old.spec).drivers).map((d) => [str(d.name), d]));
  objects(obj(o.spec).drivers).forEach((d, i) => {
    const prev = before.get(str(d.name));
    if (!prev) return;
    for (const field of ['nodeID', 'topologyKeys', 'allocatable']) {
      if (!isDeepStrictEqual(d[field], prev[field])) {
        errs.push(fieldError.invalid(`spec.drivers[${i}].${field}`, d[field] ?? null, 'field is immutable'));
      }
    }
  });
  return errs;
}

export const csiNode: KindDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSINode',
  listKind: 'CSINodeList',
  resource: 'csinodes',
  singular: 'csinode',
  namespaced: false,
  schema: 'io.k8s.api.storage.v1.CSINode',
  strategy: { validate: validateCSINode, validateUpdate: validateCSINodeUpdate },
  columns: [
    {
      name: 'Drivers',
      type: 'integer',
      description: 'Number of CSI drivers registered on the node.',
      priority: 0,
      cell: (o) => objects(obj(o.spec).drivers).length,
    },
    ageColumn,
  ],
};
