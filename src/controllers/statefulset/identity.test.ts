import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from './types.ts';
import {
  claimsFor,
  identityLabelFixes,
  inOrdinalRange,
  isMemberOf,
  newStatefulSetPod,
  parseOrdinal,
  podIndexLabel,
  podNameLabel,
} from './identity.ts';
import { stsObj } from './testing.ts';

const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true };

test('parseOrdinal and isMemberOf', () => {
  const cases: [string, { parent: string; ordinal: number } | undefined][] = [
    ['web-0', { parent: 'web', ordinal: 0 }],
    ['my-web-12', { parent: 'my-web', ordinal: 12 }],
    ['web', undefined],
    ['web-x', undefined],
  ];
  for (const [name, want] of cases) assert.deepEqual(parseOrdinal(name), want, name);
  const set = stsObj('nginx');
  const pod = (name: string): Pod => ({ metadata: { name } });
  assert.equal(isMemberOf(set, pod('web-3')), true);
  assert.equal(isMemberOf(set, pod('webx-3')), false);
  assert.equal(isMemberOf(set, pod('web-abc-1')), false);
});

test('inOrdinalRange honours ordinals.start', () => {
  const set = stsObj('nginx', { replicas: 2, ordinals: { start: 5 } });
  assert.deepEqual(
    [4, 5, 6, 7].map((o) => inOrdinalRange(set, o)),
    [false, true, true, false],
  );
});

test('newStatefulSetPod replaces a template volume of the claim name and keeps the others', () => {
  const set = stsObj('nginx', {
    serviceName: '',
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }],
  });
  set.spec.template!.spec = {
    containers: [{ name: 'c', image: 'nginx' }],
    volumes: [
      { name: 'data', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'x' } },
    ],
  };
  const pod = newStatefulSetPod(set, 4, 'web-abc', ref);
  assert.equal(pod.metadata.name, 'web-4');
  assert.equal(pod.spec?.subdomain, undefined, 'no serviceName: no subdomain');
  assert.deepEqual(pod.spec?.volumes, [
    { name: 'cfg', configMap: { name: 'x' } },
    { name: 'data', persistentVolumeClaim: { claimName: 'data-web-4' } },
  ]);
  assert.deepEqual(set.spec.template?.spec?.volumes, [
    { name: 'data', emptyDir: {} },
    { name: 'cfg', configMap: { name: 'x' } },
  ]);
});

test('claimsFor merges selector labels under the template labels', () => {
  const set = stsObj('nginx', {
    selector: { matchLabels: { app: 'web', tier: 'db' } },
    volumeClaimTemplates: [{ metadata: { name: 'data', labels: { tier: 'storage' } }, spec: { a: 1 } }],
  });
  const [claim] = claimsFor(set, 1);
  assert.equal(claim?.metadata.name, 'data-web-1');
  assert.deepEqual(claim?.metadata.labels, { tier: 'storage', app: 'web' });
  assert.deepEqual(claim?.spec, { a: 1 });
});

test('identityLabelFixes names only what is missing or wrong', () => {
  const set = stsObj('nginx');
  const pod: Pod = { metadata: { name: 'web-2', labels: { [podNameLabel]: 'web-2', [podIndexLabel]: '7' } } };
  assert.deepEqual(identityLabelFixes(set, pod), { [podIndexLabel]: '2' });
  pod.metadata.labels![podIndexLabel] = '2';
  assert.deepEqual(identityLabelFixes(set, pod), {});
});
