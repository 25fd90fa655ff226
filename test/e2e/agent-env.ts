/**
 * A one-node cluster with real containers for e2e tests: a `berth server`, a supervised containerd
 * (own data dir, CNI bridge, pod CIDR and cgroup root, so tests can run side by side) and an agent
 * running the pod sync loop in this process. `stop()` removes sandboxes, shims, mounts, the bridge
 * and the cgroup root again. Callers skip with `runtimePreflightMessage() ?? e2eSkip()` first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '../../src/client/client.ts';
import { httpTransport, type HttpTransport } from '../../src/client/http.ts';
import { loadKubeconfig } from '../../src/client/kubeconfig.ts';
import { silentLogger } from '../../src/client/logger.ts';
import { Agent, type PodWorker } from '../../src/node/agent/agent.ts';
import { ensureNodeIdentity } from '../../src/node/agent/node-identity.ts';
import { CriClient } from '../../src/node/cri/index.ts';
import {
  ContainerdSupervisor,
  deleteLink,
  removeCgroup,
  shimPids,
  unmountUnder,
} from '../../src/node/containerd/index.ts';
import { ensureLocalImages } from '../../src/node/images/local-images.ts';
import { PodSyncLoop, type PodSyncLoopOptions } from '../../src/node/pods/index.ts';
import type { Pod } from '../../src/node/pods/types.ts';
import { StreamsWorker, type StreamsWorkerOptions } from '../../src/node/streams/worker.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

export interface AgentEnv {
  nodeName: string;
  server: TestServer;
  client: Client;
  cri: CriClient;
  k: KubectlSession;
  dir: string;
  podCidr: string;
  /** cgroupfs root of this node's pods, e.g. /berth-e2e-1a2b3c. */
  cgroupRoot: string;
  /** The agent's pod sync loop. */
  loop: PodSyncLoop;
  /** Polls the pod until `ok` holds; throws with its last status after `timeoutMs`. */
  waitPod(name: string, ok: (p: Pod) => boolean, what: string, timeoutMs?: number): Promise<Pod>;
  stop(): Promise<void>;
}

/** More pod workers for the agent, added after the pod sync loop (e.g. the eviction manager). */
export interface AgentEnvOptions {
  workers?: (parts: { loop: PodSyncLoop; cri: CriClient }) => PodWorker[];
  /**
   * Also serve pod streams (kubectl exec/logs/port-forward): the agent then runs as the node itself
   * (client certificate from a CSR, as the kubelet-serving CSR requires) with a StreamsWorker on a
   * free loopback port, published in the Node status before startAgentEnv returns.
   */
  streams?: boolean;
  /** The streams worker's CPU/memory collection window (GET /stats/summary), when `streams` is on. */
  stats?: StreamsWorkerOptions['stats'];
}

/** Starts the server, containerd and the in-process agent for node `nodeName`. */
export async function startAgentEnv(
  nodeName: string,
  loopOptions: Omit<PodSyncLoopOptions, 'cri'> = {},
  envOptions: AgentEnvOptions = {},
): Promise<AgentEnv> {
  const tag = randomBytes(3).toString('hex');
  const podCidr = `10.196.${randomBytes(1)[0]}.0/24`;
  const bridge = `ba${tag}`;
  const cgroupRoot = `/berth-e2e-${tag}`;
  const server = await startServer();
  let transport: HttpTransport | undefined;
  let nodeTransport: HttpTransport | undefined;
  let sup: ContainerdSupervisor | undefined;
  let cri: CriClient | undefined;
  let agent: Agent | undefined;
  const k = kubectlSession(undefined, server.kubeconfig);
  const dir = mkdtempSync('/tmp/berth-agent-env-');

  const stop = async (): Promise<void> => {
    await agent?.stop().catch(() => {});
    try {
      for (const s of (await cri?.listPodSandbox()) ?? []) {
        await cri!.stopPodSandbox(s.id).catch(() => {});
        await cri!.removePodSandbox(s.id).catch(() => {});
      }
    } catch {
      // containerd already gone
    }
    cri?.close();
    await sup?.stop();
    for (const pid of shimPids(join(dir, 'containerd', 'containerd.sock'))) process.kill(pid, 'SIGKILL');
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    deleteLink(bridge);
    removeCgroup(cgroupRoot);
    transport?.close();
    nodeTransport?.close();
    await k.close();
    await server.stop();
  };

  try {
    const adminKc = await loadKubeconfig(server.kubeconfig);
    transport = httpTransport(adminKc, { maxSockets: Infinity });
    const client = new Client(transport);
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
    const loop = new PodSyncLoop({
      cgroupRoot,
      crashBackoff: { initialMs: 1_000 },
      resyncIntervalMs: 1_000,
      nodeIP: '127.0.0.1',
      ...loopOptions,
      cri,
    });
    let streams: StreamsWorker | undefined;
    let agentClient = client;
    if (envOptions.streams) {
      const identity = await ensureNodeIdentity({
        nodeName,
        dataDir: dir,
        bootstrap: { kind: 'kubeconfig', kubeconfig: adminKc },
      });
      nodeTransport = httpTransport(identity.kubeconfig, { maxSockets: Infinity });
      agentClient = new Client(nodeTransport);
      streams = new StreamsWorker({
        cri,
        caCert: identity.kubeconfig.caCert!,
        host: '127.0.0.1',
        port: 0,
        ...(envOptions.stats !== undefined ? { stats: envOptions.stats } : {}),
      });
    }
    agent = new Agent({
      client: agentClient,
      nodeName,
      dataDir: dir,
      ...(streams ? { nodeIP: '127.0.0.1' } : {}),
      log: silentLogger,
      runtime: {
        version: async () => `containerd://${(await cri!.version()).runtime_version}`,
        status: async () => ({ ready: true }),
      },
      workers: [loop, ...(envOptions.workers?.({ loop, cri }) ?? []), ...(streams ? [streams] : [])],
    });
    await agent.start();
    if (streams) await waitKubeletPort(client, nodeName, (await streams.ready()).port);
    // Pods run under the default service account; wait for its controller.
    const until = Date.now() + 20_000;
    while ((await k.run(['get', 'serviceaccount', 'default'])).code !== 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 200));

    const pods = client.resource<Pod>('', 'v1', 'pods');
    const waitPod: AgentEnv['waitPod'] = async (name, ok, what, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      let last: Pod | undefined;
      while (Date.now() < deadline) {
        last = await pods.get('default', name);
        if (ok(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`pod ${name}: ${what} not reached; status: ${JSON.stringify(last?.status, null, 1)}`);
    };
    return { nodeName, server, client, cri, k, dir, podCidr, cgroupRoot, loop, waitPod, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Waits until the Node status publishes the agent's streaming port (the API server dials it). */
async function waitKubeletPort(client: Client, nodeName: string, port: number): Promise<void> {
  const until = Date.now() + 20_000;
  for (;;) {
    const n = await client.resource('', 'v1', 'nodes').get(undefined, nodeName);
    const status = n.status as { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } | undefined;
    if (status?.daemonEndpoints?.kubeletEndpoint?.Port === port) return;
    if (Date.now() > until) throw new Error(`node ${nodeName} never published port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
