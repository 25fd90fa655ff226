/**
 * Everything `berth agent` needs to run real pods, behind one call: the node's container runtime
 * (its own supervised containerd with the offline pause/busybox images, or an existing CRI socket),
 * a RuntimeInfo for the Node's status, and a pod worker for the agent that writes the CNI config
 * once the Node has a spec.podCIDR (node IPAM assigns it after registration) and runs the pod sync
 * loop. Stopping the worker stops the loop and then containerd; containers keep running.
 *
 *   const pods = await startNodePods({ dataDir });
 *   const agent = new Agent({ ..., runtime: pods.runtime, workers: [pods.worker] });
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import { startContainerRuntime, type ContainerRuntime } from '../containerd/runtime.ts';
import type { ContainerdSupervisorOptions } from '../containerd/supervisor.ts';
import { ensureLocalImages } from '../images/local-images.ts';
import { PodSyncLoop, type PodLoopContext, type PodSyncLoopOptions } from './sync-loop.ts';

export interface NodePodsOptions {
  dataDir: string;
  /** An existing CRI socket (--container-runtime-endpoint) instead of a supervised containerd. */
  endpoint?: string;
  /** Pod CIDR to use until (or unless) the Node gets spec.podCIDR. */
  podCidr?: string;
  /** Options of the pod sync loop (cluster DNS, cgroup root, …). */
  loop?: Omit<PodSyncLoopOptions, 'cri'>;
  /** Options of the supervised containerd: stream server address (the node's IP), CNI ipMasq. */
  containerd?: Pick<ContainerdSupervisorOptions, 'streamServerAddress' | 'ipMasq' | 'bridge'>;
}

/** What the agent's worker context offers beyond PodLoopContext. */
export interface NodePodsContext extends PodLoopContext {
  onNodeChange?(fn: (node: DeepReadonly<KubeObject>) => void): () => void;
}

export interface NodePods {
  runtime: ContainerRuntime;
  /** For AgentOptions.runtime: `containerd://<version>` and readiness from CRI Status. */
  info: { version(): Promise<string>; status(): Promise<{ ready: boolean; message?: string }> };
  /** For AgentOptions.workers. */
  worker: { name: string; start(ctx: NodePodsContext): Promise<void>; stop(): Promise<void> };
  loop: PodSyncLoop;
}

function podCidrOf(node: DeepReadonly<KubeObject> | undefined): string | undefined {
  return (node?.spec as { podCIDR?: string } | undefined)?.podCIDR || undefined;
}

/** Starts the runtime and returns the pieces the agent plugs in. */
export async function startNodePods(o: NodePodsOptions): Promise<NodePods> {
  const runtime = o.endpoint
    ? await startContainerRuntime({ endpoint: o.endpoint })
    : await (async () => {
        const images = ensureLocalImages();
        return startContainerRuntime({
          dataDir: o.dataDir,
          podCidr: o.podCidr,
          images: [images.pause, images.busybox],
          ...o.containerd,
        });
      })();
  const loop = new PodSyncLoop({ ...o.loop, cri: runtime.cri });
  let unsubscribe: (() => void) | undefined;
  let written = o.podCidr;
  const writeCidr = (cidr: string | undefined): void => {
    if (!cidr || cidr === written || !runtime.supervisor) return;
    runtime.supervisor.writeCniConfig(cidr);
    written = cidr;
  };
  return {
    runtime,
    loop,
    info: {
      async version() {
        const v = await runtime.cri.version();
        return `${v.runtime_name}://${v.runtime_version}`;
      },
      async status() {
        const conds = (await runtime.cri.status()).status?.conditions ?? [];
        const bad = conds.filter((c) => !c.status);
        return bad.length
          ? { ready: false, message: bad.map((c) => `${c.type}: ${c.message || c.reason}`).join('; ') }
          : { ready: true };
      },
    },
    worker: {
      name: 'pods',
      async start(ctx) {
        writeCidr(podCidrOf(ctx.node?.()));
        unsubscribe = ctx.onNodeChange?.((n) => writeCidr(podCidrOf(n)));
        await loop.start(ctx);
      },
      async stop() {
        unsubscribe?.();
        await loop.stop();
        await runtime.stop();
      },
    },
  };
}
