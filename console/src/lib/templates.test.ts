import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest } from './yaml.ts';
import * as templates from './templates.ts';

test('every starter manifest parses into one object of its kind in the namespace', () => {
  const want: Record<string, string> = {
    statefulSetTemplate: 'StatefulSet',
    daemonSetTemplate: 'DaemonSet',
    jobTemplate: 'Job',
    cronJobTemplate: 'CronJob',
    serviceTemplate: 'Service',
    configMapTemplate: 'ConfigMap',
    secretTemplate: 'Secret',
    persistentVolumeClaimTemplate: 'PersistentVolumeClaim',
    persistentVolumeTemplate: 'PersistentVolume',
    storageClassTemplate: 'StorageClass',
    ingressTemplate: 'Ingress',
  };
  const clusterScoped = new Set(['PersistentVolume', 'StorageClass']);
  assert.deepEqual(Object.keys(templates).sort(), Object.keys(want).sort());
  for (const [fn, kind] of Object.entries(want)) {
    const text = (templates as Record<string, (ns: string) => string>)[fn]('team-a');
    const parsed = parseManifest(text);
    assert.equal(parsed.ok, true, `${fn}: ${parsed.ok ? '' : parsed.error}`);
    if (!parsed.ok) continue;
    assert.equal(parsed.kind.kind, kind);
    assert.equal(parsed.namespace, clusterScoped.has(kind) ? undefined : 'team-a');
  }
  const job = parseManifest(templates.cronJobTemplate('x'));
  assert.ok(job.ok);
  const containers = (
    job.object as unknown as {
      spec: { jobTemplate: { spec: { template: { spec: { containers: { command: string[] }[] } } } } };
    }
  ).spec.jobTemplate.spec.template.spec.containers;
  assert.deepEqual(containers[0].command, ['echo', 'hello']);
});
