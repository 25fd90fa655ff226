import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findMatchingVolume, volumeNodeAffinityMatches, type MatchOptions } from './match.ts';
import { hostnameAffinity, makeClaim, makeVolume } from './testing.ts';
import type { PersistentVolume, PersistentVolumeClaim } from './types.ts';

const node1 = { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1', zone: 'a' } };
const node2 = { name: 'n2', labels: { 'kubernetes.io/hostname': 'n2', zone: 'b' } };

interface Case {
  name: string;
  claim: PersistentVolumeClaim;
  volumes: PersistentVolume[];
  opts?: MatchOptions;
  want: string | undefined;
}

const bound = (pv: PersistentVolume, ns: string, name: string, uid = ''): PersistentVolume => ({
  ...pv,
  spec: { ...pv.spec, claimRef: { namespace: ns, name, ...(uid ? { uid } : {}) } },
});

const withUid = (c: PersistentVolumeClaim, uid: string): PersistentVolumeClaim => ({
  ...c,
  metadata: { ...c.metadata, uid },
});

const cases: Case[] = [
  {
    name: 'the smallest volume that is big enough wins',
    claim: makeClaim('c', '5Gi', { storageClassName: '' }),
    volumes: [
      makeVolume('big', '100Gi'),
      makeVolume('small', '1Gi'),
      makeVolume('mid', '10Gi'),
      makeVolume('fit', '5Gi'),
    ],
    want: 'fit',
  },
  {
    name: 'units compare as quantities (5000Mi < 5Gi is too small; 6G > 5Gi)',
    claim: makeClaim('c', '5Gi'),
    volumes: [makeVolume('a', '5000Mi'), makeVolume('b', '6G')],
    want: 'b',
  },
  {
    name: 'equal sizes: the first name wins',
    claim: makeClaim('c', '1Gi'),
    volumes: [makeVolume('zz', '1Gi'), makeVolume('aa', '1Gi')],
    want: 'aa',
  },
  {
    name: 'storageClassName must match exactly; "" matches only class-less volumes',
    claim: makeClaim('c', '1Gi', { storageClassName: '' }),
    volumes: [makeVolume('fast', '1Gi', { storageClassName: 'fast' }), makeVolume('none', '2Gi')],
    want: 'none',
  },
  {
    name: 'a named class takes only volumes of that class',
    claim: makeClaim('c', '1Gi', { storageClassName: 'fast' }),
    volumes: [makeVolume('none', '1Gi'), makeVolume('slow', '1Gi', { storageClassName: 'slow' })],
    want: undefined,
  },
  {
    name: 'access modes must be a subset of the volume modes',
    claim: makeClaim('c', '1Gi', { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] }),
    volumes: [
      makeVolume('rwo', '1Gi'),
      makeVolume('both', '2Gi', { accessModes: ['ReadOnlyMany', 'ReadWriteOnce', 'ReadWriteMany'] }),
    ],
    want: 'both',
  },
  {
    name: 'volumeMode must match (Filesystem by default)',
    claim: makeClaim('c', '1Gi', { volumeMode: 'Block' }),
    volumes: [makeVolume('fs', '1Gi'), makeVolume('blk', '1Gi', { volumeMode: 'Block' })],
    want: 'blk',
  },
  {
    name: 'selector matchLabels and matchExpressions',
    claim: makeClaim('c', '1Gi', {
      selector: {
        matchLabels: { tier: 'db' },
        matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }],
      },
    }),
    volumes: [
      makeVolume('a', '1Gi', {}, { tier: 'db', zone: 'a' }),
      makeVolume('b', '1Gi', {}, { tier: 'db', zone: 'b' }),
      makeVolume('c', '1Gi', {}, { tier: 'web', zone: 'b' }),
    ],
    want: 'b',
  },
  {
    name: 'volumes bound to another claim, Released or being deleted are skipped',
    claim: makeClaim('c', '1Gi'),
    volumes: [
      bound(makeVolume('other', '1Gi'), 'default', 'other', 'u9'),
      { ...makeVolume('released', '1Gi'), status: { phase: 'Released' } },
      {
        ...makeVolume('deleting', '1Gi'),
        metadata: { name: 'deleting', deletionTimestamp: '2026-01-01T00:00:00Z' },
      },
      makeVolume('free', '9Gi'),
    ],
    want: 'free',
  },
  {
    name: 'a volume pre-bound to the claim wins even if another fits better',
    claim: withUid(makeClaim('c', '1Gi'), 'u1'),
    volumes: [makeVolume('small', '1Gi'), bound(makeVolume('mine', '50Gi'), 'default', 'c')],
    want: 'mine',
  },
  {
    name: 'a claimRef to a same-named claim with another uid is not this claim',
    claim: withUid(makeClaim('c', '1Gi'), 'u1'),
    volumes: [bound(makeVolume('old', '1Gi'), 'default', 'c', 'u0')],
    want: undefined,
  },
  {
    name: 'with a node, only volumes reachable from it',
    claim: makeClaim('c', '1Gi'),
    volumes: [
      makeVolume('on-n2', '1Gi', { nodeAffinity: hostnameAffinity('n2') }),
      makeVolume('on-n1', '2Gi', { nodeAffinity: hostnameAffinity('n1') }),
    ],
    opts: { node: node1 },
    want: 'on-n1',
  },
  {
    name: 'preBoundOnly (WaitForFirstConsumer, no node yet) ignores free volumes',
    claim: makeClaim('c', '1Gi'),
    volumes: [makeVolume('free', '1Gi')],
    opts: { preBoundOnly: true },
    want: undefined,
  },
  {
    name: 'excluded volumes (promised to another claim of the pod) are skipped',
    claim: makeClaim('c', '1Gi'),
    volumes: [makeVolume('a', '1Gi'), makeVolume('b', '1Gi')],
    opts: { excluded: new Set(['a']) },
    want: 'b',
  },
];

for (const tc of cases) {
  test(`findMatchingVolume: ${tc.name}`, () => {
    assert.equal(findMatchingVolume(tc.claim, tc.volumes, tc.opts)?.metadata.name, tc.want);
  });
}

test('volumeNodeAffinityMatches: terms are ORed, expressions ANDed, matchFields on metadata.name', () => {
  const pv = makeVolume('v', '1Gi', {
    nodeAffinity: {
      required: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'zone', operator: 'In', values: ['a'] },
              { key: 'gone', operator: 'DoesNotExist' },
            ],
          },
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] },
        ],
      },
    },
  });
  assert.equal(volumeNodeAffinityMatches(pv, node1), true);
  assert.equal(volumeNodeAffinityMatches(pv, node2), true);
  assert.equal(volumeNodeAffinityMatches(pv, { name: 'n3', labels: { zone: 'c' } }), false);
  assert.equal(volumeNodeAffinityMatches(makeVolume('any', '1Gi'), node2), true);
});
