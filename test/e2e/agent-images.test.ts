/**
 * Node images and static pods against the real thing (berth server, supervised containerd, the
 * in-process agent for one node):
 *  - a private registry (Debian's docker-registry with htpasswd auth, plain HTTP on 127.0.0.1)
 *    holding busybox pushed with skopeo: a pod without a pull secret sits in
 *    ErrImagePull/ImagePullBackOff with the registry's "unauthorized" message; with a
 *    dockerconfigjson Secret (named by the pod's ServiceAccount) it runs;
 *  - static pods from --pod-manifest-path: the mirror pod appears, comes back after deletion
 *    (the container keeps running), and goes with the manifest file (so does the container);
 *  - image GC forced with 1 %/1 % thresholds: an unused image is removed, the in-use one and the
 *    pause image are kept, and FreeDiskSpaceFailed is recorded on the Node.
 * Skipped when not root, containerd/runc/CNI, docker-registry, skopeo or python3's crypt are missing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { runtimePreflightMessage } from '../../src/node/containerd/index.ts';
import { ensureLocalImages } from '../../src/node/images/local-images.ts';
import { BUSYBOX_REF, PAUSE_REF } from '../../src/node/images/recipes.ts';
import type { Pod } from '../../src/node/pods/types.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { startAgentEnv, type AgentEnv } from './agent-env.ts';
import {
  haveDistribution,
  haveSkopeo,
  skopeo,
  startDistribution,
  type RegistryProcess,
} from './registry-fixtures.ts';

/** bcrypt for htpasswd (docker-registry accepts only bcrypt), via python3's crypt. */
function bcrypt(password: string): string | undefined {
  const r = spawnSync(
    'python3',
    [
      '-W',
      'ignore',
      '-c',
      'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))',
      password,
    ],
    { encoding: 'utf8' },
  );
  const out = r.stdout?.trim() ?? '';
  return r.status === 0 && out.startsWith('$2') ? out : undefined;
}

/** A copy of the OCI layout `src` whose config carries one more label: a different image id. */
function variantLayout(src: string, dst: string, tag: string): void {
  cpSync(src, dst, { recursive: true });
  const blob = (digest: string) => join(dst, 'blobs', 'sha256', digest.replace('sha256:', ''));
  const put = (data: Buffer): { digest: string; size: number } => {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    writeFileSync(blob(digest), data);
    return { digest, size: data.length };
  };
  const index = JSON.parse(readFileSync(join(dst, 'index.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
  const config = JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8'));
  config.config = { ...config.config, Labels: { variant: tag } };
  Object.assign(manifest.config, put(Buffer.from(JSON.stringify(config))));
  const m = put(Buffer.from(JSON.stringify(manifest)));
  index.manifests = [
    { ...index.manifests[0], ...m, annotations: { 'org.opencontainers.image.ref.name': tag } },
  ];
  writeFileSync(join(dst, 'index.json'), JSON.stringify(index));
}

const hash = haveDistribution() && haveSkopeo() ? bcrypt('s3cret') : undefined;
const skip =
  runtimePreflightMessage() ??
  e2eSkip() ??
  (hash ? undefined : 'needs docker-registry, skopeo and python3 crypt (bcrypt)');
const node = 'node-images';

describe(
  'pull secrets, static pods and image GC (real containerd)',
  { skip: skip || false, timeout: 180_000 },
  () => {
    let env: AgentEnv;
    let reg: RegistryProcess;
    let tmp: string;
    let manifests: string;

    const pods = () => env.client.resource<Pod>('', 'v1', 'pods');
    const waiting = (p: Pod) => p.status?.containerStatuses?.[0]?.state.waiting;
    /** Polls pod `name` (absent counts as not yet) until `ok` holds. */
    async function waitFor(name: string, ok: (p: Pod) => boolean, what: string): Promise<Pod> {
      const deadline = Date.now() + 60_000;
      let last: Pod | undefined;
      while (Date.now() < deadline) {
        last = await pods()
          .get('default', name)
          .catch(() => undefined);
        if (last && ok(last)) return last;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`pod ${name}: ${what} not reached; last: ${JSON.stringify(last?.status)}`);
    }

    before(async () => {
      tmp = mkdtempSync('/tmp/berth-agent-images-');
      manifests = join(tmp, 'manifests');
      mkdirSync(manifests);
      // The registry: htpasswd auth on plain HTTP (containerd speaks HTTP to 127.0.0.1).
      const regDir = join(tmp, 'registry');
      mkdirSync(regDir);
      writeFileSync(join(regDir, 'htpasswd'), `alice:${hash}\n`);
      reg = await startDistribution(regDir, {
        htpasswd: join(regDir, 'htpasswd'),
      });
      const busybox = ensureLocalImages().busybox;
      await skopeo(
        'copy',
        '--dest-tls-verify=false',
        '--dest-creds=alice:s3cret',
        `oci:${busybox.dir}:1.35`,
        `docker://${reg.host}/private/busybox:1.35`,
      );
      env = await startAgentEnv(node, {
        podManifestPath: manifests,
        staticPodPeriodMs: 1_000,
        // Forced by the test (garbageCollect), never on a timer during the other tests.
        imageGC: { highThresholdPercent: 1, lowThresholdPercent: 1, periodMs: 3_600_000 },
      });
    });

    after(async () => {
      await env?.stop();
      await reg?.stop();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    test('a private image: ErrImagePull/ImagePullBackOff without the secret, Running with it', async () => {
      const image = `${reg.host}/private/busybox:1.35`;
      const spec = (name: string) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: {
          nodeName: node,
          serviceAccountName: 'puller',
          automountServiceAccountToken: false,
          containers: [{ name: 'main', image, imagePullPolicy: 'Always', command: ['sleep', '3600'] }],
        },
      });
      await env.k.ok(['create', 'serviceaccount', 'puller']);
      await pods().create('default', spec('private-nosecret') as Pod);
      const failed = await env.waitPod(
        'private-nosecret',
        (p) => ['ErrImagePull', 'ImagePullBackOff'].includes(waiting(p)?.reason ?? ''),
        'ErrImagePull',
        60_000,
      );
      assert.match(waiting(failed)?.message ?? '', /unauthorized|authentication required|401/i);

      // The secret, named by the pod's ServiceAccount (not the pod): kubectl's docker-registry secret.
      await env.k.ok([
        'create',
        'secret',
        'docker-registry',
        'regcred',
        `--docker-server=${reg.host}`,
        '--docker-username=alice',
        '--docker-password=s3cret',
      ]);
      await env.k.ok([
        'patch',
        'serviceaccount',
        'puller',
        '-p',
        '{"imagePullSecrets":[{"name":"regcred"}]}',
      ]);
      await pods().create('default', spec('private-secret') as Pod);
      await env.waitPod(
        'private-secret',
        (p) => p.status?.containerStatuses?.[0]?.state.running !== undefined,
        'Running',
        60_000,
      );
      await env.k.ok(['delete', 'pod', 'private-nosecret', 'private-secret', '--wait=false']);
    });

    test('static pods: mirror pod, recreated after deletion, gone with the file', async () => {
      const file = join(manifests, 'web.yaml');
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Pod',
          'metadata: {name: static-web, labels: {app: static}}',
          'spec:',
          '  terminationGracePeriodSeconds: 1',
          `  containers: [{name: main, image: ${BUSYBOX_REF}, imagePullPolicy: Never, command: [sleep, '3600']}]`,
          '',
        ].join('\n'),
      );
      const name = `static-web-${node}`;
      const running = (p: Pod) => p.status?.containerStatuses?.[0]?.state.running !== undefined;
      const first = await waitFor(name, running, 'mirror pod Running');
      const a = first.metadata.annotations ?? {};
      assert.equal(a['kubernetes.io/config.source'], 'file');
      assert.ok(a['kubernetes.io/config.mirror']);
      assert.deepEqual(
        first.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}`),
        [`Node/${node}`],
      );
      const containerID = first.status?.containerStatuses?.[0]?.containerID;

      await env.k.ok(['delete', 'pod', name, '--wait=false']);
      const again = await waitFor(
        name,
        (p) => p.metadata.uid !== first.metadata.uid && !p.metadata.deletionTimestamp && running(p),
        'mirror pod recreated',
      );
      assert.equal(again.status?.containerStatuses?.[0]?.containerID, containerID, 'container kept running');

      unlinkSync(file);
      const deadline = Date.now() + 60_000;
      let gone = false;
      while (!gone && Date.now() < deadline) {
        gone = (await env.k.run(['get', 'pod', name])).code !== 0;
        if (!gone) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(gone, 'mirror pod deleted with its manifest');
      const id = (containerID ?? '').replace('containerd://', '');
      for (let i = 0; i < 300 && (await env.cri.listContainers()).some((c) => c.id === id); i++)
        await new Promise((r) => setTimeout(r, 200));
      assert.ok(!(await env.cri.listContainers()).some((c) => c.id === id), 'static pod container removed');
    });

    test('image GC removes an unused image and keeps the one in use and the pause image', async () => {
      // In use: a running busybox pod. Unused: a second image pulled straight into containerd.
      await env.k.ok([
        'run',
        'inuse',
        `--image=${BUSYBOX_REF}`,
        '--image-pull-policy=Never',
        `--overrides={"spec":{"nodeName":"${node}"}}`,
        '--',
        'sleep',
        '3600',
      ]);
      await env.waitPod(
        'inuse',
        (p) => p.status?.containerStatuses?.[0]?.state.running !== undefined,
        'Running',
        60_000,
      );
      const other = join(tmp, 'other');
      variantLayout(ensureLocalImages().busybox.dir, other, 'gc');
      await skopeo(
        'copy',
        '--dest-tls-verify=false',
        '--dest-creds=alice:s3cret',
        `oci:${other}:gc`,
        `docker://${reg.host}/private/unused:gc`,
      );
      const unusedRef = `${reg.host}/private/unused:gc`;
      await env.cri.pullImage(unusedRef, {
        username: 'alice',
        password: 's3cret',
        server_address: `https://${reg.host}`,
      });
      const gc = env.loop.imageGarbageCollector!;
      const r = await gc.garbageCollect();
      assert.ok(r.bytesToFree > 0, 'usage is over the 1 % threshold');
      assert.equal(await env.cri.imageStatus(unusedRef), null, 'unused image removed');
      assert.ok(await env.cri.imageStatus(BUSYBOX_REF), 'in-use image kept');
      assert.ok(await env.cri.imageStatus(PAUSE_REF), 'pause image kept');
      const deadline = Date.now() + 30_000;
      let events = '';
      while (!events.includes('FreeDiskSpaceFailed') && Date.now() < deadline) {
        events = (
          await env.k.run(['get', 'events', '--field-selector', 'involvedObject.kind=Node', '-o', 'wide'])
        ).stdout;
        if (!events.includes('FreeDiskSpaceFailed')) await new Promise((r) => setTimeout(r, 300));
      }
      assert.match(events, /FreeDiskSpaceFailed/);
    });
  },
);
