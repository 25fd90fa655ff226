import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settle } from '../../client/clock.ts';
import { PodSyncer } from './pod-sync.ts';
import { harness, syncTimes, type Harness } from './testing.ts';
import type { Pod, PodStatus } from './types.ts';

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, name = 'web', uid = 'uid-1'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid, resourceVersion: '1', labels: { app: name } },
    spec: {
      nodeName: 'n1',
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 5,
      containers: [{ name: 'main', image: 'busybox:1.35' }],
      ...spec,
    },
  };
}

function cond(s: PodStatus | undefined, type: string): string | undefined {
  return s?.conditions?.find((c) => c.type === type)?.status;
}

function withHarness(
  name: string,
  fn: (h: Harness) => Promise<void>,
  o?: Parameters<typeof harness>[0],
): void {
  test(name, async () => {
    const h = harness(o);
    try {
      await fn(h);
    } finally {
      h.close();
    }
  });
}

withHarness(
  'a pod gets a sandbox with cluster DNS, a running container and a Running/Ready status',
  async (h) => {
    const p = pod({
      containers: [
        {
          name: 'main',
          image: 'busybox:1.35',
          command: ['sh', '-c', 'echo $(GREETING) $(NAME)'],
          env: [
            { name: 'GREETING', value: 'hello' },
            { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          ],
          ports: [{ containerPort: 80, hostPort: 8080 }],
          resources: { limits: { cpu: '500m', memory: '64Mi' } },
        },
      ],
    });
    const s = await syncTimes(h, p);
    const sb = [...h.cri.sandboxes.values()][0]!;
    assert.deepEqual(sb.config.dns_config, {
      servers: ['10.96.0.10'],
      searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lan'],
      options: ['ndots:5'],
    });
    assert.equal(sb.config.hostname, 'web');
    assert.deepEqual(sb.config.port_mappings, [{ protocol: 'TCP', container_port: 80, host_port: 8080 }]);
    assert.equal(
      sb.config.linux?.cgroup_parent,
      '/berth/poduid-1',
      'Guaranteed: limits only → requests = limits',
    );
    assert.ok(existsSync(sb.config.log_directory!), 'log directory created');
    const c = h.cri.newest('main')!;
    assert.deepEqual(c.config.command, ['sh', '-c', 'echo hello web']);
    assert.deepEqual(
      c.config.envs?.map((e) => `${e.key}=${e.value}`),
      ['GREETING=hello', 'NAME=web', `IP=${sb.ip}`],
    );
    assert.deepEqual(c.config.linux?.resources, {
      cpu_shares: 512,
      cpu_period: 100000,
      cpu_quota: 50000,
      memory_limit_in_bytes: 67108864,
    });
    assert.equal(c.config.log_path, 'main/0.log');
    assert.equal(s?.phase, 'Running');
    assert.equal(s?.podIP, sb.ip);
    assert.equal(s?.hostIP, '192.168.0.10');
    assert.equal(s?.qosClass, 'Guaranteed');
    assert.equal(cond(s, 'Ready'), 'True');
    assert.equal(cond(s, 'Initialized'), 'True');
    assert.equal(cond(s, 'PodReadyToStartContainers'), 'True');
    const cs = s?.containerStatuses?.[0];
    assert.ok(cs?.state.running?.startedAt);
    assert.equal(cs?.ready, true);
    assert.equal(cs?.restartCount, 0);
    assert.equal(cs?.containerID, `containerd://${c.id}`);
    // A second sync changes nothing: no new containers, no new status write.
    const writes = h.statuses.length;
    await syncTimes(h, p);
    assert.equal(h.cri.containers.size, 1);
    assert.equal(h.statuses.length, writes);
  },
);

withHarness('init containers run in order, each to completion, then the app container', async (h) => {
  h.cri.onStart = (c) => (c.metadata.name.startsWith('init') ? 0 : undefined);
  const p = pod({
    initContainers: [
      { name: 'init-a', image: 'busybox:1.35' },
      { name: 'init-b', image: 'busybox:1.35' },
    ],
  });
  let s = await syncTimes(h, p);
  assert.equal(s?.phase, 'Pending');
  assert.equal(cond(s, 'Initialized'), 'False');
  assert.equal(s?.containerStatuses?.[0]?.state.waiting?.reason, 'PodInitializing');
  s = await syncTimes(h, p, 3);
  assert.deepEqual(h.cri.created(), ['init-a#0', 'init-b#0', 'main#0']);
  assert.equal(s?.phase, 'Running');
  assert.equal(cond(s, 'Initialized'), 'True');
  assert.equal(s?.initContainerStatuses?.[1]?.state.terminated?.reason, 'Completed');
});

withHarness('a failing init container with restartPolicy Never fails the pod', async (h) => {
  h.cri.onStart = (c) => (c.metadata.name === 'init' ? 2 : undefined);
  const p = pod({ restartPolicy: 'Never', initContainers: [{ name: 'init', image: 'busybox:1.35' }] });
  const s = await syncTimes(h, p, 3);
  assert.equal(s?.phase, 'Failed');
  assert.deepEqual(h.cri.created(), ['init#0']);
});

withHarness('restartPolicy Never: exit 3 gives phase Failed with exitCode 3, no restart', async (h) => {
  h.cri.onStart = () => 3;
  const s = await syncTimes(h, pod({ restartPolicy: 'Never' }), 3);
  assert.equal(s?.phase, 'Failed');
  assert.equal(s?.containerStatuses?.[0]?.state.terminated?.exitCode, 3);
  assert.equal(s?.containerStatuses?.[0]?.state.terminated?.reason, 'Error');
  assert.equal(cond(s, 'Ready'), 'False');
  assert.deepEqual(h.cri.created(), ['main#0']);
  // Terminal: the sandbox is stopped, the container kept for its logs.
  assert.equal([...h.cri.sandboxes.values()][0]?.state, 'SANDBOX_NOTREADY');
  assert.equal(h.cri.containers.size, 1);
});

withHarness('restartPolicy OnFailure: exit 0 → Succeeded', async (h) => {
  h.cri.onStart = () => 0;
  const s = await syncTimes(h, pod({ restartPolicy: 'OnFailure' }), 2);
  assert.equal(s?.phase, 'Succeeded');
  assert.equal(s?.containerStatuses?.[0]?.state.terminated?.reason, 'Completed');
});

withHarness(
  'a crashing container restarts at once, then backs off 10 s, 20 s … as CrashLoopBackOff',
  async (h) => {
    h.cri.onStart = () => 1;
    const p = pod();
    await syncTimes(h, p);
    // First exit: restarted immediately (attempt 1), which crashes too and is now in backoff.
    let s = await syncTimes(h, p);
    assert.equal(s?.containerStatuses?.[0]?.state.terminated?.exitCode, 1);
    s = await syncTimes(h, p);
    assert.deepEqual(h.cri.created(), ['main#0', 'main#1']);
    assert.equal(s?.containerStatuses?.[0]?.state.waiting?.reason, 'CrashLoopBackOff');
    assert.match(
      s?.containerStatuses?.[0]?.state.waiting?.message ?? '',
      /^back-off 10s restarting failed container=main pod=web_default\(uid-1\)/,
    );
    assert.equal(s?.containerStatuses?.[0]?.lastState.terminated?.exitCode, 1);
    assert.equal(s?.containerStatuses?.[0]?.restartCount, 1);
    assert.equal(s?.phase, 'Running');
    h.clock.advance(9_000);
    await syncTimes(h, p);
    assert.equal(h.cri.created().length, 2, 'still backing off at 9 s');
    h.clock.advance(1_000);
    await syncTimes(h, p);
    assert.deepEqual(h.cri.created().slice(-1), ['main#2']);
    s = await syncTimes(h, p);
    assert.match(s?.containerStatuses?.[0]?.state.waiting?.message ?? '', /^back-off 20s/);
    assert.equal(s?.containerStatuses?.[0]?.restartCount, 2);
    // Only the newest two containers of a name are kept.
    h.clock.advance(20_000);
    await syncTimes(h, p);
    await syncTimes(h, p);
    assert.ok([...h.cri.containers.values()].filter((c) => c.config.metadata.name === 'main').length <= 3);
  },
);

withHarness('a failing liveness probe kills and restarts the container', async (h) => {
  const p = pod({
    containers: [
      {
        name: 'main',
        image: 'busybox:1.35',
        livenessProbe: { exec: { command: ['live'] }, periodSeconds: 1, failureThreshold: 2 },
      },
    ],
  });
  await syncTimes(h, p, 2);
  const first = h.cri.newest('main')!;
  h.probeAnswer.liveness = false;
  await h.clock.advanceAsync(3_000, 500);
  assert.ok(h.probeChanges.includes('uid-1'), 'the probe change asks for a sync');
  await syncTimes(h, p);
  assert.ok(h.cri.calls.includes(`StopContainer main 5`), 'killed with the pod grace period');
  h.probeAnswer.liveness = true;
  const s = await syncTimes(h, p);
  const second = h.cri.newest('main')!;
  assert.notEqual(second.id, first.id);
  assert.equal(second.state, 'CONTAINER_RUNNING');
  assert.equal(s?.containerStatuses?.[0]?.restartCount, 1);
  assert.equal(s?.containerStatuses?.[0]?.lastState.terminated?.exitCode, 137);
});

withHarness('readiness: Ready stays False until the probe passes; startup gates it', async (h) => {
  h.probeAnswer.readiness = false;
  const p = pod({
    containers: [
      {
        name: 'main',
        image: 'busybox:1.35',
        readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 },
        startupProbe: { exec: { command: ['startup'] }, periodSeconds: 1 },
      },
    ],
  });
  let s = await syncTimes(h, p, 2);
  assert.equal(s?.containerStatuses?.[0]?.started, false);
  assert.equal(cond(s, 'Ready'), 'False');
  await h.clock.advanceAsync(2_000, 500);
  s = await syncTimes(h, p);
  assert.equal(s?.containerStatuses?.[0]?.started, true);
  assert.equal(cond(s, 'ContainersReady'), 'False');
  h.probeAnswer.readiness = true;
  await h.clock.advanceAsync(2_000, 500);
  s = await syncTimes(h, p);
  assert.equal(cond(s, 'Ready'), 'True');
  assert.equal(s?.containerStatuses?.[0]?.ready, true);
});

withHarness(
  'ConfigMap and Secret reach env and volumes; a missing one is CreateContainerConfigError',
  async (h) => {
    const p = pod({
      volumes: [
        { name: 'cfg', configMap: { name: 'app', items: [{ key: 'mode', path: 'conf/mode', mode: 0o600 }] } },
        { name: 'scratch', emptyDir: {} },
      ],
      containers: [
        {
          name: 'main',
          image: 'busybox:1.35',
          env: [
            { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app', key: 'mode' } } },
            { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
            { name: 'OPT', valueFrom: { secretKeyRef: { name: 'nope', key: 'x', optional: true } } },
          ],
          envFrom: [{ configMapRef: { name: 'app' }, prefix: 'APP_' }],
          volumeMounts: [
            { name: 'cfg', mountPath: '/etc/app' },
            { name: 'scratch', mountPath: '/data', subPath: 'sub' },
          ],
        },
      ],
    });
    await syncTimes(h, p);
    const c = h.cri.newest('main')!;
    assert.deepEqual(c.config.envs, [
      { key: 'APP_mode', value: 'fast' },
      { key: 'MODE', value: 'fast' },
      { key: 'PASS', value: 's3cret' },
    ]);
    const [cfg, data] = c.config.mounts!;
    assert.equal(cfg?.readonly, true);
    assert.equal(readFileSync(join(cfg!.host_path, 'conf/mode'), 'utf8'), 'fast');
    assert.equal(data?.container_path, '/data');
    assert.ok(existsSync(data!.host_path) && data!.host_path.endsWith('/scratch/sub'));

    const broken = pod(
      {
        containers: [
          {
            name: 'main',
            image: 'busybox:1.35',
            env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k' } } }],
          },
        ],
      },
      'broken',
      'uid-2',
    );
    const s = await syncTimes(h, broken);
    assert.deepEqual(s?.containerStatuses?.[0]?.state.waiting, {
      reason: 'CreateContainerConfigError',
      message: 'configmap "missing" not found',
    });
    assert.equal(s?.phase, 'Pending');
  },
  { configMaps: { 'default/app': { mode: 'fast' } }, secrets: { 'default/creds': { password: 's3cret' } } },
);

withHarness('a missing ConfigMap volume keeps the pod ContainerCreating with the reason', async (h) => {
  const p = pod({ volumes: [{ name: 'cfg', configMap: { name: 'absent' } }] });
  const s = await syncTimes(h, p);
  assert.equal(h.cri.containers.size, 0);
  assert.equal(s?.containerStatuses?.[0]?.state.waiting?.reason, 'ContainerCreating');
  assert.match(
    s?.containerStatuses?.[0]?.state.waiting?.message ?? '',
    /volume "cfg" : configmap "absent" not found/,
  );
});

withHarness('a failed pull is ErrImagePull with the registry message, then ImagePullBackOff', async (h) => {
  h.cri.pullErrors.set('example.com/app:1', 'not found: manifest unknown');
  const p = pod({ containers: [{ name: 'main', image: 'example.com/app:1' }] });
  let s = await syncTimes(h, p);
  assert.equal(s?.containerStatuses?.[0]?.state.waiting?.reason, 'ErrImagePull');
  assert.match(s?.containerStatuses?.[0]?.state.waiting?.message ?? '', /manifest unknown/);
  s = await syncTimes(h, p);
  assert.equal(s?.containerStatuses?.[0]?.state.waiting?.reason, 'ImagePullBackOff');
  assert.equal(h.cri.calls.filter((c) => c.startsWith('PullImage')).length, 1, 'no pull during backoff');
});

withHarness('the service-account volume is mounted unless disabled', async (h) => {
  await syncTimes(h, pod({ automountServiceAccountToken: undefined }));
  const c = h.cri.newest('main')!;
  const sa = c.config.mounts?.find(
    (m) => m.container_path === '/var/run/secrets/kubernetes.io/serviceaccount',
  );
  assert.ok(sa?.readonly);
  assert.equal(readFileSync(join(sa!.host_path, 'token'), 'utf8'), 'token-for-web');
  assert.equal(readFileSync(join(sa!.host_path, 'namespace'), 'utf8'), 'default');
});

withHarness(
  'graceful deletion stops containers with the grace period, removes everything, deletes with grace 0',
  async (h) => {
    const p = pod({ volumes: [{ name: 'scratch', emptyDir: {} }] });
    await syncTimes(h, p);
    assert.ok(existsSync(join(h.dataDir, 'pods', 'uid-1')));
    const deleting = {
      ...h.current(p),
      metadata: { ...p.metadata, deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 7 },
    };
    await h.syncer.terminate(deleting);
    assert.ok(h.cri.calls.includes('StopContainer main 7'));
    assert.equal(h.cri.sandboxes.size, 0);
    assert.equal(h.cri.containers.size, 0);
    assert.equal(existsSync(join(h.dataDir, 'pods', 'uid-1')), false, 'pod dir removed');
    assert.equal(existsSync(join(h.dataDir, 'logs', 'pods', 'default_web_uid-1')), false, 'log dir removed');
    assert.deepEqual(h.deletes, [{ name: 'web', grace: 0, uid: 'uid-1' }]);
  },
);

withHarness('a restarted agent adopts running containers without restarting them', async (h) => {
  const p = pod();
  await syncTimes(h, p);
  const calls = h.cri.calls.length;
  const id = h.cri.newest('main')!.id;
  // A new syncer (fresh memory) over the same runtime, as after an agent restart.
  const again = new PodSyncer((h.syncer as unknown as { d: ConstructorParameters<typeof PodSyncer>[0] }).d);
  await again.sync(h.current(p));
  assert.deepEqual(h.cri.calls.slice(calls), [], 'no runtime changes');
  assert.equal(h.cri.newest('main')!.id, id);
  // A pod deleted while the agent was down: its cleanup removes the sandbox.
  await again.cleanup('uid-1');
  assert.equal(h.cri.sandboxes.size, 0);
  await settle();
});

withHarness('a changed container spec (new image) replaces the container', async (h) => {
  const p = pod();
  await syncTimes(h, p);
  const changed = {
    ...p,
    spec: { ...p.spec, containers: [{ name: 'main', image: 'docker.io/library/busybox:1.35' }] },
  };
  h.cri.images.add('docker.io/library/busybox:1.35');
  await syncTimes(h, changed, 2);
  assert.deepEqual(h.cri.created(), ['main#0', 'main#1']);
  assert.equal(h.cri.newest('main')!.config.image.image, 'docker.io/library/busybox:1.35');
});
