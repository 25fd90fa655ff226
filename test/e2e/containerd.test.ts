/**
 * The node runtime layer against the real thing: Berth's own pause and busybox images, a supervised
 * containerd (runc, CNI bridge) in a temporary data directory, and the CRI client driving a pod
 * through its whole life — sandbox with a pod IP, an httpd container reached over the pod network,
 * ExecSync, the CRI log file, stats, stream URLs, a containerd crash survived — then teardown, with
 * a check that nothing is left on the host (sandboxes, shims, mounts, cgroups, the bridge).
 * Skipped only when not root or containerd/runc/CNI plugins are not installed (.ci/run installs them).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CriClient, CriError } from '../../src/node/cri/index.ts';
import type { PodSandboxConfig } from '../../src/node/cri/index.ts';
import {
  cidrContains,
  ContainerdSupervisor,
  deleteLink,
  linkExists,
  mountsUnder,
  removeCgroup,
  runtimePreflightMessage,
  shimPids,
  cgroupRoots,
} from '../../src/node/containerd/index.ts';
import { BUSYBOX_REF, ensureLocalImages, PAUSE_REF } from '../../src/node/images/local-images.ts';

const skip = runtimePreflightMessage();

describe('containerd runtime (real containerd + runc + CNI)', { skip: skip ?? false }, () => {
  const tag = randomBytes(3).toString('hex');
  const podCidr = `10.199.${randomBytes(1)[0]}.0/24`;
  const bridge = `bt${tag}`;
  const cgroupRoot = `/berth-test-${tag}`;
  let dir: string;
  let sup: ContainerdSupervisor;
  let cri: CriClient;
  let sandboxId = '';
  let containerId = '';
  let podIp = '';
  let sandboxConfig: PodSandboxConfig;

  before(async () => {
    dir = mkdtempSync('/tmp/berth-ctrd-');
    const images = ensureLocalImages();
    sup = new ContainerdSupervisor({
      dataDir: dir,
      podCidr,
      bridge,
      networkName: `berth-${tag}`,
      images: [images.pause, images.busybox],
      backoffInitialMs: 50,
    });
    await sup.start();
    cri = new CriClient({ endpoint: sup.endpoint, requestTimeoutMs: 30_000 });
    sandboxConfig = {
      metadata: { name: 'web', uid: `uid-${tag}`, namespace: 'default' },
      hostname: 'web',
      log_directory: join(dir, 'pods', `default_web_uid-${tag}`),
      dns_config: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
      labels: { 'berth.io/test': tag },
      linux: { cgroup_parent: `${cgroupRoot}/pod-${tag}` },
    };
    mkdirSync(sandboxConfig.log_directory!, { recursive: true });
  });

  after(async () => {
    // Best effort when a test failed half-way; the teardown test below does this and asserts on it.
    try {
      for (const s of await cri.listPodSandbox()) {
        await cri.stopPodSandbox(s.id).catch(() => {});
        await cri.removePodSandbox(s.id).catch(() => {});
      }
    } catch {
      // containerd already gone
    }
    cri?.close();
    await sup?.stop();
    for (const pid of dir ? shimPids(join(dir, 'containerd', 'containerd.sock')) : [])
      process.kill(pid, 'SIGKILL');
    if (dir) {
      for (const p of mountsUnder(dir)) process.stderr.write(`leftover mount ${p}\n`);
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    }
    deleteLink(bridge);
    removeCgroup(cgroupRoot);
  });

  test('the CRI answers: containerd, runtime.v1, runtime and network ready', async () => {
    const v = await cri.version();
    assert.equal(v.runtime_name, 'containerd');
    assert.equal(v.runtime_api_version, 'v1');
    const conditions = Object.fromEntries(
      (await cri.status()).status!.conditions.map((c) => [c.type, c.status]),
    );
    assert.deepEqual(conditions, { RuntimeReady: true, NetworkReady: true });
  });

  test('the local images are imported under their full names', async () => {
    for (const ref of [PAUSE_REF, BUSYBOX_REF]) {
      const image = await cri.imageStatus(ref);
      assert.ok(image, `${ref} present`);
      assert.deepEqual(image.repo_tags, [ref]);
      assert.ok(Number(image.size) > 500_000);
    }
    assert.equal(await cri.imageStatus('docker.io/library/nothing:here'), null);
    const fs = await cri.imageFsInfo();
    assert.ok(fs.image_filesystems[0].fs_id?.mountpoint.startsWith(dir), 'image store under the data dir');
  });

  test('RunPodSandbox gives a ready sandbox with an IP from the pod CIDR', async () => {
    sandboxId = await cri.runPodSandbox(sandboxConfig);
    const { status } = await cri.podSandboxStatus(sandboxId);
    assert.equal(status?.state, 'SANDBOX_READY');
    assert.equal(status?.metadata?.uid, `uid-${tag}`);
    podIp = status?.network?.ip ?? '';
    assert.ok(cidrContains(podCidr, podIp), `${podIp} in ${podCidr}`);
    assert.ok(linkExists(bridge), 'the CNI bridge exists');
    const listed = await cri.listPodSandbox({ label_selector: { 'berth.io/test': tag } });
    assert.deepEqual(
      listed.map((s) => s.id),
      [sandboxId],
    );
  });

  test('a busybox httpd container runs and answers on the pod IP', async () => {
    containerId = await cri.createContainer(
      sandboxId,
      {
        metadata: { name: 'httpd' },
        image: { image: BUSYBOX_REF },
        command: ['sh', '-c', 'echo started on $(hostname); exec httpd -f -p 8080 -h /var/www'],
        envs: [{ key: 'GREETING', value: 'hi' }],
        log_path: 'httpd/0.log',
        labels: { 'berth.io/test': tag },
      },
      sandboxConfig,
    );
    await cri.startContainer(containerId);
    const { status } = await cri.containerStatus(containerId);
    assert.equal(status?.state, 'CONTAINER_RUNNING');
    assert.notEqual(status?.started_at, '0');
    assert.equal(status?.log_path, join(sandboxConfig.log_directory!, 'httpd/0.log'));
    assert.equal(await httpGetWhenUp(`http://${podIp}:8080/`), 'berth busybox\n');
  });

  test('ExecSync returns output and exit codes; DNS config reaches resolv.conf', async () => {
    const hi = await cri.execSync(containerId, ['echo', 'hi'], 10);
    assert.deepEqual([hi.stdout.toString(), hi.stderr.toString(), hi.exit_code], ['hi\n', '', 0]);
    const env = await cri.execSync(containerId, ['sh', '-c', 'echo $GREETING >&2; exit 3']);
    assert.deepEqual([env.stderr.toString(), env.exit_code], ['hi\n', 3]);
    const resolv = (await cri.execSync(containerId, ['cat', '/etc/resolv.conf'])).stdout.toString();
    assert.match(resolv, /nameserver 10\.96\.0\.10/);
    assert.match(resolv, /options ndots:5/);
  });

  test('the container log file is in CRI format', async () => {
    const { status } = await cri.containerStatus(containerId);
    const lines = readFileSync(status!.log_path, 'utf8').trimEnd().split('\n');
    const m = /^(\S+) (stdout|stderr) (F|P) (.*)$/.exec(lines[0]);
    assert.ok(m, `CRI log line: ${lines[0]}`);
    assert.ok(!Number.isNaN(Date.parse(m[1])), 'RFC 3339 timestamp');
    assert.deepEqual([m[2], m[3], m[4]], ['stdout', 'F', 'started on web']);
  });

  test('stats and stream URLs', async () => {
    const stats = await cri.containerStats(containerId);
    assert.equal(stats?.attributes?.id, containerId);
    assert.ok(Number(stats?.memory?.working_set_bytes?.value) > 0);
    const all = await cri.listContainerStats({ pod_sandbox_id: sandboxId });
    assert.deepEqual(
      all.map((s) => s.attributes?.id),
      [containerId],
    );
    const port = sup.streamServerPort;
    assert.match(
      await cri.exec({ container_id: containerId, cmd: ['sh'], stdout: true }),
      new RegExp(`^http://127\\.0\\.0\\.1:${port}/exec/`),
    );
    assert.match(await cri.attach({ container_id: containerId, stdout: true }), /\/attach\//);
    assert.match(await cri.portForward(sandboxId, [8080]), /\/portforward\//);
  });

  test('errors name the call and map NotFound', async () => {
    await assert.rejects(cri.containerStatus('no-such-container'), (err: unknown) => {
      assert.ok(err instanceof CriError);
      assert.equal(err.code, 'NotFound');
      assert.match(err.message, /^CRI ContainerStatus: .*not found/);
      return true;
    });
    await assert.rejects(cri.pullImage('berth.local/none:1'), (err: unknown) => err instanceof CriError);
  });

  test('a containerd crash is survived: restarted, container still running', async () => {
    const before = (await cri.containerStatus(containerId)).status!.started_at;
    process.kill(sup.pid!, 'SIGKILL');
    await waitFor(() => sup.state !== 'running', 5_000);
    await sup.waitRunning(20_000);
    assert.equal(sup.restarts, 1);
    const { status } = await cri.containerStatus(containerId);
    assert.equal(status?.state, 'CONTAINER_RUNNING');
    assert.equal(status?.started_at, before, 'not restarted');
    assert.equal((await cri.execSync(containerId, ['echo', 'still'])).stdout.toString(), 'still\n');
  });

  test('teardown leaves nothing behind', async () => {
    await cri.stopContainer(containerId, 2);
    assert.equal((await cri.containerStatus(containerId)).status?.state, 'CONTAINER_EXITED');
    await cri.removeContainer(containerId);
    await cri.stopPodSandbox(sandboxId);
    await cri.stopPodSandbox(sandboxId); // idempotent
    await cri.removePodSandbox(sandboxId);
    assert.deepEqual(await cri.listPodSandbox(), []);
    assert.deepEqual(await cri.listContainers(), []);
    const socket = join(dir, 'containerd', 'containerd.sock');
    await waitFor(() => shimPids(socket).length === 0, 5_000);
    cri.close();
    await sup.stop();
    assert.equal(sup.state, 'stopped');
    assert.deepEqual(mountsUnder(dir), [], 'no netns or rootfs mounts left');
    deleteLink(bridge);
    assert.equal(linkExists(bridge), false);
    assert.deepEqual(removeCgroup(cgroupRoot), [], 'pod cgroups empty');
    for (const root of cgroupRoots()) assert.equal(existsSync(join(root, cgroupRoot)), false);
  });
});

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** GET, retried while the server in the just-started container is not listening yet. */
async function httpGetWhenUp(url: string, timeoutMs = 5_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await httpGet(url);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
