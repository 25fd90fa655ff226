/**
 * A StatefulSet on simulated nodes, driven by the real kubectl: three pods come up one at a time in
 * ordinal order with a bound claim each, scale down removes the highest ordinals first, a new image
 * rolls out from the highest ordinal down, the revisions show in `rollout history`, and `rollout
 * undo` goes back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { berthBin, repoRoot } from '../helpers/server.ts';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';

const manifest = `
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 1Gi
`;

/** One line per watch event: `TYPE name phase ready deletionTimestamp`. */
const watchFormat =
  'jsonpath={.type} {.object.metadata.name} {.object.status.phase} ' +
  '{.object.status.conditions[?(@.type=="Ready")].status} {.object.metadata.deletionTimestamp}{"\\n"}';

/** Index of the first line matching `re` (fails when none does). */
function firstLine(lines: string[], re: RegExp): number {
  const i = lines.findIndex((l) => re.test(l));
  assert.ok(i >= 0, `no line matches ${re}:\n${lines.join('\n')}`);
  return i;
}

describe('StatefulSet on simulated nodes', { skip: e2eSkip() }, () => {
  const s = useServer();
  let sim: ChildProcess | undefined;
  let simLog = '';

  before(() => {
    sim = spawn(
      berthBin,
      ['sim', '--kubeconfig', s.server.kubeconfig, '--nodes', '3', '--ready-delay', '200ms'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sim.stdout!.on('data', (c: Buffer) => (simLog += c.toString()));
    sim.stderr!.on('data', (c: Buffer) => (simLog += c.toString()));
  });
  after(() => {
    sim?.kill('SIGTERM');
  });

  async function simNodesReady(k: KubectlSession): Promise<void> {
    for (let i = 0; i < 150; i++) {
      const ready = await k.ok([
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
      ]);
      if (ready.split('\n').filter((l) => l === 'True').length === 3) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the simulated nodes did not become Ready; sim log:\n${simLog}`);
  }

  async function poll(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const image = (k: KubectlSession): Promise<string> =>
    k.ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.containers[0].image}']);

  test(
    'ordered start, claims, reverse scale-down, rolling update, history and undo',
    { timeout: 180_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      await simNodesReady(k);

      // Comes up in order: each pod is created only once the one before it is Running and Ready.
      const watch = k.spawn([
        'get',
        'pods',
        '-l',
        'app=web',
        '-w',
        '--output-watch-events',
        '-o',
        watchFormat,
      ]);
      await k.ok(['apply', '-f', '-'], { input: manifest });
      await k.ok(['rollout', 'status', 'statefulset/web', '--timeout=90s']);
      await watch.waitFor(/web-2 Running True/, { timeoutMs: 30_000 });
      const up = (await watch.stop()).stdout.trim().split('\n');
      assert.ok(
        firstLine(up, /^ADDED web-1 /) > firstLine(up, /^MODIFIED web-0 Running True/),
        up.join('\n'),
      );
      assert.ok(
        firstLine(up, /^ADDED web-2 /) > firstLine(up, /^MODIFIED web-1 Running True/),
        up.join('\n'),
      );

      // Stable identity.
      assert.equal(
        await k.ok([
          'get',
          'pod',
          'web-1',
          '-o',
          'jsonpath={.spec.hostname} {.spec.subdomain} {.metadata.labels.statefulset\\.kubernetes\\.io/pod-name} {.metadata.labels.apps\\.kubernetes\\.io/pod-index} {.spec.volumes[0].persistentVolumeClaim.claimName}',
        ]),
        'web-1 nginx web-1 1 www-web-1',
      );

      // One claim per ordinal, bound by the PV controller to local-path volumes.
      await poll('three Bound claims', async () => {
        const out = await k.ok([
          'get',
          'pvc',
          '-l',
          'app=web',
          '-o',
          'jsonpath={range .items[*]}{.metadata.name}={.status.phase}{"\\n"}{end}',
        ]);
        return out.trim() === 'www-web-0=Bound\nwww-web-1=Bound\nwww-web-2=Bound';
      });
      const described = await k.ok(['describe', 'statefulset', 'web']);
      assert.match(described, /SuccessfulCreate\s+.*create Pod web-0 in StatefulSet web successful/);
      assert.match(
        described,
        /SuccessfulCreate\s+.*create Claim www-web-0 Pod web-0 in StatefulSet web success/,
      );

      // Scale down: web-2 goes first and is gone before web-1 is touched; the claims stay (Retain).
      const down = k.spawn([
        'get',
        'pods',
        '-l',
        'app=web',
        '-w',
        '--output-watch-events',
        '-o',
        watchFormat,
      ]);
      await down.waitFor(/ADDED web-2/, { timeoutMs: 30_000 });
      await k.ok(['scale', 'statefulset/web', '--replicas=1']);
      await down.waitFor(/DELETED web-1/, { timeoutMs: 60_000 });
      const gone = (await down.stop()).stdout.trim().split('\n');
      const web1Marked = firstLine(gone, /^MODIFIED web-1 .*\S+Z$/);
      assert.ok(firstLine(gone, /^DELETED web-2/) < web1Marked, gone.join('\n'));
      assert.equal((await k.ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim(), 'pod/web-0');
      assert.equal((await k.ok(['get', 'pvc', '-l', 'app=web', '-o', 'name'])).trim().split('\n').length, 3);

      await k.ok(['scale', 'statefulset/web', '--replicas=3']);
      await k.ok(['rollout', 'status', 'statefulset/web', '--timeout=90s']);

      // Rolling update, highest ordinal first.
      const roll = k.spawn([
        'get',
        'pods',
        '-l',
        'app=web',
        '-w',
        '--output-watch-events',
        '-o',
        watchFormat,
      ]);
      await roll.waitFor(/ADDED web-2/, { timeoutMs: 30_000 });
      await k.ok(['set', 'image', 'statefulset/web', 'nginx=nginx:1.27']);
      await k.ok(['rollout', 'status', 'statefulset/web', '--timeout=90s']);
      const rolled = (await roll.stop()).stdout.trim().split('\n');
      const deleted = rolled.filter((l) => l.startsWith('DELETED')).map((l) => l.split(' ')[1]);
      assert.deepEqual(deleted, ['web-2', 'web-1', 'web-0']);
      assert.equal(await image(k), 'nginx:1.27 nginx:1.27 nginx:1.27');
      const [current, update] = (
        await k.ok([
          'get',
          'statefulset',
          'web',
          '-o',
          'jsonpath={.status.currentRevision} {.status.updateRevision}',
        ])
      ).split(' ');
      assert.equal(current, update);

      const history = await k.ok(['rollout', 'history', 'statefulset/web']);
      assert.match(history, /^1\s/m);
      assert.match(history, /^2\s/m);
      assert.match(
        await k.ok(['rollout', 'history', 'statefulset/web', '--revision=2']),
        /Image:\s+nginx:1\.27/,
      );

      await k.ok(['rollout', 'undo', 'statefulset/web']);
      await k.ok(['rollout', 'status', 'statefulset/web', '--timeout=90s']);
      await poll(
        'the old image on every pod',
        async () => (await image(k)) === 'nginx:1.25 nginx:1.25 nginx:1.25',
      );
      const after = await k.ok(['rollout', 'history', 'statefulset/web']);
      assert.match(after, /^2\s/m);
      assert.match(after, /^3\s/m);
      assert.doesNotMatch(after, /^1\s/m, 'revision 1 was renumbered to 3');
    },
  );
});
