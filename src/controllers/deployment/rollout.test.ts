/**
 * Both controllers running together over the fake API with live informers and workers, and a
 * tiny stand-in kubelet that marks every new pod Ready: a Deployment rolls out, then rolls a new
 * template out to completion (old ReplicaSet at 0, rollout-status fields all equal).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '../../client/client.ts';
import { realClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { FakeApi } from '../../client/fake-api.ts';
import { informerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import { replicaSetController } from '../replicaset/controller.ts';
import type { Deployment, Pod, ReplicaSet } from '../replicaset/types.ts';
import type { ControllerContext } from '../types.ts';
import { deploymentController } from './controller.ts';

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a Deployment rolls out and rolls a new template out to completion', async () => {
  const api = new FakeApi();
  const client = new Client(api);
  const informers = informerFactory(client, { logger: silentLogger });
  const abort = new AbortController();
  const ctx: ControllerContext = {
    client,
    informers,
    recorder: (component) => new EventRecorder({ client, component, logger: silentLogger }),
    log: silentLogger,
    clock: realClock,
    signal: abort.signal,
  };
  const pods = client.resource<Pod>('', 'v1', 'pods');
  // The stand-in kubelet: every pod becomes Running and Ready as soon as it appears.
  informers.forResource<Pod>('', 'v1', 'pods').addEventHandler({
    onAdd: (p) => {
      if (p.status?.phase) return;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const status = {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
      };
      void pods.patch('default', p.metadata.name ?? '', 'merge', { status }).catch(() => {});
    },
  });
  const controllers = [replicaSetController(), deploymentController()];
  for (const c of controllers) await c.start(ctx);
  informers.start();
  await informers.waitForCacheSync();

  const deployments = client.resource<Deployment>('apps', 'v1', 'deployments');
  const template = (image: string): NonNullable<Deployment['spec']['template']> => ({
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image }] },
  });
  await deployments.create('default', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', generation: 1 },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      template: template('nginx:1'),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
  });
  const done = (gen: number): boolean => {
    const d = api.list('deployments', 'default')[0] as Deployment | undefined;
    const s = d?.status;
    return (
      (s?.observedGeneration ?? 0) >= gen &&
      s?.updatedReplicas === 4 &&
      s.replicas === 4 &&
      s.availableReplicas === 4
    );
  };
  try {
    await until(() => done(1), 'first rollout');
    const d = (await deployments.get('default', 'web')) as Deployment;
    await deployments.update('default', {
      ...d,
      metadata: { ...d.metadata, generation: 2 },
      spec: { ...d.spec, template: template('nginx:2') },
    });
    await until(() => done(2) && api.list('pods', 'default').length === 4, 'second rollout');
    const rss = api.list('replicasets', 'default') as ReplicaSet[];
    assert.equal(rss.length, 2);
    const byRev = Object.fromEntries(
      rss.map((r) => [r.metadata.annotations?.['deployment.kubernetes.io/revision'], r.spec.replicas]),
    );
    assert.deepEqual(byRev, { '1': 0, '2': 4 });
    const final = (await deployments.get('default', 'web')) as Deployment;
    assert.equal(final.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    assert.equal(
      final.status?.conditions?.find((c) => c.type === 'Progressing')?.reason,
      'NewReplicaSetAvailable',
    );
    // The planned size never exceeded desired + maxSurge (4 + 1), replayed from the ReplicaSet writes.
    const sizes = new Map<string, number>();
    for (const a of api.actions) {
      if (a.resource !== 'replicasets' || (a.verb !== 'create' && a.verb !== 'update') || a.subresource)
        continue;
      const rs = a.body as ReplicaSet;
      sizes.set(rs.metadata.name ?? '', rs.spec.replicas ?? 0);
      assert.ok(
        [...sizes.values()].reduce((x, y) => x + y, 0) <= 5,
        `surge exceeded: ${JSON.stringify([...sizes])}`,
      );
    }
    for (const p of api.list('pods', 'default') as Pod[])
      assert.match(p.metadata.name ?? '', /^web-[456789bcdf]+-/);
  } finally {
    abort.abort();
    for (const c of controllers) await c.stop();
    await informers.shutdown();
  }
});
