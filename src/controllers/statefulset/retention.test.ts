import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OwnerReference } from '../../api/object.ts';
import { claimOwnerRefs } from './retention.ts';
import { stsObj } from './testing.ts';
import type { PersistentVolumeClaim, Pod, RetentionPolicyType } from './types.ts';

const setRef: OwnerReference = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  name: 'web',
  uid: 'set-uid',
  controller: true,
  blockOwnerDeletion: true,
};
const podRef: OwnerReference = { apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'pod-uid' };
const other: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'keep', uid: 'other' };

test('claimOwnerRefs follows whenDeleted/whenScaled and keeps foreign owners', () => {
  const pod: Pod = { metadata: { name: 'web-1', uid: 'pod-uid' } };
  const cases: {
    whenDeleted: RetentionPolicyType;
    whenScaled: RetentionPolicyType;
    condemned: boolean;
    have: OwnerReference[];
    want: string[] | undefined;
  }[] = [
    { whenDeleted: 'Retain', whenScaled: 'Retain', condemned: false, have: [], want: undefined },
    { whenDeleted: 'Retain', whenScaled: 'Retain', condemned: true, have: [setRef, other], want: ['keep'] },
    { whenDeleted: 'Delete', whenScaled: 'Retain', condemned: false, have: [other], want: ['keep', 'web'] },
    { whenDeleted: 'Delete', whenScaled: 'Retain', condemned: true, have: [setRef], want: undefined },
    { whenDeleted: 'Retain', whenScaled: 'Delete', condemned: false, have: [podRef], want: [] },
    { whenDeleted: 'Retain', whenScaled: 'Delete', condemned: true, have: [], want: ['web-1'] },
    { whenDeleted: 'Delete', whenScaled: 'Delete', condemned: false, have: [setRef], want: undefined },
    { whenDeleted: 'Delete', whenScaled: 'Delete', condemned: true, have: [setRef], want: ['web-1'] },
  ];
  for (const c of cases) {
    const set = stsObj('nginx', {
      persistentVolumeClaimRetentionPolicy: { whenDeleted: c.whenDeleted, whenScaled: c.whenScaled },
    });
    set.metadata.uid = 'set-uid';
    const claim: PersistentVolumeClaim = { metadata: { name: 'www-web-1', ownerReferences: c.have } };
    const got = claimOwnerRefs(set, pod, claim, c.condemned);
    assert.deepEqual(
      got?.map((r) => r.name),
      c.want,
      JSON.stringify(c),
    );
  }
});
