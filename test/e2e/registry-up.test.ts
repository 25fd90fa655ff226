/**
 * The image registry as part of `berth up`, with a real agent and containerd: `berth up` serves the
 * registry on its own HTTPS port (certificate from the cluster CA), `berth image push` puts the
 * offline busybox layout into a private namespace with the admin password, anonymous pulls of it
 * are refused, and a pod naming `<registry>/team/busybox:1.35` reaches Running — the agent's
 * containerd trusts the CA and pulls with the node's client certificate, no pull secret. A pod
 * naming a missing tag shows ErrImagePull/ImagePullBackOff with the pull's error.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { acquireHostLock } from '../helpers/host-lock.ts';
import { startBerthUp, until, type BerthUp } from '../helpers/berth-up.ts';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { berthBin, freePort, repoRoot } from '../helpers/server.ts';
import { httpsClient, type HttpsClient } from '../helpers/https.ts';
import { readKubeconfig } from '../helpers/kubeconfig.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { runtimePreflightMessage } from '../../src/node/containerd/preflight.ts';
import { deleteLink, removeCgroup } from '../../src/node/containerd/cleanup.ts';
import { ensureLocalImages } from '../../src/node/images/local-images.ts';
import { localNodeName } from '../../src/cli/up-agent.ts';

const skip = e2eSkip({ kubectl: false }) || runtimePreflightMessage() || false;

function berth(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(berthBin, args, { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
}

interface PodStatus {
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[];
  };
}

async function getPod(c: HttpsClient, name: string): Promise<PodStatus> {
  return JSON.parse((await c.request('GET', `/api/v1/namespaces/default/pods/${name}`)).body) as PodStatus;
}

async function createPod(c: HttpsClient, name: string, image: string): Promise<void> {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image, command: ['sleep', '3600'] }],
    },
  };
  const r = await c.request('POST', '/api/v1/namespaces/default/pods', {
    body: JSON.stringify(pod),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(r.status, 201, r.body);
}

describe('the image registry in berth up', { skip }, () => {
  test(
    'push into a private namespace, pods pull it through the node certificate',
    // Up to 4 minutes of its own, plus the wait for the other `berth up` test (see the host lock).
    { timeout: 480_000 },
    async (t) => {
      // `berth up`'s agent uses the host's default bridge, cgroup root and node name: one at a time.
      t.after(await acquireHostLock('berth-up-agent'));
      const images = ensureLocalImages();
      const registryPort = await freePort();
      const registry = `127.0.0.1:${registryPort}`;
      let up: BerthUp | undefined;
      const log = (): string => up?.out() ?? '';
      let client: HttpsClient | undefined;
      try {
        up = await startBerthUp(['--registry-listen', registry], { dirPrefix: 'berth-regup-' });
        const dir = up.dir;
        assert.match(up.out(), new RegExp(`Image registry: https://127\\.0\\.0\\.1:${registryPort}`));
        // Its certificate comes from the cluster CA, and its admin password is the console's.
        const ca = readFileSync(join(dir, 'server', 'tls', 'ca.crt'), 'utf8');
        assert.equal(
          readFileSync(join(dir, 'registry', 'admin-password'), 'utf8'),
          readFileSync(join(dir, 'admin-password'), 'utf8'),
        );

        const ns = berth('registry', 'namespace', 'create', 'team', '--data-dir', dir);
        assert.equal(ns.status, 0, ns.stderr);
        const ref = `${registry}/team/busybox:1.35`;
        const push = berth('image', 'push', images.busybox.dir, ref, '--data-dir', dir);
        assert.equal(push.status, 0, push.stderr);
        assert.match(push.stdout, new RegExp(`pushed ${ref}@${images.busybox.manifestDigest}`));
        // Bad input: one line, non-zero exit.
        const bad = berth('image', 'push', join(dir, 'nothing-here'), ref, '--data-dir', dir);
        assert.equal(bad.status, 1);
        assert.match(bad.stderr, /^berth: .*no such file or directory\n$/);
        const denied = berth(
          'image',
          'push',
          images.busybox.dir,
          `${registry}/nons/busybox:1`,
          '--data-dir',
          dir,
        );
        assert.equal(denied.status, 1);
        assert.match(denied.stderr, /^berth: push .*DENIED/m);

        // Anonymous pulls of the private namespace stay refused.
        const anon = await new Promise<number>((resolve, reject) =>
          request(`https://${registry}/v2/team/busybox/manifests/1.35`, { ca, agent: false }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
            .on('error', reject)
            .end(),
        );
        assert.equal(anon, 401);

        client = httpsClient(readKubeconfig(join(dir, 'server', 'kubeconfig')));
        const c = client;
        const node = localNodeName();
        await until(
          'node Ready',
          120_000,
          async () => {
            const r = await c.request('GET', `/api/v1/nodes/${node}`);
            if (r.status !== 200) return undefined;
            const conds = (
              JSON.parse(r.body) as { status?: { conditions?: { type: string; status: string }[] } }
            ).status?.conditions;
            return conds?.some((x) => x.type === 'Ready' && x.status === 'True') ? true : undefined;
          },
          log,
        );
        assert.ok(existsSync(join(dir, 'agent', 'certs.d', registry, 'hosts.toml')));
        // The address is published for agents started without --registry; a node may read that
        // one ConfigMap (and no other in kube-public).
        const asNode = httpsClient(readKubeconfig(join(dir, 'agent', 'kubeconfig')));
        try {
          const cm = await asNode.request('GET', '/api/v1/namespaces/kube-public/configmaps/berth-registry');
          assert.equal(cm.status, 200, cm.body);
          assert.equal((JSON.parse(cm.body) as { data?: { address?: string } }).data?.address, registry);
          const list = await asNode.request('GET', '/api/v1/namespaces/kube-public/configmaps');
          assert.equal(list.status, 403, list.body);
        } finally {
          asNode.close();
        }

        await createPod(c, 'from-registry', ref);
        await createPod(c, 'missing-tag', `${registry}/team/busybox:nope`);
        await until(
          'pod from-registry Running',
          120_000,
          async () => {
            const p = await getPod(c, 'from-registry');
            return p.status?.phase === 'Running' ? true : undefined;
          },
          log,
        );
        const waiting = await until(
          'pod missing-tag failing to pull',
          120_000,
          async () => {
            const w = (await getPod(c, 'missing-tag')).status?.containerStatuses?.[0]?.state?.waiting;
            // The pull's own error (containerd's "not found" for the registry's MANIFEST_UNKNOWN).
            return (w?.reason === 'ErrImagePull' || w?.reason === 'ImagePullBackOff') &&
              /not found/.test(w.message ?? '')
              ? w
              : undefined;
          },
          log,
        );
        assert.match(waiting.message ?? '', new RegExp(`${registry}/team/busybox:nope.*not found`));

        for (const name of ['from-registry', 'missing-tag'])
          await c.request('DELETE', `/api/v1/namespaces/default/pods/${name}`);
        await until(
          'pods gone',
          60_000,
          async () => {
            const a = await c.request('GET', '/api/v1/namespaces/default/pods/from-registry');
            const b = await c.request('GET', '/api/v1/namespaces/default/pods/missing-tag');
            return a.status === 404 && b.status === 404 ? true : undefined;
          },
          log,
        );
        assert.equal(await up.stop('SIGINT'), 0, log());
      } catch (err) {
        process.stderr.write(`berth up output:\n${log()}\n`);
        if (client) {
          const c = client;
          for (const name of ['from-registry', 'missing-tag']) {
            process.stderr.write(`pod ${name}: ${JSON.stringify((await getPod(c, name)).status)}\n`);
            await c.request('DELETE', `/api/v1/namespaces/default/pods/${name}`);
          }
          await until(
            'pods gone',
            60_000,
            async () => {
              const a = await c.request('GET', '/api/v1/namespaces/default/pods/from-registry');
              const b = await c.request('GET', '/api/v1/namespaces/default/pods/missing-tag');
              return a.status === 404 && b.status === 404 ? true : undefined;
            },
            log,
          ).catch(() => undefined);
        }
        const cd = up && join(up.dir, 'agent', 'containerd', 'containerd.log');
        if (cd && existsSync(cd))
          process.stderr.write(
            readFileSync(cd, 'utf8')
              .split('\n')
              .filter((l) => /x509|pull/i.test(l))
              .join('\n'),
          );
        throw err;
      } finally {
        client?.close();
        // SIGINT first, so `berth up` stops its agent (and the agent its pods); SIGKILL only after.
        await up?.stop('SIGINT');
        deleteLink('berth0');
        removeCgroup('/berth');
        // The agent's service proxy and NetworkPolicy tables outlive it (as kube-proxy's rules do).
        for (const [family, table] of [
          ['ip', 'berth'],
          ['inet', 'berth-netpol'],
        ])
          spawnSync('nft', ['delete', 'table', family!, table!], { stdio: 'ignore' });
      }
    },
  );
});
