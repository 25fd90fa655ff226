import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podReferences } from './pod-references.ts';

test('podReferences finds secrets, configmaps, claims and the service account', () => {
  const r = podReferences({
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceAccountName: 'builder',
      imagePullSecrets: [{ name: 'pull' }],
      volumes: [
        { name: 'a', secret: { secretName: 'vol-secret' } },
        { name: 'b', configMap: { name: 'vol-cm' } },
        { name: 'c', persistentVolumeClaim: { claimName: 'data' } },
        {
          name: 'd',
          projected: { sources: [{ secret: { name: 'proj-secret' } }, { configMap: { name: 'proj-cm' } }] },
        },
        { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } },
        { name: 'e', csi: { driver: 'x', nodePublishSecretRef: { name: 'csi-secret' } } },
      ],
      initContainers: [{ name: 'i', envFrom: [{ secretRef: { name: 'init-env' } }] }],
      containers: [
        {
          name: 'c',
          env: [
            { name: 'A', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } },
            { name: 'B', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'k' } } },
            { name: 'C', value: 'plain' },
          ],
          envFrom: [{ configMapRef: { name: 'envfrom-cm' } }],
        },
      ],
    },
  });
  assert.deepEqual([...r.secrets].sort(), [
    'csi-secret',
    'env-secret',
    'init-env',
    'proj-secret',
    'pull',
    'vol-secret',
  ]);
  assert.deepEqual([...r.configMaps].sort(), ['env-cm', 'envfrom-cm', 'proj-cm', 'vol-cm']);
  assert.deepEqual([...r.persistentVolumeClaims].sort(), ['data', 'web-scratch']);
  assert.equal(r.serviceAccount, 'builder');
});

test('podReferences: an empty pod uses the default service account', () => {
  const r = podReferences({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } });
  assert.deepEqual(
    [r.secrets.size, r.configMaps.size, r.persistentVolumeClaims.size, r.serviceAccount],
    [0, 0, 0, 'default'],
  );
});
