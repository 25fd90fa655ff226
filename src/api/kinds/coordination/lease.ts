/**
 * coordination.k8s.io/v1 Lease: a named lock with a holder and a renewal time, used by leader
 * election and by node heartbeats (kube-node-lease). The table shows NAME HOLDER AGE.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { nonNegative, obj, str } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { ageColumn } from '../networking/kind-schema.ts';

function validateLease(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) {
    errs.push(
      fieldError.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'),
    );
  }
  errs.push(...nonNegative(spec.leaseTransitions, 'spec.leaseTransitions'));
  return errs;
}

export const lease: KindDef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  listKind: 'LeaseList',
  resource: 'leases',
  singular: 'lease',
  namespaced: true,
  schema: 'io.k8s.api.coordination.v1.Lease',
  strategy: { validate: validateLease },
  columns: [
    {
      name: 'Holder',
      type: 'string',
      description: 'Identity of the current holder.',
      priority: 0,
      cell: (o) => str(obj(o.spec).holderIdentity),
    },
    ageColumn,
  ],
};
