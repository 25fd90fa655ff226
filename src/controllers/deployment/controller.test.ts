import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rig } from '../replicaset/testing.ts';
import type { Deployment, Pod, ReplicaSet, WorkloadCondition } from '../replicaset/types.ts';
import { deploymentController, type DeploymentController } from './controller.ts';
import { podTemplateHash } from './hash.ts';

const ns = 'default';
const key = `${ns}/web`;

function template(image: string): NonNullable<Deployment['spec']['template']> {
  return { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } };
}

function depObj(image: string, spec: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns, generation: 1 },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: template(image),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...spec,
    },
  };
}

/** A ReplicaSet of `d` as the controller would have made it, with its status saying `available` pods are up. */
function rsOf(
  d: Deployment,
  image: string,
  revision: number,
  replicas: number,
  available = replicas,
  createdMin = revision,
): ReplicaSet {
  const t = template(image);
  const hash = podTemplateHash(t);
  t.metadata = { labels: { app: 'web', 'pod-template-hash': hash } };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: ns,
      labels: { ...t.metadata.labels },
      creationTimestamp: new Date(Date.UTC(2025, 11, 1, 0, createdMin)).toISOString(),
      annotations: {
        'deployment.kubernetes.io/revision': String(revision),
        'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1),
        'deployment.kubernetes.io/max-replicas': String((d.spec.replicas ?? 1) + 1),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'web',
          uid: d.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { replicas, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: t },
    status: { replicas, readyReplicas: available, availableReplicas: available, observedGeneration: 0 },
  };
}

async function setup(d: Deployment): Promise<{ rig: Rig; c: DeploymentController; d: Deployment }> {
  const rig = new Rig();
  const c = deploymentController();
  c.init(rig.ctx);
  const seeded = await rig.seed('deployments', d, (x) => {
    x.metadata.generation = d.metadata.generation;
    if (d.status) x.status = d.status;
  });
  return { rig, c, d: seeded };
}

async function seedRS(rig: Rig, rs: ReplicaSet): Promise<ReplicaSet> {
  return rig.seed('replicasets', rs, (x) => {
    x.metadata.creationTimestamp = rs.metadata.creationTimestamp;
    x.status = rs.status;
  });
}

const storedDeployment = (rig: Rig): Deployment => rig.api.list('deployments', ns)[0] as Deployment;
const storedRSs = (rig: Rig): ReplicaSet[] => rig.api.list('replicasets', ns) as ReplicaSet[];
const cond = (d: Deployment, type: string): WorkloadCondition | undefined =>
  d.status?.conditions?.find((c) => c.type === type);

test('a new Deployment gets a ReplicaSet named by the pod-template-hash, with revision 1', async () => {
  const { rig, c, d } = await setup(depObj('nginx:1'));
  rig.reset();
  await c.reconcile(key);
  const hash = podTemplateHash(template('nginx:1'));
  const [rs] = storedRSs(rig);
  assert.ok(rs);
  assert.equal(rs.metadata.name, `web-${hash}`);
  assert.equal(rs.spec.replicas, 3);
  assert.deepEqual(rs.spec.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
  assert.deepEqual(rs.spec.template?.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
  assert.deepEqual(rs.metadata.labels, { app: 'web', 'pod-template-hash': hash });
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
  assert.deepEqual(rs.metadata.ownerReferences, [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      uid: d.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  const sd = storedDeployment(rig);
  assert.equal(sd.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(cond(sd, 'Progressing')?.reason, 'NewReplicaSetCreated');
  assert.equal(cond(sd, 'Progressing')?.message, `Created new replica set "web-${hash}"`);
  assert.equal(cond(sd, 'Available')?.status, 'False');
  assert.equal(sd.status?.observedGeneration, 1);
  assert.deepEqual(rig.writes(), [
    'create replicasets',
    'patch deployments/web',
    'update deployments/web/status',
    'update deployments/web/status',
  ]);
});

test('a template change starts a rolling update: new ReplicaSet at surge size, revision max+1', async () => {
  const { rig, c, d } = await setup(
    depObj('nginx:2', {
      replicas: 4,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
    }),
  );
  await seedRS(rig, rsOf(d, 'nginx:1', 1, 4));
  rig.reset();
  await c.reconcile(key);
  const rss = storedRSs(rig);
  const fresh = rss.find((r) => r.metadata.name === `web-${podTemplateHash(template('nginx:2'))}`);
  assert.equal(fresh?.spec.replicas, 1);
  assert.equal(fresh?.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  // Same sync: the new pod is not available, so old may drop 1 (5 total − 3 min available − 1 unavailable new).
  assert.equal(rss.find((r) => r !== fresh)?.spec.replicas, 3);
  // Next sync: 4 pods planned, 5 allowed → the new ReplicaSet grows, and that is all this step does.
  rig.syncCache('replicasets');
  rig.syncCache('deployments');
  rig.reset();
  await c.reconcile(key);
  const updates = rig.writeActions().filter((a) => a.verb === 'update' && a.resource === 'replicasets');
  assert.deepEqual(
    updates.map((a) => [a.name, (a.body as ReplicaSet).spec.replicas]),
    [[fresh?.metadata.name, 2]],
  );
});

test('Recreate scales old ReplicaSets to zero, waits for their pods, then creates the new one', async () => {
  const { rig, c, d } = await setup(depObj('nginx:2', { strategy: { type: 'Recreate' } }));
  const old = await seedRS(rig, rsOf(d, 'nginx:1', 1, 3));
  rig.reset();
  await c.reconcile(key);
  assert.deepEqual(
    rig.writes().filter((w) => w.includes('replicasets')),
    [`update replicasets/${old.metadata.name}`],
  );
  assert.equal(storedRSs(rig).length, 1);
  // Scaled to 0 but a pod still runs: keep waiting.
  rig.syncCache('replicasets');
  rig.syncCache('deployments');
  rig.cache('replicasets', { ...storedRSs(rig)[0]!, status: { replicas: 0 } });
  const pod: Pod = {
    metadata: {
      name: 'old-pod',
      namespace: ns,
      labels: { app: 'web' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: old.metadata.name ?? '',
          uid: old.metadata.uid ?? '',
          controller: true,
        },
      ],
    },
    status: { phase: 'Running' },
  };
  rig.cache('pods', pod);
  rig.reset();
  await c.reconcile(key);
  assert.deepEqual(
    rig.writes().filter((w) => w.includes('replicasets')),
    [],
  );
  // Pod gone: the new ReplicaSet comes at full size.
  rig.event('pods', 'DELETED', pod);
  assert.equal(c.queued(), 1);
  rig.syncCache('deployments');
  rig.reset();
  await c.reconcile(key);
  const fresh = storedRSs(rig).find((r) => r.metadata.uid !== old.metadata.uid);
  assert.equal(fresh?.spec.replicas, 3);
  assert.equal(fresh?.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
});

test('revisionHistoryLimit deletes the oldest scaled-down ReplicaSets of a complete Deployment', async () => {
  const base = depObj('nginx:4', { revisionHistoryLimit: 1 });
  base.status = {
    observedGeneration: 1,
    replicas: 3,
    updatedReplicas: 3,
    availableReplicas: 3,
    readyReplicas: 3,
  };
  const { rig, c, d } = await setup(base);
  const r1 = await seedRS(rig, rsOf(d, 'nginx:1', 1, 0));
  const r2 = await seedRS(rig, rsOf(d, 'nginx:2', 2, 0));
  await seedRS(rig, rsOf(d, 'nginx:3', 3, 0));
  await seedRS(rig, rsOf(d, 'nginx:4', 4, 3));
  rig.reset();
  await c.reconcile(key);
  const deleted = rig
    .writeActions()
    .filter((a) => a.verb === 'delete')
    .map((a) => a.name);
  assert.deepEqual(deleted.sort(), [r1.metadata.name, r2.metadata.name].sort());
});

test('a paused Deployment does not roll out and reports DeploymentPaused', async () => {
  const { rig, c, d } = await setup(depObj('nginx:2', { paused: true }));
  await seedRS(rig, rsOf(d, 'nginx:1', 1, 3));
  rig.reset();
  await c.reconcile(key);
  assert.equal(storedRSs(rig).length, 1);
  assert.deepEqual(
    rig.writes().filter((w) => w.includes('replicasets')),
    [],
  );
  const p = cond(storedDeployment(rig), 'Progressing');
  assert.equal(p?.status, 'Unknown');
  assert.equal(p?.reason, 'DeploymentPaused');
});

test('paused Deployments still scale: a resize goes to the active ReplicaSet', async () => {
  const { rig, c, d } = await setup(depObj('nginx:1', { paused: true, replicas: 5 }));
  const rs = await seedRS(rig, rsOf({ ...d, spec: { ...d.spec, replicas: 3 } }, 'nginx:1', 1, 3));
  rig.reset();
  await c.reconcile(key);
  const up = rig.writeActions().find((a) => a.verb === 'update' && a.resource === 'replicasets');
  assert.equal(up?.name, rs.metadata.name);
  assert.equal((up?.body as ReplicaSet).spec.replicas, 5);
  assert.equal(
    (up?.body as ReplicaSet).metadata.annotations?.['deployment.kubernetes.io/desired-replicas'],
    '5',
  );
});

test('a resize during a rolling update is spread proportionally', async () => {
  const { rig, c, d } = await setup(
    depObj('nginx:2', {
      replicas: 20,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } },
    }),
  );
  const at10 = { ...d, spec: { ...d.spec, replicas: 10 } };
  const oldRS = rsOf(at10, 'nginx:1', 1, 8);
  const newRS = rsOf(at10, 'nginx:2', 2, 5, 0);
  for (const r of [oldRS, newRS]) r.metadata.annotations!['deployment.kubernetes.io/max-replicas'] = '13';
  await seedRS(rig, oldRS);
  await seedRS(rig, newRS);
  rig.reset();
  await c.reconcile(key);
  const sizes = Object.fromEntries(storedRSs(rig).map((r) => [r.metadata.name, r.spec.replicas]));
  // 23 allowed, 13 now: +10 split 8:5 → old +6 (round 8*23/13=14), new +4 (leftover).
  assert.deepEqual(sizes, { [oldRS.metadata.name ?? '']: 14, [newRS.metadata.name ?? '']: 9 });
});

test('rollback (template back to revision 1) reuses that ReplicaSet under a new revision', async () => {
  const { rig, c, d } = await setup(depObj('nginx:1'));
  const r1 = await seedRS(rig, rsOf(d, 'nginx:1', 1, 0));
  await seedRS(rig, rsOf(d, 'nginx:2', 2, 3));
  rig.reset();
  await c.reconcile(key);
  assert.equal(storedRSs(rig).length, 2);
  const reused = storedRSs(rig).find((r) => r.metadata.uid === r1.metadata.uid);
  assert.equal(reused?.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  assert.equal(reused?.spec.replicas, 1); // 25% surge of 3
  assert.equal(storedDeployment(rig).metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
});

test('a rollout restart (template annotation) creates a new ReplicaSet', async () => {
  const d0 = depObj('nginx:1');
  d0.spec.template!.metadata!.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' };
  const { rig, c, d } = await setup(d0);
  await seedRS(rig, rsOf(d, 'nginx:1', 1, 3));
  rig.reset();
  await c.reconcile(key);
  assert.equal(storedRSs(rig).length, 2);
  assert.ok(rig.writes().includes('create replicasets'));
});

test('a complete rollout reports Available and NewReplicaSetAvailable', async () => {
  const base = depObj('nginx:1');
  base.status = {
    observedGeneration: 1,
    conditions: [
      {
        type: 'Progressing',
        status: 'True',
        reason: 'ReplicaSetUpdated',
        lastUpdateTime: '2026-01-01T00:00:00Z',
        lastTransitionTime: '2025-12-31T00:00:00Z',
      },
    ],
  };
  const { rig, c, d } = await setup(base);
  const rs = await seedRS(rig, rsOf(d, 'nginx:1', 1, 3));
  rig.reset();
  await c.reconcile(key);
  const sd = storedDeployment(rig);
  assert.deepEqual(
    { ...sd.status, conditions: undefined },
    {
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 0,
      conditions: undefined,
    },
  );
  assert.equal(cond(sd, 'Available')?.reason, 'MinimumReplicasAvailable');
  const p = cond(sd, 'Progressing');
  assert.equal(p?.reason, 'NewReplicaSetAvailable');
  assert.equal(p?.message, `ReplicaSet "${rs.metadata.name}" has successfully progressed.`);
  assert.equal(p?.lastTransitionTime, '2025-12-31T00:00:00Z'); // still True: transition time kept
});

test('no progress for progressDeadlineSeconds turns Progressing False ProgressDeadlineExceeded', async () => {
  const base = depObj('nginx:2', { progressDeadlineSeconds: 60 });
  const at = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { rig, c, d } = await setup(base);
  const start = rig.clock.now();
  const status = {
    observedGeneration: 1,
    replicas: 4,
    updatedReplicas: 1,
    readyReplicas: 3,
    availableReplicas: 3,
    unavailableReplicas: 1,
    conditions: [
      {
        type: 'Progressing',
        status: 'True' as const,
        reason: 'ReplicaSetUpdated',
        lastUpdateTime: at(start),
        lastTransitionTime: at(start),
      },
    ],
  };
  rig.cache('deployments', { ...d, status });
  await rig.client.resource('apps', 'v1', 'deployments').updateStatus(ns, { ...d, status });
  rig.syncCache('deployments');
  await seedRS(rig, rsOf(d, 'nginx:1', 1, 3));
  await seedRS(rig, rsOf(d, 'nginx:2', 2, 1, 0));
  rig.reset();
  await c.reconcile(key);
  assert.notEqual(cond(storedDeployment(rig), 'Progressing')?.reason, 'ProgressDeadlineExceeded');
  rig.clock.advance(61_000);
  rig.syncCache('deployments');
  rig.reset();
  await c.reconcile(key);
  const p = cond(storedDeployment(rig), 'Progressing');
  assert.equal(p?.status, 'False');
  assert.equal(p?.reason, 'ProgressDeadlineExceeded');
});

test('adopts an orphan ReplicaSet matching the selector', async () => {
  const { rig, c, d } = await setup(depObj('nginx:1'));
  const orphan = rsOf(d, 'nginx:1', 1, 3);
  delete orphan.metadata.ownerReferences;
  await seedRS(rig, orphan);
  rig.reset();
  await c.reconcile(key);
  const patched = rig.writeActions().find((a) => a.verb === 'patch' && a.resource === 'replicasets');
  assert.equal(patched?.name, orphan.metadata.name);
  assert.equal(storedRSs(rig)[0]?.metadata.ownerReferences?.[0]?.uid, d.metadata.uid);
  assert.ok(!rig.writes().includes('create replicasets'));
});

test("Available follows the ReplicaSets' available pods (no kubelet: the test sets status)", async () => {
  const { rig, c, d } = await setup(
    depObj('nginx:1', {
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    }),
  );
  const rs = await seedRS(rig, rsOf(d, 'nginx:1', 1, 2, 1));
  rig.reset();
  await c.reconcile(key);
  assert.equal(cond(storedDeployment(rig), 'Available')?.status, 'False');
  assert.equal(storedDeployment(rig).status?.unavailableReplicas, 1);
  rig.syncCache('deployments');
  rig.cache('replicasets', { ...rs, status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 } });
  rig.reset();
  await c.reconcile(key);
  const sd = storedDeployment(rig);
  assert.equal(cond(sd, 'Available')?.status, 'True');
  assert.equal(cond(sd, 'Progressing')?.reason, 'NewReplicaSetAvailable');
  assert.equal(sd.status?.unavailableReplicas, 0);
});
