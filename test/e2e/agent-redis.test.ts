/**
 * A real server keeps its data (real containerd, real kubectl): the redis image built from Debian
 * packages (src/node/images/redis.ts) is imported into the node's containerd; a StatefulSet `redis`
 * (one replica, `redis-server --dir /data --appendonly yes`, a volumeClaimTemplate on the default
 * local-path StorageClass) is scheduled, its claim provisioned and mounted; `redis-cli set k v`;
 * pod redis-0 is deleted, the StatefulSet makes a new redis-0 on the same claim, and `redis-cli get
 * k` answers v. Deleting the StatefulSet and the claim deletes the volume, and a cleanup pod on the
 * node removes its directory first. Skipped when not root, containerd/runc/CNI, the berth CLI or kubectl are missing, or
 * when apt cannot give the redis packages (no package lists or no reachable Debian mirror).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runtimePreflightMessage } from '../../src/node/containerd/index.ts';
import { PackageSourceError, debianImagePreflight } from '../../src/node/images/debian-packages.ts';
import { importImages } from '../../src/node/images/local-images.ts';
import { ensureRedisImage, REDIS_REF, type RedisImage } from '../../src/node/images/redis.ts';
import type { Pod } from '../../src/node/pods/types.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { startAgentEnv, type AgentEnv } from './agent-env.ts';

const node = 'node-redis';

/** Builds (or finds cached) the redis image; a missing package source is a reason to skip. */
function buildRedis(): { image?: RedisImage; skip?: string } {
  const why = debianImagePreflight();
  if (why) return { skip: why };
  try {
    return { image: ensureRedisImage() };
  } catch (err) {
    if (err instanceof PackageSourceError) return { skip: err.message };
    throw err;
  }
}

const early = runtimePreflightMessage() ?? e2eSkip();
const built = early ? {} : buildRedis();
const skip = early || built.skip || false;

const statefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'redis', namespace: 'default' },
  spec: {
    serviceName: 'redis',
    replicas: 1,
    selector: { matchLabels: { app: 'redis' } },
    template: {
      metadata: { labels: { app: 'redis' } },
      spec: {
        terminationGracePeriodSeconds: 10,
        containers: [
          {
            name: 'redis',
            image: REDIS_REF,
            imagePullPolicy: 'Never',
            command: ['redis-server', '--dir', '/data', '--appendonly', 'yes', '--protected-mode', 'no'],
            ports: [{ containerPort: 6379, name: 'redis' }],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          },
        ],
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } },
      },
    ],
  },
};

describe(
  'a StatefulSet redis keeps its data on a local-path PVC (real containerd)',
  { skip, timeout: 240_000 },
  () => {
    let env: AgentEnv;
    let dataPath: string | undefined;

    before(async () => {
      env = await startAgentEnv(node, {}, { streams: true });
      await importImages([built.image!], { address: join(env.dir, 'containerd', 'containerd.sock') });
    });
    after(async () => {
      if (env) {
        await env.k.run(['delete', 'statefulset', 'redis', '--wait=false']);
        await env.k.run(['delete', 'pvc', 'data-redis-0', '--wait=false']);
        await env.stop();
      }
      // Left only when the deletion test failed.
      if (dataPath?.startsWith('/var/lib/berth/storage/')) rmSync(dataPath, { recursive: true, force: true });
    });

    /** Runs redis-cli in redis-0 until it prints `want` (a fresh server may still be loading its AOF). */
    async function cli(args: string[], want: string): Promise<void> {
      const deadline = Date.now() + 60_000;
      let last = '';
      while (Date.now() < deadline) {
        const r = await env.k.run(['exec', 'redis-0', '--', 'redis-cli', ...args]);
        last = `exit ${r.code}: ${r.stdout.trim()} ${r.stderr.trim()}`;
        if (r.code === 0 && r.stdout.trim() === want) return;
        await new Promise((res) => setTimeout(res, 500));
      }
      assert.fail(`redis-cli ${args.join(' ')}: wanted ${want}, last ${last}`);
    }

    const running = (p: Pod) => p.status?.phase === 'Running' && !!p.status.containerStatuses?.[0]?.ready;

    /** Polls redis-0 (absent counts as not yet: the StatefulSet makes it) until `ok` holds. */
    async function waitRedis0(ok: (p: Pod) => boolean, what: string): Promise<Pod> {
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        const p = await env.client
          .resource<Pod>('', 'v1', 'pods')
          .get('default', 'redis-0')
          .catch(() => undefined);
        if (p && ok(p)) return p;
        await new Promise((r) => setTimeout(r, 250));
      }
      const state = await env.k.run(['describe', 'statefulset,pod,pvc']);
      return assert.fail(`redis-0: ${what} not reached:\n${state.stdout.slice(0, 6000)}`);
    }

    test('redis-cli set, delete redis-0, the new redis-0 still has k', async () => {
      await env.k.ok(['apply', '-f', '-'], { input: JSON.stringify(statefulSet) });
      // The StatefulSet controller makes the pod, the scheduler binds it once the claim is provisioned.
      const first = await waitRedis0(running, 'running');
      assert.equal(first.spec?.nodeName, node);

      const pvName = (
        await env.k.ok(['get', 'pvc', 'data-redis-0', '-o', 'jsonpath={.spec.volumeName}'])
      ).trim();
      assert.match(pvName, /^pvc-/);
      dataPath = (await env.k.ok(['get', 'pv', pvName, '-o', 'jsonpath={.spec.local.path}'])).trim();
      assert.ok(dataPath, 'the provisioned volume has a local path');

      await cli(['set', 'k', 'v'], 'OK');
      await env.k.ok(['delete', 'pod', 'redis-0', '--wait=true', '--timeout=60s']);

      const second = await waitRedis0(
        (p) => p.metadata.uid !== first.metadata.uid && running(p),
        'recreated and running',
      );
      assert.notEqual(second.metadata.uid, first.metadata.uid);
      await cli(['get', 'k'], 'v');
      // Still the same claim and volume: the data came from the PVC, not from a copy.
      assert.equal(
        (await env.k.ok(['get', 'pvc', 'data-redis-0', '-o', 'jsonpath={.spec.volumeName}'])).trim(),
        pvName,
      );
    });

    test('deleting the claim deletes the volume and its directory on the node', async () => {
      assert.ok(dataPath && existsSync(dataPath), `the volume directory ${dataPath} exists`);
      assert.ok(readdirSync(dataPath).length > 0, 'redis wrote its append-only file there');
      const pvName = (
        await env.k.ok(['get', 'pvc', 'data-redis-0', '-o', 'jsonpath={.spec.volumeName}'])
      ).trim();
      await env.k.ok(['delete', 'statefulset', 'redis', '--wait=true', '--timeout=60s']);
      await env.k.ok(['delete', 'pvc', 'data-redis-0', '--wait=true', '--timeout=60s']);
      // Released → cleanup pod `delete-<pv>` in kube-system runs `rm -rf` on the node → PV deleted.
      const gone = await env.k.run(['wait', '--for=delete', `pv/${pvName}`, '--timeout=90s']);
      if (gone.code !== 0) {
        const state = await env.k.run(['describe', 'pv', pvName]);
        const pods = await env.k.run(['-n', 'kube-system', 'describe', 'pods']);
        assert.fail(
          `pv ${pvName} not deleted: ${gone.stderr}\n${state.stdout}\n${pods.stdout.slice(0, 4000)}`,
        );
      }
      assert.equal(existsSync(dataPath), false, `${dataPath} removed from the node`);
      assert.ok(existsSync(join(dataPath, '..')), 'the base directory stays');
      // The cleanup pod is gone too.
      const left = await env.k.ok(['-n', 'kube-system', 'get', 'pods', '-o', 'name']);
      assert.doesNotMatch(left, /delete-pvc-/);
    });
  },
);
